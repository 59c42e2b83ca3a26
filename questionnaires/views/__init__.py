"""Views, one module per audience (STYLE.md §5)."""
