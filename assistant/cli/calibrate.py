"""``policy-assistant calibrate``: suggest the evidence thresholds from the evaluation sets, or
measure the support check of generated sentences against hand labels (``--labels``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import console, fail, load_assistant, settings_with


def _labels(a: Any, path: Path) -> None:
    """Precision and recall of the support check at each threshold, on labelled sentences."""
    from rich.table import Table

    from evals.llm_labels import GRID, calibrated, load_labels, precision_recall, score_labels

    try:
        rows = load_labels(path)
        scored = score_labels(a, rows)
    except (OSError, ValueError) as exc:
        fail(f"{path}: {exc}", 2)
    good = sum(s.supported for s in scored)
    t = Table(title=f"{path}: {len(scored)} labelled sentences, {good} supported, "
              f"{len(scored) - good} not; {sum(s.flagged for s in scored)} fail a figure, "
              "name, speaker, framing or wording check")
    for col in ("threshold", "shown as fact", "of them unsupported", "precision", "recall"):
        t.add_column(col, justify="right")
    current = a.settings.support_threshold
    for th in sorted({*GRID, current}):
        r = precision_recall(scored, th)
        t.add_row(f"{th:.2f}{' (current)' if th == current else ''}", str(r["passed"]),
                  str(r["wrongly_passed"]), str(r["precision"]), str(r["recall"]))
    console.print(t)
    batches = sorted({r.get("batch", 1) for r in rows})
    for b in batches if len(batches) > 1 else []:
        r = precision_recall([s for s, row in zip(scored, rows, strict=True)
                              if row.get("batch", 1) == b], current)
        console.print(f"batch {b} at {current}: {r['passed']} shown as fact, "
                      f"{r['wrongly_passed']} of them unsupported, precision {r['precision']}, "
                      f"recall {r['recall']}")
    best = calibrated(scored)
    console.print(f"calibrated PA_SUPPORT_THRESHOLD = {best:.2f} (least errors, an unsupported "
                  f"sentence shown as fact counting twice; current {current})")


def calibrate_cmd(
    suite: Annotated[list[str] | None, typer.Option(
        "--suite", help="Suites to calibrate on; repeatable (default: documents and users-dev; "
        "never the held-out users-test)")] = None,
    labels: Annotated[Path | None, typer.Option(
        "--labels", help="Measure the support check on hand-labelled generated sentences "
        "(e.g. evals/llm_labels.jsonl) instead")] = None,
) -> None:
    """Suggest the refusal and support thresholds from the evaluation sets."""
    from evals.calibrate import best_scores, best_threshold, describe, support_scores
    from evals.cases_schema import load_cases
    from evals.suites import resolve

    a = load_assistant(settings_with())
    if labels is not None:
        _labels(a, labels)
        return
    cases = [c for spec in suite or ["documents", "users-dev"]
             for c in load_cases(resolve(spec)[1])]
    pos, neg = best_scores(a, cases)
    console.print(describe("answerable: best sentence score", pos))
    console.print(describe("must refuse: best sentence score", neg))
    console.print(f"suggested PA_REFUSAL_THRESHOLD = {best_threshold(pos, neg, 0.05)} "
                  f"(current {a.settings.refusal_threshold})")
    spos, sneg = support_scores(a, cases)
    console.print(describe("true claims: support score", spos))
    console.print(describe("false attributions: support score", sneg))
    console.print(f"suggested PA_SUPPORT_THRESHOLD = {best_threshold(spos, sneg)} "
                  f"(current {a.settings.support_threshold})")


def register(app: typer.Typer) -> None:
    app.command("calibrate")(calibrate_cmd)
