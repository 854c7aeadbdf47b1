"""Exercises with checks: a teacher's file per exercise, and the checks that grade it (see checks.py).

Each `NN_name.py` here is the teacher's version, in Jupytext's percent format,
with every solution between `# BEGIN SOLUTION` and `# END SOLUTION`.
`python -m demos.make_notebooks` writes notebooks/exercises/teacher/NN_name.ipynb
(solutions kept) and notebooks/exercises/NN_name.ipynb for students (each
solution replaced by `raise NotImplementedError`), from that one file. A
check cell calls a function of `checks`, which prints "✓ ..." or raises
`checks.Mistake` saying what is wrong.
"""
