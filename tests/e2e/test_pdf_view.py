"""A PDF a user added (made by LibreOffice from a Word document) opens at the cited page in the
app's PDF view, drawn by pdf.js served by the app, with the cited passage marked and in view
(issue 12, item 4); without pdf.js the same address gives the cleaned text at the passage.

Screenshots at desktop (1400 x 900) and phone (390 x 844) size go to artifacts/screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.serving import Browser, Server, start_server, stop_server
from tests.e2e.test_browser import ask, open_app, open_marker, shot

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CITED = ("Callers described recruiters who contact teenagers through gaming platforms and then "
         "move the conversation to encrypted messaging apps.")
PAGES = [
    ["Hotline review 2024", "This review covers calls to the national hotline in 2024. " * 8],
    ["Recruitment through apps", CITED,
     "Most of these contacts began with offers of modelling work abroad."],
]
QUESTION = "How do recruiters contact teenagers through gaming platforms?"
SHOWN = """() => { const v = document.querySelector('#viewer');
  return v && (v.dataset.shown || v.dataset.error); }"""


@pytest.fixture(scope="module")
def pdf_work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus holding only a PDF the user dropped in (no manifest entry)."""
    from tests.pdfgen import office_pdf

    work = tmp_path_factory.mktemp("pdfview")
    (work / "corpus").mkdir()
    try:
        office_pdf(work / "corpus" / "hotline-review-2024.pdf", PAGES, work)
    except FileNotFoundError:
        pytest.skip("LibreOffice (soffice) is missing: scripts/system-deps.sh installs it")
    return work


@pytest.fixture(scope="module")
def pdf_server(pdf_work: Path) -> Iterator[Server]:
    server = start_server(pdf_work, {"PA_INDEX_DIR": str(pdf_work / "index"),
                                     "PA_CORPUS_DIR": str(pdf_work / "corpus")})
    yield server
    stop_server(server)


def test_a_users_pdf_opens_at_the_cited_page_with_the_passage_marked(
        pdf_server: Server, chromium: Browser) -> None:
    from assistant.core.settings import Settings
    from assistant.ui import pdfjs

    if pdfjs.installed(Settings(_env_file=None).cache_path) is None:  # type: ignore[call-arg]
        pytest.skip("pdf.js is not installed (python -m assistant.ui.pdfjs needs npm)")
    page = chromium.new_page()
    open_app(page, pdf_server)
    answer = ask(page, QUESTION, 1)
    assert CITED in answer.inner_text()
    href = str(answer.locator("a", has_text="PDF, page 2").get_attribute("href"))
    assert href.startswith("/pa/pdf/hotline-review-2024?page=2&")
    assert "Open the PDF at page 2" in open_marker(page, answer, "[1]")
    for width, height, name in ((1400, 900, "desktop"), (390, 844, "phone")):
        view = chromium.new_page(width, height)
        view.context.add_cookies(page.context.cookies())
        view.goto(pdf_server.url + href)
        view.wait_for_function(SHOWN, timeout=60_000)
        assert view.evaluate("document.querySelector('#viewer').dataset.shown") == "2"
        assert view.inner_text("#where") == "Page 2 of 2"
        marked = view.locator(".pa-hit").evaluate_all("ms => ms.map(m => m.dataset.text)")
        print(f"\nPDF view ({name}): marked lines {marked}")
        assert " ".join(marked) == CITED  # the cited sentence's lines, and nothing else
        assert view.inner_text("#cited-text") == f"Marked on this page: “{CITED[:-1]}”"
        box = view.evaluate("""() => { const r = document.querySelector('.pa-hit')
            .getBoundingClientRect(); return {top: r.top, bottom: r.bottom, h: innerHeight}; }""")
        assert box["top"] >= 0 and box["bottom"] <= box["h"]  # in view
        shot(view, f"issue12-09-pdf-view-{name}")
    assert chromium.blocked == [], f"the page asked for other hosts: {chromium.blocked}"


def test_without_pdfjs_the_pdf_address_gives_the_text_at_the_passage(
        pdf_work: Path, pdf_server: Server, chromium: Browser) -> None:
    """The same link with no pdf.js in the cache folder: the cleaned text, saying why."""
    bare = pdf_work / "bare"
    bare.mkdir(exist_ok=True)
    server = start_server(bare, {"PA_INDEX_DIR": str(pdf_work / "index"),
                                 "PA_CORPUS_DIR": str(pdf_work / "corpus"),
                                 "PA_CACHE_DIR": str(bare / "cache")})
    try:
        page = chromium.new_page()
        open_app(page, server)
        answer = ask(page, QUESTION, 1)
        href = str(answer.locator("a", has_text="PDF, page 2").get_attribute("href"))
        page.goto(server.url + href)
        assert "The PDF viewer (pdf.js) is not installed here" in page.inner_text("header")
        assert page.inner_text("mark#cited") == CITED
    finally:
        stop_server(server)
