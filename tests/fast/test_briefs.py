"""Briefs and comparisons on the fast tier: structure, verbatim quotes, numbered references."""

from __future__ import annotations

from pathlib import Path

from docx import Document as read_docx

from assistant.briefs import brief_from_answers, build_brief, compare, to_markdown, write_docx
from assistant.core.citations import excerpt_in_source
from assistant.core.enums import CitationRole
from assistant.engine import Assistant


def test_a_brief_quotes_verbatim_and_numbers_its_references(fast_assistant: Assistant) -> None:
    b = build_brief(fast_assistant, "platform liability")
    excerpts = b.excerpts()
    assert b.key_points and excerpts
    assert all(excerpt_in_source(fast_assistant.store, e.doc_id, e.text) for e in excerpts)
    assert [r.number for r in b.references] == list(range(1, len(b.references) + 1))
    assert {e.ref for e in excerpts} == {r.number for r in b.references}
    texts = [e.text for e in excerpts]
    assert len(texts) == len(set(texts))  # no quotation twice


def test_the_scope_names_the_merged_republication(fast_assistant: Assistant) -> None:
    b = build_brief(fast_assistant, "self-regulation")
    merged = [d for d in b.documents if "republication" in d.note]
    assert [d.doc_id for d in merged] == ["hstoday-osce-study-2023"]
    # searched for what only it says; the text it shares is searched through the original
    assert merged[0].searched and "the rest through the original" in merged[0].note


def test_compare_gives_one_view_per_institution(fast_assistant: Assistant) -> None:
    c = compare(fast_assistant, "age verification")
    assert [v.institution for v in c.views] == ["Equality Now", "GRETA", "OSCE"]
    osce = next(v for v in c.views if v.institution == "OSCE")
    assert osce.excerpts and not osce.statement
    silent = [v for v in c.views if not v.excerpts]
    assert silent and all(v.statement == f"No passage from {v.institution} addresses age "
                                         "verification." for v in silent)


def test_markdown_and_docx_render_the_same_quotes(fast_assistant: Assistant,
                                                  tmp_path: Path) -> None:
    b = build_brief(fast_assistant, "platform liability")
    md = to_markdown(b)
    assert md.startswith("# Platform liability")
    assert "## References" in md
    path = write_docx(b, tmp_path / "brief.docx")
    text = "\n".join(p.text for p in read_docx(str(path)).paragraphs)
    first = b.excerpts()[0].text
    assert first[:60] in text


def test_a_brief_from_chat_answers_keeps_refusals_as_notes(fast_assistant: Assistant) -> None:
    answers = [fast_assistant.ask("What liability standard does the OSCE recommend?"),
               fast_assistant.ask("What has Brazil done?")]
    b = brief_from_answers(answers, "Brief", fast_assistant.corpus())
    assert [s.heading for s in b.sections] == [a.question for a in answers]
    assert b.sections[1].note.startswith("The documents in this collection don't cover this")
    assert not b.sections[1].excerpts


def test_a_brief_quotes_only_what_an_answer_cites_as_evidence(fast_assistant: Assistant) -> None:
    listed = fast_assistant.ask("what documents do you have?")
    assert {c.role for c in listed.citations} == {CitationRole.DOCUMENT}
    answered = fast_assistant.ask("What liability standard does the OSCE recommend?")
    assert {c.role for c in answered.citations} == {CitationRole.EVIDENCE}
    closest = listed.citations[1].model_copy(update={"marker": 9, "role": CitationRole.NEAREST})
    with_closest = answered.model_copy(update={"citations": [*answered.citations, closest]})
    md = to_markdown(brief_from_answers([listed, with_closest], "Brief", fast_assistant.corpus()))
    assert all(c.excerpt[:60] in md for c in answered.citations)
    assert not any(c.excerpt[:60] in md for c in listed.citations)
