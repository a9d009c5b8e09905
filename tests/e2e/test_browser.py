"""The chat window in a real browser: starters, streamed cited answers, sources in the side
panel, follow-ups, refusals, feedback into SQLite, briefs, inert document HTML and PDF pages.

Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.serving import (
    ROOT,
    SHOTS,
    Browser,
    Server,
    free_port,
    start_server,
    stop_server,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ANSWER = '[data-step-type="assistant_message"]'
FIRST_QUESTION = "What share of sex trafficking victims are advertised online?"
FIRST_EXCERPT = ("Today technology is a centerpiece of the human trafficking business model and "
                 "75% of sex trafficking victims are advertised online.")
OSCE_RELEASE = "New policies needed to combat trafficking in the internet era"
MARKER_LINK = "a[href^='/pa/doc/']"  # a marker such as [1]: a link to its source
CITED = "#pa-source mark.pa-cited"  # the cited sentence in the source panel


def shot(page: Any, name: str) -> None:
    time.sleep(0.8)  # let animations settle, or the screenshot comes out half-drawn
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def corpus_text() -> str:
    raw = " ".join(p.read_text(encoding="utf-8", errors="replace")
                   for p in (ROOT / "corpus").glob("*.txt"))
    return re.sub(r"\s+", " ", raw)


def open_app(page: Any, server: Server) -> None:
    """The chat page once signed in (the local single-user mode signs in through /login
    first): acting on the page before that redirect loses the question."""
    page.goto(server.url)
    page.wait_for_selector("#user-nav-button")
    page.wait_for_selector("#chat-submit")
    page.wait_for_function("() => !!document.querySelector('textarea#chat-input')")


def answers(page: Any) -> Any:
    return page.locator(ANSWER)


def wait_final(page: Any, n: int) -> Any:
    """The n-th answer once its final form (sources list or a message) has arrived."""
    page.wait_for_function(
        """([sel, n]) => { const m = document.querySelectorAll(sel);
             if (m.length < n) return false;
             const t = m[n - 1].innerText;
             return t.includes('Sources') || t.includes('Closest material')
                    || t.includes('Please') || t.includes('Sorry'); }""",
        arg=[ANSWER, n])
    return answers(page).nth(n - 1)


def ask(page: Any, question: str, n: int) -> Any:
    box = page.locator("textarea#chat-input")
    box.fill(question)
    page.wait_for_selector("#chat-submit:not([disabled])")
    box.press("Enter")
    return wait_final(page, n)


def record_stream(page: Any) -> None:
    """Remember every text the first answer shows while it is being built."""
    page.evaluate("""() => { window.__seen = [];
        new MutationObserver(() => {
          const m = document.querySelector('[data-step-type="assistant_message"]');
          if (m) window.__seen.push(m.innerText);
        }).observe(document.body, {childList: true, subtree: true, characterData: true}); }""")


def open_marker(page: Any, message: Any, name: str) -> str:
    """Click a marker of an answer; the text of the source panel it opens (a panel still
    open from another marker is closed first, so its text is never read by mistake)."""
    if page.locator("#pa-source").count():
        page.get_by_role("button", name="Close the source").click()
        page.locator("#pa-source").wait_for(state="detached")
    message.locator(MARKER_LINK, has_text=name).first.click()
    page.wait_for_function("n => document.querySelector('#pa-source-title')?.innerText === n",
                           arg=name)
    return str(page.inner_text("#pa-source"))


def test_chat_window_end_to_end(app_server: Server, chromium: Browser) -> None:
    page = chromium.new_page()
    open_app(page, app_server)
    starters = page.locator("[id^=starter-]")
    assert starters.count() == 4
    shot(page, "01-welcome")

    # The answer streams in, with markers that open verbatim, highlighted sources.
    record_stream(page)
    first = ask(page, FIRST_QUESTION, 1)
    seen = page.evaluate("window.__seen")
    assert any(t.strip() and "Sources" not in t for t in seen), "no streamed partial answer"
    assert FIRST_QUESTION in page.locator('[data-step-type="user_message"]').first.inner_text()
    text = first.inner_text()
    assert "75%" in text and "Sources" in text
    assert first.locator(MARKER_LINK, has_text="[1]").count() >= 2  # inline + source list
    side = open_marker(page, first, "[1]")
    assert "OSCE" in side and "15 February 2022" in side and OSCE_RELEASE in side
    cited = page.locator(CITED).inner_text()
    assert cited == FIRST_EXCERPT
    assert re.sub(r"\s+", " ", cited) in corpus_text()  # verbatim from the document
    shot(page, "02-answer-with-source")

    # A follow-up that only makes sense after the first answer.
    # (asked alone, "Who published that figure?" is refused: nothing says which figure)
    second = ask(page, "Who published that figure?", 2)
    assert "don't cover this" not in second.inner_text()
    source = second.locator("li", has_text=OSCE_RELEASE).first
    side = open_marker(page, second, source.locator(MARKER_LINK).first.inner_text())
    assert FIRST_EXCERPT in side
    shot(page, "03-follow-up")

    # Out of scope: a clear refusal with the closest material.
    third = ask(page, "What is the population of Brazil?", 3)
    assert "The documents in this collection don't cover this" in third.inner_text()
    assert "Closest material in the collection" in third.inner_text()
    assert third.locator(MARKER_LINK).count() >= 1
    shot(page, "04-refusal")

    # Very long input: refused politely, no stack trace.
    fourth = ask(page, "trafficking " * 250, 4)
    assert "the limit is 2,000" in fourth.inner_text()
    assert "Traceback" not in page.inner_text("body")

    # Thumbs down with a comment lands in the SQLite database.
    first.scroll_into_view_if_needed()
    first.locator(".negative-feedback-off").click()
    page.locator("[role=dialog] textarea").fill("The second source is off-topic.")
    page.get_by_role("button", name="Submit feedback").click()
    row = wait_for_feedback(app_server.db)
    assert row == (0, "The second source is off-topic.")
    from assistant.feedback import feedback_records

    rec = feedback_records(app_server.db)[0]
    assert rec["question"] == FIRST_QUESTION and "75%" in rec["answer"]
    shot(page, "05-feedback")

    # Briefs: collect the first answer's excerpts, export Markdown and DOCX.
    first.get_by_role("button", name="Add to brief").click()
    page.get_by_text("to the brief; it now holds 1 answer").wait_for()
    first.get_by_role("button", name="Export brief").click()
    page.get_by_text("Your brief is ready").wait_for()
    brief = first  # the files appear under the answer whose button was clicked
    brief.locator("a.inline-file").first.wait_for()
    brief.scroll_into_view_if_needed()
    links = brief.locator("a.inline-file")
    names = sorted(str(links.nth(i).get_attribute("download")) for i in range(links.count()))
    assert [Path(n).suffix for n in names] == [".docx", ".md"]
    with page.expect_download() as dl:
        brief.locator("a.inline-file[download$='.md']").click()
    md = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "75% of sex trafficking victims are advertised online" in md
    with page.expect_download() as dl:
        brief.locator("a.inline-file[download$='.docx']").click()
    assert Path(dl.value.path()).read_bytes()[:2] == b"PK"  # a DOCX is a zip
    shot(page, "06-brief-export")

    assert chromium.blocked == [], f"the page asked for other hosts: {chromium.blocked}"
    assert "Traceback" not in app_server.log_text()


def wait_for_feedback(db: Path) -> tuple[int, str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if db.exists():
            with sqlite3.connect(db) as con:
                row = con.execute("SELECT value, comment FROM feedbacks").fetchone()
            if row:
                return int(row[0]), str(row[1])
        time.sleep(0.3)
    raise AssertionError("no feedback row in the database")


@pytest.fixture(scope="module")
def tiny_server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """A corpus with a 2-page PDF and a document full of HTML, and no index yet: the server
    builds it on first start."""
    from tests.pdfgen import make_pdf

    work = tmp_path_factory.mktemp("tiny")
    corpus = work / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "guidance.pdf", [
        ["Guidance on platform accountability.", "This page introduces the guidance."],
        ["Section 2. Duties of online platforms.",
         "Online platforms must remove trafficking advertisements within 24 hours of notice."],
    ])
    (corpus / "note.txt").write_text(
        "Safety note on recruitment websites\n\nFake job sites lure victims with "
        "<script>window.__pwned = 1;</script> promises of work abroad. Recruiters post "
        "<img src=x onerror=\"window.__pwned = 2\"> offers that hide the real employer.\n",
        encoding="utf-8")
    (corpus / "manifest.yaml").write_text(
        "documents:\n"
        "  - {id: guidance, file: guidance.pdf, title: Guidance on platform accountability,"
        " publisher: Test Ministry, date: '2024-05'}\n"
        "  - {id: note, file: note.txt, title: 'Safety note <b>on</b> recruitment sites',"
        " publisher: Test NGO, date: '2023'}\n", encoding="utf-8")
    # answers go through a language model whose endpoint is down: the extractive fallback
    server = start_server(work, {"PA_INDEX_DIR": str(work / "index"),
                                 "PA_CORPUS_DIR": str(corpus), "PA_ANSWERER": "llm",
                                 "PA_LLM_PROVIDER": "openai", "PA_LLM_MODEL": "test",
                                 "PA_LLM_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"})
    yield server
    stop_server(server)


def test_document_html_is_inert_and_pdf_opens_at_the_cited_page(
        tiny_server: Server, chromium: Browser) -> None:
    page = chromium.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_app(page, tiny_server)

    # Asked while the new index is still being built: the answer waits for it.
    first = ask(page, "How do fake job sites lure victims?", 1)
    assert "index updated: 2 documents" in tiny_server.log_text()  # built on first start
    assert "Note: The language model is unavailable" in first.inner_text()
    assert "<script>window.__pwned = 1;</script>" in first.inner_text()  # shown, not run
    side = open_marker(page, first, "[1]")
    assert "<script>" in side and "<img src=x" in side
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert page.locator(f"{ANSWER} script, #pa-source script, #pa-source img").count() == 0
    shot(page, "07-inert-html")

    second = ask(page, "How quickly must platforms remove trafficking advertisements?", 2)
    assert "24 hours" in second.inner_text()
    pdf = second.locator("a", has_text="PDF, page 2")  # the PDF view at the excerpt's page
    assert str(pdf.get_attribute("href")).startswith("/pa/pdf/guidance?page=2&chunk=")
    side = open_marker(page, second, "[1]")
    assert "Open the PDF at page 2" in side  # the PDF view itself: test_pdf_view.py

    # Chat settings: only the note may be searched now.
    page.click("#chat-settings-open-modal")
    dialog = page.locator("[role=dialog]")
    dialog.locator("input[placeholder='Select...']").nth(1).click()
    page.locator("[cmdk-item]", has_text="Safety note").click()
    shot(page, "09-settings")
    dialog.locator("#confirm").click()
    third = ask(page, "How quickly must platforms remove trafficking advertisements?", 3)
    assert "Guidance on platform accountability" not in third.inner_text()
    assert "24 hours" not in third.inner_text()
    # The welcome page lists the documents of this index (once loaded: reopen the page).
    page.reload()
    page.wait_for_selector("#readme-button")
    page.click("#readme-button")
    page.get_by_text("Guidance on platform accountability").first.wait_for()
    readme = page.inner_text("body")
    assert "Test Ministry" in readme and "Safety note <b>on</b> recruitment sites" in readme
    shot(page, "10-welcome-page")
    assert chromium.blocked == [], f"the page asked for other hosts: {chromium.blocked}"
