"""Benchmarks of streamaudit: synthetic estates, measured speed and memory, and budgets.

Not shipped in the package. ``python -m benchmarks run`` runs the whole
suite; see docs/benchmarks.md for the method and the latest figures.
"""
