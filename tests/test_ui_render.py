"""The chat window's pure rendering: escaped Markdown, live markers, highlighted excerpts."""

from __future__ import annotations

import re

import pytest

from assistant.core.models import Answer, Citation
from assistant.ui.offline import strip_external_links
from assistant.ui.render import (
    answer_markdown,
    escape_answer,
    excerpt_span,
    md_escape,
    plural,
)
from assistant.ui.welcome import welcome_markdown

PASSAGE = ("VIENNA, 15 February 2022 – Trafficking has changed. Today technology is central and "
           "75% of victims are advertised online. However, legislation has not kept pace.")
EXCERPT = "Today technology is central and 75% of victims are advertised online."


def cite(marker: int = 1, **kw: object) -> Citation:
    data: dict[str, object] = dict(
        marker=marker, doc_id="osce-press-release-2022", chunk_id="osce:1",
        title="New policies needed", publisher="OSCE", date="15 Feb 2022", locator="¶ 1–2",
        excerpt=EXCERPT, passage=PASSAGE, excerpt_start=PASSAGE.index(EXCERPT))
    data.update(kw)
    return Citation(**data)  # type: ignore[arg-type]


def unescape(md: str) -> str:
    """What a CommonMark renderer shows for backslash-escaped text."""
    return re.sub(r"\\(.)", r"\1", md)


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "**bold** _it_ `code` # heading | table | ~~s~~ $x$ &amp;",
    "1. not a list\n- nor this\n> nor a quote",
])
def test_escape_leaves_no_markup_and_round_trips(text: str) -> None:
    out = md_escape(text)
    assert unescape(out) == text
    # every character a renderer could act on is escaped
    assert not re.search(r"(?<!\\)[<>\[\]()*_`#|~$&]", out)


def test_markers_stay_live_only_for_real_citations() -> None:
    text = "“Quote with <b>html</b> and [3] from the source.” [1] [2]"
    out = escape_answer(text, [1, 2])
    assert out.endswith("[1] [2]")
    assert "\\[3\\]" in out and "\\<b\\>" in out


def test_wrong_offset_falls_back_to_search() -> None:
    assert excerpt_span(cite(excerpt_start=3)) == (PASSAGE.index(EXCERPT),
                                                   PASSAGE.index(EXCERPT) + len(EXCERPT))
    assert excerpt_span(cite(passage="")) is None


def test_markers_link_to_their_sources() -> None:
    href = "/pa/doc/osce?chunk=osce%3A1&s=1&e=9#cited"
    out = escape_answer("“A quote [3] (text).” [1] [2]", [1, 2], {1: href})
    assert out.endswith(f"[\\[1\\]](<{href}>) [2]")  # [2] has no address: plain
    assert "\\[3\\] \\(text\\)" in out  # not a marker of this answer: text


def test_answer_message_lists_sources_and_refusals_list_closest() -> None:
    ans = Answer(question="q", standalone_question="q", answer=f"“{EXCERPT}” [1]",
                 citations=[cite(1)])
    md = answer_markdown(ans, {1: "/pa/doc/osce?chunk=c#cited"})
    assert "**Sources**" in md
    assert "- [\\[1\\]](</pa/doc/osce?chunk=c#cited>) *New policies needed* — OSCE · 15 Feb 2022" \
        in md
    assert md.count("[\\[1\\]](</pa/doc/osce?chunk=c#cited>)") == 2

    refusal = Answer(question="q", standalone_question="q", refused=True,
                     answer="The documents in this collection don't cover this.",
                     closest=[cite(1), cite(2)])
    md = answer_markdown(refusal)
    assert "Closest material in the collection" in md
    assert "- [2] *New policies needed*" in md
    assert "I answer only from the documents" in md


def test_pdf_links_and_notices_are_rendered() -> None:
    ans = Answer(question="q", standalone_question="q", answer="“x” [1]", citations=[cite(1)],
                 notice="The language model is unavailable (timeout).")
    md = answer_markdown(ans, {1: "/pa/doc/g#cited"}, {1: ("/pa/pdf/g?page=2&chunk=c", 2)})
    assert md.startswith("> **Note:** The language model is unavailable \\(timeout\\).")
    assert "· [PDF, page 2](</pa/pdf/g?page=2&chunk=c>)" in md


def test_welcome_lists_documents_from_the_index_and_merged_duplicates() -> None:
    docs = [
        {"doc_id": "a", "title": "Alpha | report", "publisher": "OSCE", "date": "2022-02-15"},
        {"doc_id": "b", "title": "Beta", "publisher": "GRETA", "date": "2022-03"},
        {"doc_id": "c", "title": "Alpha again", "publisher": "HSToday", "date": "2023",
         "duplicate_of": "a"},
    ]
    md = welcome_markdown(docs)
    assert "## The collection (2 documents)" in md
    assert "| Beta | GRETA | March 2022 |" in md  # written as answers write dates
    assert "| Alpha \\| report | OSCE | 15 February 2022 |" in md
    assert md.index("Beta") < md.index("Alpha \\| report")  # newest first
    assert "*Alpha again* — HSToday, 2023 (same text as *Alpha \\| report*)" in md
    assert "only from these documents" in md


def test_plural() -> None:
    assert plural(1, "excerpt") == "1 excerpt" and plural(3, "answer") == "3 answers"


def test_external_links_are_removed_from_chainlit_page() -> None:
    from pathlib import Path

    import chainlit

    html = (Path(chainlit.__file__).parent / "frontend" / "dist" / "index.html").read_text()
    assert "cdn.jsdelivr.net" in html and "fonts.googleapis.com" in html
    out = strip_external_links(html)
    assert "cdn.jsdelivr.net" not in out and "fonts.g" not in out
    assert '<link rel="stylesheet" crossorigin href="/assets/' in out


def test_welcome_while_the_index_loads() -> None:
    md = welcome_markdown(None)
    assert "## The collection\n" in md and "once the document index has loaded" in md
    assert "| Title |" not in md
