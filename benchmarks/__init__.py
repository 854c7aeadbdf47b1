"""Speed and memory against micrograd and PyTorch: `python -m benchmarks.NAME`."""

import os

# One BLAS/OpenMP thread for every benchmark script: this package's __init__ runs before any
# benchmark module imports numpy (or torch), and an unpinned run on a loaded 2-core machine made
# numpy's digits step 36 ms instead of 1.5 ms. setdefault: a value the caller set is kept.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")
