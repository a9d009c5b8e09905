"""Pure helpers of the chat window added for issue 12: the copied text, the document view,
the local single-user mode's checks. No browser, no model."""

from __future__ import annotations

from types import SimpleNamespace

from assistant.core.settings import Settings
from assistant.ui import docview, local_user, plain

ANSWER = {
    "answer": "The brief (2022) says: “Platforms must act: *now* \\ [sic] - fast.” [1]",
    "notice": None,
    "citations": [{"marker": 1, "title": "Policy <b>brief</b>", "publisher": "OSCE",
                   "date": "15 February 2022", "locator": "¶ 3", "url": "https://x.org/a",
                   "excerpt": "Platforms must act.", "supported": True}],
    "closest": [],
}


def test_copied_text_is_the_answer_as_written_with_its_sources() -> None:
    text = plain.answer_text(ANSWER)
    assert text == ("The brief (2022) says: “Platforms must act: *now* \\ [sic] - fast.” [1]\n\n"
                    "Sources\n[1] Policy <b>brief</b>. OSCE, 15 February 2022, ¶ 3. "
                    "https://x.org/a\n")
    html = plain.answer_html(ANSWER)
    assert "<b>" not in html and "Policy &lt;b&gt;brief&lt;/b&gt;" in html
    assert html.endswith("</li></ul>")


def test_copied_refusal_lists_the_closest_material() -> None:
    refusal = {**ANSWER, "answer": "The documents don't cover this.", "citations": [],
               "closest": ANSWER["citations"]}
    assert "Closest material in the collection" in plain.answer_text(refusal)
    assert [p["marker"] for p in plain.previews(refusal)] == [1]


def test_document_view_marks_the_passage_and_the_cited_sentence_once() -> None:
    text = "Intro\n\nFirst para <script>x()</script>. Cited one.\n\nCited two. After."
    start = text.index("First")
    chunk = SimpleNamespace(start=start, end=len(text))
    cited_start = text.index("Cited one") - start
    cited = (cited_start, text.index(" After") - start)
    page = docview.document_html({"text": text, "meta": {"title": "T", "file": "t.txt"}},
                                 "t", chunk, cited, {"Intro"})
    assert page.count('id="cited"') == 1
    assert '<mark id="cited">Cited one.' in page and '<mark class="cited">Cited two.' in page
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<h2>Intro</h2>" in page
    assert docview.doc_href("a b", "c:1", (1, 5)) == "/pa/doc/a%20b?chunk=c%3A1&s=1&e=5#cited"


def test_local_user_only_on_loopback_without_password_users() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert local_user.local_user(s, {}, "127.0.0.1") == "local"
    assert local_user.local_user(s, {}, "0.0.0.0") is None
    assert local_user.local_user(s, {"alice": "pw"}, "127.0.0.1") is None
    off = Settings(local_user="", _env_file=None)  # type: ignore[call-arg]
    assert local_user.local_user(off, {}, "127.0.0.1") is None
    assert local_user.request_is_local("localhost:8000")
    assert local_user.request_is_local("[::1]:8000")
    assert not local_user.request_is_local("evil.example:8000")
    assert not local_user.request_is_local(None)
