#!/usr/bin/env python3
"""Build the cookbook: `python build.py [check|site|pdf|serve]` (no argument: everything)."""

from cookbook.cli import main

if __name__ == "__main__":
    main()
