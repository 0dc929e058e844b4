"""Benchmarks: each module has ``main(argv) -> dict``; run with ``python -m kiosk bench NAME``.

Figures are medians over repeated runs, reported beside a baseline measured in the same run,
because the machine is shared and noisy. Progress goes to stderr, the JSON to stdout.
"""
