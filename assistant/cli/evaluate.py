"""``policy-assistant eval``: run the evaluation suite, report, and gate CI on thresholds."""

from __future__ import annotations

import fnmatch
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import (
    ExitCode,
    console,
    err_console,
    fail,
    print_json,
    settings_with,
)
from assistant.cli.eval_summary import print_summary
from assistant.core.enums import AnswerMode, EmbeddingBackend
from assistant.core.errors import NotReadyError
from evals.runner import DEFAULT_BUDGETS, DEFAULT_THRESHOLDS


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
    from ingest.embedding import EmbeddingModelError, LocalEmbeddings, make_query_embedder
    from ingest.lock import IndexNotWritableError

    try:
        # questions embedded as the CLI does (PA_QUERY_RUNTIME); ingest loads the model itself
        # when it has passages to embed, unless the query embedder already is that model
        query_embedder = make_query_embedder(settings.embedding)
        emb = QueryCachingEmbeddings(query_embedder)
        missing = not (Path(settings.index_dir) / "CURRENT").exists()
        if reingest or missing:
            from ingest.pipeline import run_ingest

            rep = run_ingest(settings.ingest_config(), embedder=(
                emb if isinstance(query_embedder, LocalEmbeddings)
                or settings.embedding_backend is not EmbeddingBackend.SENTENCE_TRANSFORMERS
                else None))
            what = ("built" if missing else "unchanged" if rep.unchanged else
                    f"updated ({rep.embedded} passages embedded, {rep.reused} reused)")
            err_console.print(f"eval: index {settings.index_dir} {what} from "
                              f"{settings.corpus_dir}", highlight=False)
            for path, reason in rep.skipped:
                err_console.print(f"eval: skipped {path}: {reason}", markup=False,
                                  highlight=False)
            for path, reason in rep.kept:
                err_console.print(f"eval: kept the previous version of {path} (the new file "
                                  f"cannot be used: {reason})", markup=False, highlight=False)
        return open_assistant(settings, embedder=emb)
    except IndexNotWritableError as exc:
        fail(str(exc), ExitCode.INDEX_NOT_WRITABLE)
    except (NotReadyError, EmbeddingModelError, FileNotFoundError) as exc:
        fail(str(exc))


@dataclass
class _Run:
    """What every suite of one ``eval`` run shares."""

    assistant: Any
    answerer: AnswerMode
    k: int
    judge: Any
    baseline: bool
    budgets: list[int]
    bounds: Callable[[str], dict[str, dict[str, float]]] | None
    show: bool
    show_held_out: bool = False
    answers: Path | None = None  # saved answers (see evals.saved_answers)
    recheck: bool = False  # check saved LLM answers again with the current checker


def _cases(spec: str, only: list[str]) -> tuple[str, list[Any]]:
    from evals.cases_schema import CaseError, load_cases
    from evals.suites import resolve

    name, path = resolve(spec)
    try:
        return name, _select(load_cases(path), only)
    except CaseError as exc:
        fail(str(exc), 2)


def _check_corpus(chosen: dict[str, list[Any]], known: set[str]) -> None:
    from evals.cases_schema import CaseError, check_against_corpus

    try:
        for cases in chosen.values():
            check_against_corpus(cases, known)
    except CaseError as exc:
        fail(str(exc), 2)


def _run_suite(name: str, cases: list[Any], run: _Run) -> Any:
    from evals.runner import SuiteRunner, check_thresholds
    from evals.suites import HELD_OUT

    saved = None
    if run.answers is not None:
        from evals.recheck import Rechecker
        from evals.saved_answers import ReplayingAssistant, SavedAnswers

        again = Rechecker(run.assistant) if run.recheck else None
        saved = ReplayingAssistant(run.assistant, SavedAnswers(run.answers, name), again)
    runner = SuiteRunner(saved or run.assistant, k=run.k)
    held_out = name in HELD_OUT and not run.show_held_out

    def progress(i: int, n: int, res: Any) -> None:
        if run.show:
            shown = "" if held_out else res.id
            err_console.print(f"\r{name} [{i}/{n}] {shown:<48}", end="", highlight=False)

    result = runner.run(cases, run.answerer, judge=run.judge, progress=progress)
    if run.show:
        err_console.print()
    result.suite = name
    result.held_out = held_out
    if saved is not None:
        from evals.saved_answers import llm_figures, use_saved_timings

        use_saved_timings(result, runner.answers)
        err_console.print(f"eval: {name}: {saved.replayed} saved answers reused, "
                          f"{saved.generated} generated ({run.answers})", highlight=False)
        if again is not None:
            err_console.print(f"eval: {name}: {again.rechecked} checked again with the current "
                              f"checker, {again.changed} changed, {again.stale} left as saved "
                              "(no draft to check, or the evidence changed since)",
                              highlight=False)
    if run.answerer is AnswerMode.LLM:
        result.metrics.update(llm_figures(result.cases, runner.answers))
    if run.baseline:
        from evals.baseline import compare

        result.baseline = compare(runner, cases, run.budgets)
    if run.bounds is not None:
        result.checks = check_thresholds(result.metrics, run.bounds(name))
    return result


