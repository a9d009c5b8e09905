"""The evaluation runner, baseline and CLI on real cases, the real index and the real model."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from assistant.core.citations import make_citation
from assistant.core.models import Answer, AnswerSentence
from evals.baseline import LangChainBaseline, compare
from evals.cases_schema import load_cases
from evals.runner import SuiteRunner
from tests.conftest import CORPUS, ROOT

pytestmark = pytest.mark.slow

SUITE = ROOT / "evals" / "cases"
PICK = ["fact-press-75-percent", "fu-secretary-general-what-else", "oos-world-cup-2018",
        "adv-poem-about-brief"]


@pytest.fixture(scope="module")
def cases() -> dict[str, Any]:
    return {c.id: c for c in load_cases(SUITE)}


@pytest.fixture(scope="module")
def run(assistant: Any, cases: dict[str, Any]) -> tuple[SuiteRunner, Any]:
    runner = SuiteRunner(assistant, k=5)
    return runner, runner.run([cases[i] for i in PICK])


def test_runner_on_four_real_cases(run: tuple[SuiteRunner, Any]) -> None:
    _, result = run
    by_id = {r.id: r for r in result.cases}
    assert list(by_id) == PICK
    for r in result.cases:
        assert r.passed == (not r.reasons)
        assert r.latency_ms > 0
        assert 5 <= len(r.retrieved_doc_ids) <= 10
    fact = by_id["fact-press-75-percent"]
    assert fact.facts_total == 1 and fact.gold_rank is not None
    assert fact.context_recall is not None
    follow = by_id["fu-secretary-general-what-else"]
    assert follow.history_turns == 2
    for rid in ("oos-world-cup-2018", "adv-poem-about-brief"):
        r = by_id[rid]
        assert r.expect_refusal and r.gold_rank is None and r.context_recall is None
        assert r.passed == (r.refused and not r.forbidden_found)
    m = result.metrics
    assert m["cases"] == 4 and m["passed"] == sum(r.passed for r in result.cases)
    for name in ("hit_rate_at_1", "hit_rate_at_5", "mrr", "context_recall_at_5",
                 "key_fact_accuracy", "accuracy", "out_of_scope_refusal_rate",
                 "false_refusal_rate"):
        assert m[name] is not None and 0.0 <= m[name] <= 1.0, name
    assert m["latency_p50_ms"] <= m["latency_p95_ms"]
    # extractive sentences are their own excerpts: the independent recheck supports them all
    for r in result.cases:
        if not r.refused and r.sentences:
            assert r.support_recheck == pytest.approx(1.0)


def _answer_75(assistant: Any, excerpt_edit: str | None = None) -> Answer:
    store = assistant.store
    chunk = next(c for c in store.chunks if c.doc_id == "osce-press-release-2022" and "75%" in c.text)
    s, e = next((s, e) for s, e in chunk.sentences if "75%" in chunk.text[s:e])
    cit = make_citation(1, chunk, store.meta(chunk.doc_id), s, e)
    if excerpt_edit is not None:
        cit.excerpt = excerpt_edit
    return Answer(question="q", standalone_question="q", answer=f"“{cit.excerpt}” [1]",
                  citations=[cit], sentences=[AnswerSentence(text=cit.excerpt, markers=[1])])


def test_scoring_of_hand_made_answers(run: tuple[SuiteRunner, Any], assistant: Any,
                                      cases: dict[str, Any]) -> None:
    runner, _ = run
    case = cases["fact-press-75-percent"]
    good = runner.score_case(case, _answer_75(assistant), [], 1.0)
    assert good.passed and good.facts_found == 1 and good.citations[0].verbatim
    assert good.citation_recall == 1.0 and good.citation_precision == 1.0

    forged = _answer_75(assistant, "75% of all sex trafficking victims are advertised online.")
    bad = runner.score_case(case, forged, [], 1.0)
    assert not bad.passed and not bad.citations[0].verbatim
    assert any("not verbatim" in r for r in bad.reasons)

    refused = Answer(question="q", standalone_question="q", answer="no", refused=True,
                     refusal_reason="too weak")
    r = runner.score_case(case, refused, [], 1.0)
    assert not r.passed and r.reasons[0].startswith("refused (too weak)")
    assert r.missing_facts == case.key_facts

    oos = cases["oos-world-cup-2018"]
    answered = runner.score_case(oos, _answer_75(assistant), [], 1.0)
    assert answered.reasons == ["answered instead of refusing"]
    france = Answer(question="q", standalone_question="q", answer="France won.", refused=True)
    assert runner.score_case(oos, france, [], 1.0).forbidden_found == ["France"]


def test_baseline_recipe_and_comparison(run: tuple[SuiteRunner, Any], assistant: Any,
                                        cases: dict[str, Any]) -> None:
    runner, _ = run
    base = LangChainBaseline(CORPUS, assistant.embedder)
    manifest = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    assert base.n_documents == len(manifest["documents"])  # raw files, no de-duplication
    assert {c.metadata["doc_id"] for c in base.chunks} == {d["id"] for d in manifest["documents"]}
    assert all(len(c.page_content) <= 1000 for c in base.chunks)
    top = base.search(assistant.embedder.embed_query_vector(
        "75% of sex trafficking victims are advertised online"), 5)
    assert len(top) == 5
    assert {"osce-press-release-2022", "hstoday-osce-study-2023"} & {d for d, _ in top}
    files = {d["id"]: d["file"] for d in manifest["documents"]}
    for doc_id, text in top:  # chunks are raw text: no cleaning
        assert text in (CORPUS / files[doc_id]).read_text(encoding="utf-8")

    out = compare(runner, [cases[i] for i in PICK], [1000, 3000], baseline=base)
    assert set(out["metrics"]) == {"hybrid", "dense", "sparse", "baseline"}
    for metrics in out["metrics"].values():
        assert 0.0 <= metrics["hit_rate_at_5"] <= 1.0
        assert metrics["hit_rate_at_1000_chars"] <= metrics["hit_rate_at_3000_chars"]
    assert set(out["cases"]) == {"fact-press-75-percent", "fu-secretary-general-what-else"}


def _invoke(args: list[str]) -> Any:
    from assistant.cli.main import app

    return CliRunner().invoke(app, args, catch_exceptions=False)


def test_cli_check_fails_above_the_measured_value(tmp_path: Path, corpus_index: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    th = tmp_path / "th.yaml"
    th.write_text("extractive:\n  documents:\n    hit_rate_at_5: {min: 0.0}\n"
                  "    accuracy: {min: 1.01}\n", encoding="utf-8")
    report = tmp_path / "out" / "report.md"
    res = _invoke(["eval", "--suite", "documents", "--index", str(corpus_index), "--no-reingest",
                   "--check", "--thresholds", str(th), "--report", str(report),
                   "--only", "fact-press-75-percent", "--only", "oos-world-cup-2018",
                   "--only", "adv-poem-about-brief"])
    assert res.exit_code == 1, res.output
    assert "threshold missed: documents: accuracy" in res.output
    assert "hit_rate_at_5" not in res.output.split("threshold missed")[-1]
    md = report.read_text(encoding="utf-8")
    assert "## Our pipeline vs the plain LangChain baseline" in md  # --report turns it on
    assert "| `oos-world-cup-2018` |" in md and "❌" in md
    data = json.loads(report.with_suffix(".json").read_text(encoding="utf-8"))["suites"]["documents"]
    assert data["n_cases"] == 3 and data["baseline"]["metrics"]["baseline"]
    assert {r["metric"]: r["ok"] for r in data["checks"]} == {"hit_rate_at_5": True,
                                                              "accuracy": False}


def test_cli_check_passes_and_json(tmp_path: Path, corpus_index: Path,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    th = tmp_path / "th.yaml"
    th.write_text("extractive:\n  documents:\n    hit_rate_at_5: {min: 0.0}\n"
                  "    false_refusal_rate: {max: 1.0}\n", encoding="utf-8")
    res = _invoke(["eval", "--suite", "documents", "--index", str(corpus_index), "--no-reingest",
                   "--check", "--thresholds", str(th), "--json", "--only",
                   "fact-press-75-percent"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout.strip().splitlines()[-1])["suites"]["documents"]
    assert data["n_cases"] == 1 and data["baseline"] is None
    assert data["cases"][0]["id"] == "fact-press-75-percent"
    assert all(r["ok"] for r in data["checks"])


def test_cli_rejects_a_bad_suite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    bad = tmp_path / "bad.yaml"
    bad.write_text("cases:\n  - id: x\n    kind: factual\n    question: q\n", encoding="utf-8")
    res = _invoke(["eval", "--suite", str(bad)])
    assert res.exit_code == 2
    assert "case #1 ('x'): a case that expects an answer needs at least one key fact" in " ".join(
        res.output.split())


def test_held_out_suite_shows_figures_not_cases(tmp_path: Path, corpus_index: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    ids = [c.id for c in load_cases(ROOT / "evals" / "users" / "test") if c.kind == "out-of-scope"]
    report = tmp_path / "report.md"
    args = ["eval", "--suite", "users-test", "--index", str(corpus_index), "--no-reingest",
            "--no-baseline", "--only", "out-of-scope", "--report", str(report)]
    res = _invoke(args)
    assert res.exit_code == 0, res.output
    shown = res.output + report.read_text(encoding="utf-8") + report.with_suffix(
        ".json").read_text(encoding="utf-8")
    assert f"{len(ids)} cases" in res.output
    assert "This suite is held out" in shown
    assert [i for i in ids if i in shown] == []
    listed = _invoke([*args, "--show-held-out"])
    assert listed.exit_code == 0, listed.output
    assert all(i in report.read_text(encoding="utf-8") for i in ids)
