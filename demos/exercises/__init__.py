"""Exercises with checks: a teacher's file per exercise, and the checks that grade it (see checks.py)."""
