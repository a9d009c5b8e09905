"""``policy-assistant eval``: run the evaluation suite, report, and gate CI on thresholds."""

from __future__ import annotations

import fnmatch
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import (
    console,
    err_console,
    fail,
    load_assistant,
    print_json,
    settings_with,
)
from assistant.core.enums import AnswerMode
from assistant.core.errors import NotReadyError
from evals.runner import DEFAULT_BUDGETS, DEFAULT_SUITE, DEFAULT_THRESHOLDS


def _select(cases: list[Any], only: list[str]) -> list[Any]:
    if not only:
        return cases
    pats = [p if any(ch in p for ch in "*?[") else f"*{p}*" for p in only]
    return [c for c in cases if any(fnmatch.fnmatchcase(c.id, p) or c.kind == o
                                    for p, o in zip(pats, only, strict=True))]


def _load(settings: Any, reingest: bool) -> Any:
    """The Assistant with a query-caching copy of the embeddings, or a clean error. The index is
    brought up to date with the corpus first when asked, and built when there is none."""
    from assistant.engine import open_assistant
    from evals.runner import QueryCachingEmbeddings
    from ingest.embedding import EmbeddingModelError, make_embedder

    try:
        emb = QueryCachingEmbeddings(make_embedder(settings.embedding))
        missing = not (Path(settings.index_dir) / "CURRENT").exists()
        if reingest or missing:
            from ingest.pipeline import run_ingest

            rep = run_ingest(settings.ingest_config(), embedder=emb)
            what = ("built" if missing else "unchanged" if rep.unchanged else
                    f"updated ({rep.embedded} passages embedded, {rep.reused} reused)")
            err_console.print(f"eval: index {settings.index_dir} {what} from "
                              f"{settings.corpus_dir}", highlight=False)
            for path, reason in rep.skipped:
                err_console.print(f"eval: [yellow]skipped[/yellow] {path}: {reason}",
                                  highlight=False)
        return open_assistant(settings, embedder=emb)
    except (NotReadyError, EmbeddingModelError, FileNotFoundError) as exc:
        fail(str(exc))


def _print_summary(result: Any) -> None:
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
    if failed:
        console.print(f"\n[bold]{len(failed)} failing case(s)[/bold]")
        for c in failed:
            console.print(f"  {c.id}: {'; '.join(c.reasons)}", markup=False, highlight=False,
                          soft_wrap=True)


