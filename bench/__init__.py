"""Benchmarks: each prints its figures and a ratio against a baseline measured in
the same run. Run with ``python -m bench [name ...]``; see the README."""
