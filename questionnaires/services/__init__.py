"""Services: every write goes through one named, keyword-only function (STYLE.md §3)."""
