"""The sources of an answer as the chat window opens them: marker links and the source panel's
content, from a real answer on the real corpus (fast tier: the hashing embedder)."""

from __future__ import annotations

from typing import Any

from assistant.core.formatting import answer_json
from assistant.ui.render import answer_markdown
from assistant.ui.sources import answer_links, source_view

QUESTION = "What share of sex trafficking victims are advertised online?"


def test_panel_shows_the_passage_split_around_the_cited_sentence(fast_assistant: Any) -> None:
    a = fast_assistant
    ans = a.ask(QUESTION)
    assert ans.citations, ans.answer
    data = answer_json(ans)
    for c in ans.citations:
        view = source_view(data, c.marker, a.store, a.settings.corpus_dir)
        assert view is not None
        assert view["cited"] == c.excerpt
        row = a.store.by_id[c.chunk_id]
        assert view["before"] + view["cited"] + view["after"] == a.store.chunks[row].text
        assert (view["title"], view["publisher"], view["label"]) == (c.title, c.publisher,
                                                                     "Source")
        assert view["doc_href"].startswith(f"/pa/doc/{c.doc_id}?chunk=")
        assert view["pdf_href"] == "" and view["pdf_page"] is None  # the corpus has no PDF
    assert source_view(data, 99, a.store, a.settings.corpus_dir) is None
    assert source_view({"no": "answer"}, 1, a.store, a.settings.corpus_dir) is None


def test_only_web_addresses_are_offered_as_the_original(fast_assistant: Any) -> None:
    a = fast_assistant
    data = answer_json(a.ask(QUESTION))
    data["citations"][0]["url"] = "javascript:alert(1)"
    view = source_view(data, data["citations"][0]["marker"], a.store, a.settings.corpus_dir)
    assert view is not None and view["url"] == ""


def test_every_marker_of_the_message_links_to_its_source(fast_assistant: Any) -> None:
    a = fast_assistant
    ans = a.ask(QUESTION)
    hrefs, pdfs = answer_links(a.store, a.settings.corpus_dir, ans)
    md = answer_markdown(ans, hrefs, pdfs)
    for c in ans.citations:
        # once in the text at least, once in the source list
        assert md.count(f"[\\[{c.marker}\\]](<{hrefs[c.marker]}>)") >= 2
    assert pdfs == {}
