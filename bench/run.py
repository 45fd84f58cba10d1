"""The benchmark: `make bench`, or `.venv/bin/python bench/run.py --help` (bench/README.md)."""

import sys

from harness.cli import main

if __name__ == "__main__":
    sys.exit(main())
