"""The headless commands behind `plx-desktop sync | profile | log | connect`; cli.py parses, these act."""