def register(app: typer.Typer) -> None:
    register_calibrate(app)

    @app.command("eval")
    def eval_cmd(
        suite: Annotated[Path, typer.Option("--suite", help="Case file or folder of *.yaml")]
        = DEFAULT_SUITE,
        answerer: Annotated[AnswerMode, typer.Option("--answerer", help="Answer engine")]
        = AnswerMode.EXTRACTIVE,
        as_json: Annotated[bool, typer.Option("--json", help="Print the full result as JSON")]
        = False,
        report: Annotated[Path | None, typer.Option(
            "--report", help="Write a Markdown report (and a .json beside it)")] = None,
        check: Annotated[bool, typer.Option(
            "--check", help="Exit 1 when a metric misses its threshold")] = False,
        thresholds: Annotated[Path, typer.Option("--thresholds", help="Threshold file")]
        = DEFAULT_THRESHOLDS,
        baseline: Annotated[bool | None, typer.Option(
            "--baseline/--no-baseline", help="Compare retrieval with the plain LangChain recipe "
            "and across retrieval modes (default: on with --report)")] = None,
        judge: Annotated[bool, typer.Option(
            "--judge", help="Add an LLM-judged faithfulness score (needs PA_LLM_PROVIDER)")]
        = False,
        index: Annotated[Path | None, typer.Option("--index", help="Index folder")] = None,
        k: Annotated[int, typer.Option("-k", "--k", min=1, max=20,
                                       help="Passages for the retrieval metrics")] = 5,
        only: Annotated[list[str] | None, typer.Option(
            "--only", help="Only cases whose id matches (glob or substring) or of this kind; "
            "repeatable")] = None,
        budget: Annotated[list[int] | None, typer.Option(
            "--budget", help="Character budgets for the baseline comparison; repeatable")] = None,
        reingest: Annotated[bool | None, typer.Option(
            "--reingest/--no-reingest", help="Bring the index up to date with the corpus and the "
            "ingestion code first (incremental; default: on with --check). A missing index is "
            "always built")] = None,
    ) -> None:
        """Run the evaluation suite: retrieval, answer, refusal and latency metrics."""
        from evals import report as rep
        from evals.cases_schema import CaseError, check_against_corpus, load_cases
        from evals.runner import (
            FaithfulnessJudge,
            SuiteRunner,
            ThresholdError,
            check_thresholds,
            load_thresholds,
        )

        try:
            cases = load_cases(suite)
        except CaseError as exc:
            fail(str(exc), 2)
        cases = _select(cases, only or [])
        if not cases:
            fail(f"no case matches {only}", 2)
        bounds = None
        if check:
            try:
                bounds = load_thresholds(thresholds, answerer)
            except ThresholdError as exc:
                fail(str(exc), 2)
        settings = settings_with(index)
        if (answerer is AnswerMode.LLM or judge) and settings.llm_provider == "none":
            fail("no language model is configured: set PA_LLM_PROVIDER (and PA_LLM_MODEL)", 2)
        assistant = _load(settings, reingest if reingest is not None else check)
        try:
            check_against_corpus(cases, set(assistant.store.documents))
        except CaseError as exc:
            fail(str(exc), 2)

        judge_obj = None
        if judge:
            from assistant.answering.config import LLMConfig
            from assistant.answering.llm.models import build_chat_model

            judge_obj = FaithfulnessJudge(build_chat_model(LLMConfig.from_settings(settings)))
        runner = SuiteRunner(assistant, k=k)
        show = not as_json and sys.stderr.isatty()

        def progress(i: int, n: int, res: Any) -> None:
            if show:
                err_console.print(f"\r[{i}/{n}] {res.id:<48}", end="", highlight=False)

        result = runner.run(cases, answerer, judge=judge_obj, progress=progress)
        if show:
            err_console.print()
        result.suite = str(suite)
        if baseline or (baseline is None and report is not None):
            from evals.baseline import compare

            result.baseline = compare(runner, cases, budget or list(DEFAULT_BUDGETS))
        if bounds is not None:
            result.checks = check_thresholds(result.metrics, bounds)

        if report is not None:
            report.parent.mkdir(parents=True, exist_ok=True)
            report.write_text(rep.render_markdown(result), encoding="utf-8")
            report.with_suffix(".json").write_text(
                json.dumps(rep.to_json(result), ensure_ascii=False, indent=1), encoding="utf-8")
        if as_json:
            print_json(rep.to_json(result))
        else:
            _print_summary(result)
            if report is not None:
                console.print(f"Report: {report} (JSON: {report.with_suffix('.json')})")
        if result.checks is not None:
            missed = [r for r in result.checks if not r["ok"]]
            if missed:
                for r in missed:
                    what = ("not measured" if not r["measured"] else
                            f"{r['value']} {'<' if r['op'] == 'min' else '>'} {r['bound']}")
                    err_console.print(f"[red]threshold missed:[/red] {r['metric']}: {what}",
                                      highlight=False)
                raise typer.Exit(1)
            if not as_json:
                console.print(f"All {len(result.checks)} thresholds met ({thresholds}).")


def register_calibrate(app: typer.Typer) -> None:
    @app.command("calibrate")
    def calibrate_cmd(
        suite: Annotated[Path, typer.Option("--suite", help="Case file or folder of *.yaml")]
        = DEFAULT_SUITE,
    ) -> None:
        """Suggest the refusal and support thresholds from the evaluation set."""
        from evals.calibrate import best_scores, best_threshold, describe, support_scores
        from evals.cases_schema import load_cases

        a = load_assistant(settings_with())
        cases = load_cases(suite)
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
