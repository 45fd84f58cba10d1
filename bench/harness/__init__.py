"""The benchmark driver that bench/run.py runs (bench/README.md says how to use it)."""
