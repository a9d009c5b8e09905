"""Briefs on the real collection: structure, citations, verbatim excerpts, no repeats, Markdown."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from assistant.briefs import (
    Brief,
    Comparison,
    brief_from_answers,
    build_brief,
    to_markdown,
)
from assistant.briefs.markdown import esc
from assistant.briefs.model import Excerpt
from assistant.core.citations import excerpt_in_source
from assistant.core.models import REFUSAL_PREFIX
from ingest.load import load_file
from ingest.text import fold

ROOT = Path(__file__).resolve().parent.parent


def raw_text(assistant: Any, doc_id: str) -> str:
    meta = assistant.store.meta(doc_id)
    return load_file(assistant.settings.corpus_dir / meta.file, 10**9).text


def all_excerpts(doc: Brief | Comparison) -> list[Excerpt]:
    if isinstance(doc, Comparison):
        return [e for v in doc.views for e in v.excerpts]
    return doc.excerpts()


def check_citations(assistant: Any, doc: Brief | Comparison) -> None:
    """Every excerpt verbatim in its cleaned source and in the raw file; references complete,
    numbered 1..n in order of first use; no excerpt twice."""
    excerpts = all_excerpts(doc)
    raws: dict[str, str] = {}
    for e in excerpts:
        raws.setdefault(e.doc_id, raw_text(assistant, e.doc_id))
        assert excerpt_in_source(assistant.store, e.doc_id, e.text, raws[e.doc_id]), e.text
        chunk = assistant.store.chunks[assistant.store.by_id[e.chunk_id]]
        assert e.text in chunk.text and chunk.doc_id == e.doc_id
    folded = [fold(e.text) for e in excerpts]
    for i, a in enumerate(folded):
        for j, b in enumerate(folded):
            assert i == j or (a not in b and b not in a), f"repeated excerpt: {a}"
    refs = doc.references
    assert [r.number for r in refs] == list(range(1, len(refs) + 1))
    first_use: list[int] = []
    for e in excerpts:
        if e.ref not in first_use:
            first_use.append(e.ref)
    assert first_use == list(range(1, len(refs) + 1))
    by_number = {r.number: r for r in refs}
    corpus = {d["doc_id"]: d for d in assistant.corpus()}
    for e in excerpts:
        r = by_number[e.ref]
        assert (r.doc_id, r.chunk_id, r.locator) == (e.doc_id, e.chunk_id, e.locator)
        d = corpus[r.doc_id]
        assert r.title == d["title"] and r.publisher == d["publisher"]
        assert r.url == d["url"] and r.kind == d["kind"]
        assert r.date and r.locator and r.locator != "whole document"


def check_markdown(doc: Brief | Comparison) -> str:
    md = to_markdown(doc)
    assert md.startswith(f"# {esc(doc.title)}\n")
    assert "## Scope" in md and "## References" in md
    flat = re.sub(r"\n>[ ]?", "\n", md)  # an excerpt of several paragraphs is one blockquote
    for e in all_excerpts(doc):
        assert flat.count(f"“{esc(e.text)}” [[{e.ref}]](#ref-{e.ref})") == 1, e.text
    links = {int(n) for n in re.findall(r"\]\(#ref-(\d+)\)", md)}
    anchors = [int(n) for n in re.findall(r'<a id="ref-(\d+)"></a>', md)]
    assert anchors == [r.number for r in doc.references]
    assert links == set(anchors)
    for r in doc.references:
        line = next(ln for ln in md.splitlines() if ln.startswith(f'<a id="ref-{r.number}"></a>'))
        assert esc(r.title) in line and esc(r.publisher) in line and esc(r.locator) in line
        assert (f"<{r.url}>" in line) if r.url else "No URL recorded" in line
    # dates are written one way (issue 12): '15 February 2022', never '15 Feb 2022'
    short = r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b"
    assert re.findall(short, md) == []
    return md


@pytest.fixture(scope="module")
def liability(assistant: Any) -> Brief:
    return build_brief(assistant, "platform liability")


def test_brief_structure(assistant: Any, liability: Brief) -> None:
    b = liability
    assert b.title == "Platform liability" and b.topic == "platform liability"
    assert re.match(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", b.generated)
    assert "collection" in b.as_of
    searched = {d.doc_id for d in b.documents if d.searched}
    indexed = {d["doc_id"] for d in assistant.corpus() if d["chunks"]}
    assert searched == indexed
    # the republication that ingestion merged is named as one: only what it alone says is
    # searched in it, the rest through the original
    merged = [d for d in b.documents if "republication" in d.note]
    assert [d.doc_id for d in merged] == ["hstoday-osce-study-2023"]
    assert merged[0].searched and "searched through the original" not in merged[0].note
    assert "the rest through the original" in merged[0].note
    assert b.key_points and b.sections
    assert all(k.excerpts for k in b.key_points)
    assert all(s.excerpts or s.note for s in b.sections)
    assert f"evidence threshold {assistant.settings.refusal_threshold:.2f}" in b.method


def test_brief_evidence_is_on_topic(assistant: Any, liability: Brief) -> None:
    texts = [e.text.lower() for e in liability.excerpts()]
    assert any("liability" in t for t in (e.text.lower() for k in liability.key_points
                                           for e in k.excerpts))
    # the OSCE's recommendation on a "should have known" standard is in the brief
    assert any("should have known" in t for t in texts)
    # every quoted sentence meets the engine's evidence threshold
    assert all((e.score or 0) >= assistant.settings.refusal_threshold for e in liability.excerpts())


def test_brief_citations_verbatim_and_unique(assistant: Any, liability: Brief) -> None:
    check_citations(assistant, liability)


def test_brief_markdown(assistant: Any, liability: Brief) -> None:
    md = check_markdown(liability)
    assert "## Key points" in md
    for s in liability.sections:
        assert f"## {s.number}. {esc(s.heading)}" in md
    assert "Evidence from the collection" in md


def test_brief_is_deterministic(assistant: Any, liability: Brief) -> None:
    again = build_brief(assistant, "platform liability")
    assert [s.heading for s in again.sections] == [s.heading for s in liability.sections]
    assert [e.text for e in again.excerpts()] == [e.text for e in liability.excerpts()]
    assert again.references == liability.references


def test_brief_with_own_questions(assistant: Any) -> None:
    qs = ["What liability should platforms have for harm?",
          "What do the documents say about blockchain mining rewards?"]
    b = build_brief(assistant, "platform liability", questions=qs)
    assert [s.heading for s in b.sections] == qs
    assert b.sections[0].excerpts or b.sections[0].note.startswith("Its evidence")
    off = b.sections[1]
    assert not off.excerpts and off.note.startswith(REFUSAL_PREFIX)
    assert "supplied" in b.method
    check_citations(assistant, b)
    check_markdown(b)


def test_brief_restricted_to_a_publisher(assistant: Any) -> None:
    b = build_brief(assistant, "platform liability", publishers=["Equality Now"])
    assert b.excerpts(), "Equality Now mentions liability of tech companies"
    assert {e.publisher for e in b.excerpts()} == {"Equality Now"}
    searched = [d for d in b.documents if d.searched]
    assert [d.publisher for d in searched] == ["Equality Now"]
    assert any(d.note == "outside the publishers selected" for d in b.documents)
    check_citations(assistant, b)


def test_brief_on_a_topic_the_collection_lacks(assistant: Any) -> None:
    b = build_brief(assistant, "cryptocurrency mining rewards")
    assert not b.key_points and not b.sections and not b.references
    md = to_markdown(b)
    assert "No passage in the collection meets the evidence threshold" in md


def test_brief_compare_mode(assistant: Any) -> None:
    b = build_brief(assistant, "self-regulation versus State regulation", compare_institutions=True)
    assert b.comparison is not None and not b.key_points
    names = [v.institution for v in b.comparison.views]
    assert {"OSCE", "GRETA", "Equality Now"} <= set(names)
    osce = next(v for v in b.comparison.views if v.institution == "OSCE")
    assert osce.excerpts
    check_citations(assistant, b)  # comparison and sections share one reference list
    md = check_markdown(b)
    assert "## Key points by institution" in md and "| Institution |" in md


def test_brief_from_chat_answers(assistant: Any) -> None:
    a1 = assistant.ask("What liability should online platforms have?")
    a2 = assistant.ask("What does the OSCE recommend on age verification?")
    a3 = assistant.ask("What is the price of bitcoin mining hardware?")
    assert not a1.refused and not a2.refused and a3.refused
    b = brief_from_answers([a1, a2, a1, a3], "Platforms", assistant.corpus())
    assert b.title == "Platforms" and len(b.sections) == 4
    assert [s.heading for s in b.sections] == [a1.question, a2.question, a1.question, a3.question]
    assert len(b.key_points) == 2  # the best quotation of each answered question
    assert not b.sections[2].excerpts and "already quoted" in b.sections[2].note
    assert b.sections[3].note.startswith(REFUSAL_PREFIX) and not b.sections[3].excerpts
    quoted = {fold(e.text) for e in b.excerpts()}
    assert quoted == {fold(c.excerpt) for c in a1.citations + a2.citations}
    check_citations(assistant, b)
    check_markdown(b)


def test_cli_brief_and_compare(assistant: Any, settings: Any, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assistant.cli.main import app

    qfile = tmp_path / "questions.txt"
    qfile.write_text("# sub-questions\n- What liability should platforms have?\n\n"
                     "2. Should platforms verify age?\n", encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "brief.md"
    r = runner.invoke(app, ["brief", "platform liability", "--questions", str(qfile),
                            "--out", str(out), "--index", str(settings.index_dir)])
    assert r.exit_code == 0, r.output
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# Platform liability")
    assert "## 1. What liability should platforms have?" in md
    assert "## 2. Should platforms verify age?" in md
    r = runner.invoke(app, ["compare", "age verification", "--publishers", "GRETA,OSCE",
                            "--index", str(settings.index_dir)])
    assert r.exit_code == 0, r.output
    assert "## OSCE" in r.stdout and "## GRETA" in r.stdout and "## Equality Now" not in r.stdout
    assert "No passage from GRETA addresses age verification." in r.stdout
    r = runner.invoke(app, ["brief", "x", "--out", str(tmp_path / "b.pdf"),
                            "--index", str(settings.index_dir)])
    assert r.exit_code != 0
    r = runner.invoke(app, ["compare", "age verification", "--publishers", "Nobody",
                            "--index", str(settings.index_dir)])
    assert r.exit_code != 0 and "no publisher" in r.output


def test_llm_subquestions_only_when_configured(assistant: Any) -> None:
    from assistant.briefs.facets import llm_subquestions

    assert assistant.settings.llm_provider == "none"
    assert llm_subquestions(assistant, "platform liability") is None
