"""The human-readable table of a results dict (what ``results.txt`` holds and the run prints)."""

COLUMNS = ("benchmark", "value", "baseline", "ratio", "target", "met", "note")


def number(x, units=""):
    if x is None:
        return "—"
    text = f"{x:.3g}" if abs(x) < 1e4 else f"{x:.0f}"
    return f"{text} {units}".strip()


def cells(r):
    base = r["baseline"] or {}
    met = {True: "yes", False: "NO", None: "—"}[r["met"]]
    if r["status"] != "ok":
        met = r["status"].upper()
    ratio = f"{r['ratio']:.2f}×" if r["ratio"] is not None else "—"
    baseline = number(base.get("value"), r["units"] or "")
    if base.get("name"):
        baseline += f" ({base['name']})"
    tgt = r["target"]["text"] if r["target"] else "—"
    return [r["name"], number(r["value"], r["units"] or ""), baseline, ratio, tgt, met,
            r["note"] or ""]


def table(results):
    rows = [list(COLUMNS)] + [cells(r) for r in results["benchmarks"]]
    widths = [max(len(row[j]) for row in rows) for j in range(len(COLUMNS))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    m = results["meta"]
    before, after = (load[0] for load in m["load_average_before_after"])
    head = (f"bpbook benchmarks {m['started']} commit {m['commit']} · {m['threads']} threads · "
            f"repeats {m['repeats']}{' (quick)' if m['quick'] else ''} · load "
            f"{before:.1f}→{after:.1f} · {m['seconds']} s")
    with_target = [r for r in results["benchmarks"] if r["target"]]
    missed = [r["name"] for r in with_target if r["met"] is not True]
    foot = f"{len(with_target) - len(missed)} of {len(with_target)} targets met"
    foot += f"; not met: {', '.join(missed)}" if missed else ""
    return "\n".join([head, ""] + lines + ["", foot])
