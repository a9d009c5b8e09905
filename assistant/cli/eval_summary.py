"""The terminal summary of one evaluation suite: metrics, thresholds, failing cases."""

from __future__ import annotations

from typing import Any

from assistant.cli.common import console


def print_summary(result: Any) -> None:
    from rich.table import Table

    from evals.report import fmt

    t = Table(title=f"{result.n_cases} cases, {result.metrics['passed']} passed "
              f"({result.answerer}, k={result.k}, {result.elapsed_s:.1f} s)")
    t.add_column("Metric (see the report for definitions)")
    t.add_column("Value", justify="right")
    base = result.baseline["metrics"]["baseline"] if result.baseline else None
    if base:
        t.add_column("Baseline", justify="right")
    t.add_column("Threshold")
    checks: dict[str, list[dict[str, Any]]] = {}
    for row in result.checks or []:
        checks.setdefault(row["metric"], []).append(row)
    for name, value in result.metrics.items():
        if name in ("cases", "passed"):
            continue
        th = ", ".join(f"{'≥' if r['op'] == 'min' else '≤'} {fmt(name, r['bound'])} "
                       f"{'ok' if r['ok'] else 'FAIL'}" for r in checks.get(name, []))
        row = [name, fmt(name, value)]
        if base is not None:
            row.append(fmt(name, base.get(name)) if name in base else "")
        row.append(th)
        t.add_row(*row)
    if base is not None:
        for name, value in base.items():
            if name not in result.metrics:
                t.add_row(name, fmt(name, result.baseline["metrics"]["hybrid"].get(name)),
                          fmt(name, value), "")
    console.print(t)
    if result.baseline:
        modes = result.baseline["metrics"]
        k = result.k
        console.print(f"Hit rate @{k} by retrieval mode: " + ", ".join(
            f"{m} {fmt('x', modes[m].get(f'hit_rate_at_{k}'))}" for m in ("hybrid", "dense", "sparse")))
    failed = [c for c in result.cases if not c.passed]
    if result.held_out:
        console.print(f"{result.suite}: held out, {len(failed)} failing case(s) not listed "
                      "(--show-held-out lists them)")
    elif failed:
        console.print(f"\n[bold]{len(failed)} failing case(s)[/bold]")
        for c in failed:
            console.print(f"  {c.id}: {'; '.join(c.reasons)}", markup=False, highlight=False,
                          soft_wrap=True)
