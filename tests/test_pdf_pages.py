"""PDF passages keep their pages: a citation points at the page of the quoted sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.citations import make_citation
from assistant.core.settings import Settings
from ingest.embedding import BaseEmbedder
from ingest.index import load_index
from ingest.pipeline import run_ingest
from tests.pdfgen import make_pdf


@pytest.mark.slow
def test_sentence_on_the_next_page_is_cited_with_that_page(settings: Settings, embedder: BaseEmbedder,
                                                           tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    make_pdf(corpus / "report.pdf", [
        ["Recruitment online", "",
         "Victims are recruited through fake job offers that organised networks post on",
         "social media platforms across the region and"],
        ["they are then moved across borders by the same networks.",
         "Police seized the phones of the recruiters as evidence in every case."],
    ])
    s = settings.model_copy(update={"corpus_dir": corpus, "index_dir": tmp_path / "idx"})
    run_ingest(s.ingest_config(), embedder=embedder)
    store = load_index(s.index_dir)
    chunk = next(c for c in store.chunks if "Police seized" in c.text)
    assert "post on social media platforms across the region and they are then moved" in chunk.text
    assert chunk.locator.page == 1  # the passage starts on page 1
    start = chunk.text.index("Police seized")
    end = chunk.text.index("every case.") + len("every case.")
    cit = make_citation(1, chunk, store.meta("report"), start, end)
    assert cit.locator.startswith("p. 2")
    first = make_citation(1, chunk, store.meta("report"), 0, 20)
    assert first.locator.startswith("p. 1")
