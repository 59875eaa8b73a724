"""Benchmarks of ketamine-kg at scale (issue 8): run ``python -m bench`` or ``scripts/bench.sh``."""
