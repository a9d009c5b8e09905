"""``policy-assistant calibrate``: suggest the evidence thresholds from the evaluation sets."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.cli.common import console, load_assistant, settings_with


def calibrate_cmd(
    suite: Annotated[list[str] | None, typer.Option(
        "--suite", help="Suites to calibrate on; repeatable (default: documents and users-dev; "
        "never the held-out users-test)")] = None,
) -> None:
    """Suggest the refusal and support thresholds from the evaluation sets."""
    from evals.calibrate import best_scores, best_threshold, describe, support_scores
    from evals.cases_schema import load_cases
    from evals.suites import resolve

    a = load_assistant(settings_with())
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
