"""Speed and memory against micrograd and PyTorch: `python -m benchmarks.NAME`."""
