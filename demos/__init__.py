"""Runnable lessons: `python -m demos.NAME [--quick] [--out DIR]`."""
