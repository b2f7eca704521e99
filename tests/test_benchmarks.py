"""The benchmark harness runs and writes well-formed results. No timing is asserted here: speed
targets are judged by ``make bench``, never by the test suite.

One quick run (tiny workloads, one repeat) of ``python -m benchmarks`` in a subprocess, as
``make bench`` runs it, then checks on its ``results.json`` and ``results.txt``.
"""
import importlib.util
import json
import math
import subprocess
import sys

import pytest

from benchmarks.__main__ import BENCHMARKS
from benchmarks.harness import KEYS, row, target

OPTIONAL = {"value_step": "micrograd", "mlp_step": "torch", "conv_step": "torch"}  # benchmark-only baselines


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "results.json").read_text()), (out / "results.txt").read_text()


def positive(x):
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


def test_every_benchmark_reports(results):
    rows = results[0]["benchmarks"]
    assert {r["benchmark"] for r in rows} >= set(BENCHMARKS)
    for r in rows:
        assert set(r) == set(KEYS), r["name"]
        assert r["status"] in ("ok", "skipped"), (r["name"], r["details"])


def test_measured_rows_are_positive_and_consistent(results):
    for r in results[0]["benchmarks"]:
        if r["status"] != "ok":
            continue
        assert positive(r["value"]) and r["units"], r["name"]
        if r["baseline"] is not None:
            assert positive(r["baseline"]["value"]) and r["baseline"]["name"], r["name"]
            assert positive(r["ratio"]), r["name"]
            assert r["ratio"] == pytest.approx(r["value"] / r["baseline"]["value"]), r["name"]
        assert r["met"] in ((True, False) if r["target"] else (None,)), r["name"]


def test_only_missing_optional_baselines_are_skipped(results):
    for r in results[0]["benchmarks"]:
        if r["status"] == "skipped" and r["benchmark"] in OPTIONAL:
            assert importlib.util.find_spec(OPTIONAL[r["benchmark"]]) is None, r["name"]
        elif r["status"] == "skipped":
            pytest.fail(f"{r['name']} skipped: {r['details']}")


def test_each_comparison_runs_the_same_computation(results):
    """A benchmark and its baseline start from the same weights and reach the same losses."""
    same = {r["name"]: r["details"].get("same_loss", r["details"].get("same_losses"))
            for r in results[0]["benchmarks"] if r["status"] == "ok"
            and r["benchmark"] in ("mlp_step", "value_step", "xor_train")}
    assert "xor_train" in same
    assert all(v is True for v in same.values()), same
    conv = [r for r in results[0]["benchmarks"] if r["benchmark"] == "conv_step"]
    assert conv and all(r["details"]["max_input_grad_difference"] < 1e-10 for r in conv
                        if r["status"] == "ok")


def test_table_lists_every_row(results):
    data, text = results
    for r in data["benchmarks"]:
        assert r["name"] in text


@pytest.mark.parametrize("value, baseline, op, of, met", [
    (2.0, 4.0, "<=", "ratio", True), (5.0, 4.0, "<=", "ratio", False),
    (3.0, None, ">=", "value", True), (1.0, None, ">=", "value", False)])
def test_row_computes_ratio_and_met(value, baseline, op, of, met):
    r = row("x/y", value, "ms", baseline, "base", target(of, op, 1.0 if of == "ratio" else 2.0,
                                                           "t"))
    assert r["benchmark"] == "x"
    assert r["ratio"] == (None if baseline is None else value / baseline)
    assert r["met"] is met
