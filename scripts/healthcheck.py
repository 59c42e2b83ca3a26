"""Docker HEALTHCHECK: exit 0 when the app behind BIND answers /healthz with 200.

The request names a host from ALLOWED_HOSTS, since a deployment that lists only its
public name would answer a bare 127.0.0.1 request with 400 (Django's host check).
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def probe_host(allowed_hosts: str) -> str:
    """The Host header to send: the first usable ALLOWED_HOSTS entry, else localhost."""
    for entry in allowed_hosts.split(","):
        host = entry.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main() -> int:
    port = os.environ.get("BIND", "0.0.0.0:8000").rsplit(":", 1)[-1]
    request = urllib.request.Request(  # noqa: S310 (a fixed loopback URL)
        f"http://127.0.0.1:{port}/healthz",
        headers={"Host": probe_host(os.environ.get("ALLOWED_HOSTS", ""))},
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        sys.stderr.write(f"healthcheck: {error}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
