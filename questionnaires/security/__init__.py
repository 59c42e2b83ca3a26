"""Cross-cutting protection with no domain logic: rate limits and the client address
they key on, two-factor sign-in glue, the TOTP QR code, and log scrubbing."""