def _write(results: dict[str, Any], report: Path | None, as_json: bool) -> None:
    from evals import report as rep

    data = {"suites": {n: rep.to_json(r) for n, r in results.items()}}
    if report is not None:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(rep.render_combined(results), encoding="utf-8")
        report.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                               encoding="utf-8")
    if as_json:
        print_json(data)
        return
    for result in results.values():
        print_summary(result)
    if report is not None:
        console.print(f"Report: {report} (JSON: {report.with_suffix('.json')})")


def _enforce(results: dict[str, Any], as_json: bool, thresholds: Path) -> None:
    """Exit 1 when any suite misses a threshold."""
    checks = [(n, r) for n, res in results.items() for r in res.checks or []]
    if not checks:
        return
    missed = [(n, r) for n, r in checks if not r["ok"]]
    for n, r in missed:
        what = ("not measured" if not r["measured"] else
                f"{r['value']} {'<' if r['op'] == 'min' else '>'} {r['bound']}")
        err_console.print(f"[red]threshold missed:[/red] {n}: {r['metric']}: {what}",
                          highlight=False)
    if missed:
        raise typer.Exit(1)
    if not as_json:
        console.print(f"All {len(checks)} thresholds met on {len(results)} suite(s) "
                      f"({thresholds}).")


def _bounds(thresholds: Path, answerer: AnswerMode, suites: list[str]
            ) -> Callable[[str], dict[str, dict[str, float]]]:
    from evals.runner import ThresholdError, load_thresholds

    try:
        table = {n: load_thresholds(thresholds, answerer, n) for n in suites}
    except ThresholdError as exc:
        fail(str(exc), 2)
    return table.__getitem__


Recheck = Annotated[bool, typer.Option(
    "--recheck", help="With --answers: check the saved LLM answers again with the current "
    "checker (drafts against the passages the model was shown; see evals/recheck.py)")]


def eval_cmd(
    suite: Annotated[list[str] | None, typer.Option(
        "--suite", help="A suite name (documents, users-dev, users-test) or a case file or "
        "folder; repeatable (default: every named suite)")] = None,
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
    show_held_out: Annotated[bool, typer.Option(
        "--show-held-out", help="List the cases of the held-out suite (users-test) too; "
        "by default only its figures are shown, so that nobody tunes on it")] = False,
    answers: Annotated[Path | None, typer.Option(
        "--answers", help="Reuse the answers saved in this folder and save new ones there "
        "(a slow LLM run is generated once, and resumes where it stopped)")] = None,
    recheck: Recheck = False,
) -> None:
    """Run the evaluation suites: retrieval, answer, refusal and latency metrics."""
    from evals.suites import default_suites

    chosen = dict(_cases(spec, only or []) for spec in suite or [n for n, _ in default_suites()])
    chosen = {n: cs for n, cs in chosen.items() if cs}
    if not chosen:
        fail(f"no case matches {only}", 2)
    settings = settings_with(index)
    if (answerer is AnswerMode.LLM or judge) and settings.llm_provider == "none":
        fail("no language model is configured: set PA_LLM_PROVIDER (and PA_LLM_MODEL)", 2)
    assistant = _load(settings, reingest if reingest is not None else check)
    _check_corpus(chosen, set(assistant.store.documents))
    run = _Run(assistant, answerer, k, _judge(settings) if judge else None,
               bool(baseline or (baseline is None and report is not None)),
               budget or list(DEFAULT_BUDGETS),
               _bounds(thresholds, answerer, list(chosen)) if check else None,
               not as_json and sys.stderr.isatty(), show_held_out, answers, recheck)
    results = {n: _run_suite(n, cs, run) for n, cs in chosen.items()}
    _write(results, report, as_json)
    _enforce(results, as_json, thresholds)


def _judge(settings: Any) -> Any:
    from assistant.answering.config import LLMConfig
    from assistant.answering.llm.models import build_chat_model
    from evals.runner import FaithfulnessJudge

    return FaithfulnessJudge(build_chat_model(LLMConfig.from_settings(settings)))


def register(app: typer.Typer) -> None:
    app.command("eval")(eval_cmd)
