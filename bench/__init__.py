"""Benchmarks that need a server (``bench/load.py``); never imported by the app."""
