"""bpbook's benchmarks: how fast the book runs, each measured against a baseline in the same run.

``python -m benchmarks`` (what ``make bench`` runs) writes ``benchmarks/results.json`` and prints
the table it also writes to ``benchmarks/results.txt``. One module per benchmark, each with
``run(cfg) -> list[dict]`` returning result rows built by :func:`benchmarks.harness.row`:

- :mod:`~benchmarks.mlp_step`: one SGD step of the vectorized MLP vs PyTorch;
- :mod:`~benchmarks.value_step`: one training step on scalar ``Value`` nodes vs micrograd;
- :mod:`~benchmarks.widget_update`: each explorer's update function, per chapter;
- :mod:`~benchmarks.xor_train`: the XOR chapter's 5000 epochs vs a plain numpy loop;
- :mod:`~benchmarks.book`: executing every chapter, and each chapter's share;
- :mod:`~benchmarks.backprop_cost`: backward/forward time ratio, finite differences vs size;
- :mod:`~benchmarks.autograde`: nbgrader's autograde per submission and chapter, a student kernel's
  memory and CPU, and a class graded two processes at a time.

Timings are medians of repeated runs after a warm-up; a benchmark and its baseline are timed in
alternation, so load from other processes falls on both. Nothing here is a test: the test suite
only checks that the harness runs and writes well-formed results (``tests/test_benchmarks.py``).
"""
