"""Every kind of bad file gets one clear line; the rest is ingested; the index survives."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter

from assistant.core.settings import Settings
from ingest.embedding import BaseEmbedder
from ingest.index import load_index
from ingest.load import LoadError, load_file
from ingest.pipeline import run_ingest
from tests.pdfgen import make_pdf

MB = 1_000_000
PARA = ("Online platforms are used to recruit victims of trafficking through fake job offers, "
        "and investigators need access to electronic evidence to prosecute these crimes.")


def _good_pdf(path: Path) -> Path:
    return make_pdf(path, [["Recruitment online", PARA[:90], PARA[90:]],
                           ["Second page", "Victims are advertised on classified sites."]])


def test_pdf_pages_and_labels_recorded(tmp_path: Path) -> None:
    src = _good_pdf(tmp_path / "a.pdf")
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.set_page_label(0, 1, style="/r")  # printed labels i, ii
    labelled = tmp_path / "labelled.pdf"
    with labelled.open("wb") as fh:
        writer.write(fh)
    raw = load_file(labelled, 10 * MB)
    assert raw.kind == "pdf"
    assert [p[1] for p in raw.pages] == [1, 2]
    assert [p[2] for p in raw.pages] == ["i", "ii"]
    assert "classified sites" in raw.text


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("corrupt.pdf", lambda p: p.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage"),
         "corrupt or unreadable PDF"),
        ("empty.txt", lambda p: p.write_bytes(b""), "empty file"),
        ("blank.md", lambda p: p.write_text("   \n\n  "), "no text in file"),
        ("junk.txt", lambda p: p.write_bytes(bytes(range(256)) * 40), "binary content"),
        ("slides.pptx", lambda p: p.write_bytes(b"PK\x03\x04"), "unsupported file type '.pptx'"),
    ],
)
def test_bad_files_get_a_specific_reason(tmp_path: Path, name: str, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / name
    make(path)
    with pytest.raises(LoadError) as err:
        load_file(path, 10 * MB)
    assert reason in err.value.reason
    assert str(err.value).startswith(name)


def test_encrypted_pdf(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(_good_pdf(tmp_path / "plain.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError, match="encrypted PDF"):
        load_file(path, 10 * MB)


def test_scanned_pdf_without_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError, match="no text layer"):
        load_file(path, 10 * MB)


def test_latin1_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Les États membres coopèrent contre la traite des êtres humains.".encode("latin-1"))
    raw = load_file(path, 10 * MB)
    assert "États membres coopèrent" in raw.text
    assert raw.warnings and "not UTF-8" in raw.warnings[0]


def test_oversized_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 300_000)
    with pytest.raises(LoadError, match="over the 1 MB limit"):
        load_file(path, 1 * MB)


@pytest.mark.slow
def test_bad_files_skipped_others_ingested_index_kept(settings: Settings, embedder: BaseEmbedder,
                                                      corpus_copy: Path, tmp_path: Path) -> None:
    s = settings.model_copy(update={"corpus_dir": corpus_copy, "index_dir": tmp_path / "idx",
                                    "max_file_mb": 1.0})
    first = run_ingest(s.ingest_config(), embedder=embedder)
    assert not first.failed
    before = load_index(s.index_dir)
    (corpus_copy / "corrupt.pdf").write_bytes(b"%PDF-1.4 broken")
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (corpus_copy / "deck.pptx").write_bytes(b"PK")
    (corpus_copy / "big.txt").write_text("word " * 300_000)
    (corpus_copy / "latin.txt").write_bytes(("La traite en ligne exige une réponse coordonnée des États. " * 3)
                                            .encode("latin-1"))
    _good_pdf(corpus_copy / "report.pdf")
    report = run_ingest(s.ingest_config(), embedder=embedder)
    assert report.failed
    assert sorted(n for n, _ in report.skipped) == ["big.txt", "corrupt.pdf", "deck.pptx", "empty.txt", "junk.txt"]
    store = load_index(s.index_dir)
    assert {"latin", "report"} <= set(store.documents)
    assert set(before.documents) < set(store.documents)
    pdf_chunks = [c for c in store.chunks if c.doc_id == "report"]
    assert pdf_chunks and pdf_chunks[0].locator.page == 1


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.slow
def test_unexpected_error_in_one_file_is_a_per_file_error(settings: Settings, embedder: BaseEmbedder,
                                                          tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug that crashes one file (fault injected into one stage) skips that file with one
    line; the rest is ingested, the previous version stays intact, and a file already ingested
    keeps its previous version instead of vanishing."""
    import shutil

    import ingest.chunk as ingest_chunk
    import ingest.clean as ingest_clean
    from tests.conftest import CORPUS

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    greta = "greta-2022-online-thb-summary-page.txt"
    for name in ("osce-2022-press-release-new-policies.txt", greta, "manifest.yaml"):
        shutil.copy(CORPUS / name, corpus / name)
    s = settings.model_copy(update={"corpus_dir": corpus, "index_dir": tmp_path / "idx"})
    assert not run_ingest(s.ingest_config(), embedder=embedder).failed
    before = load_index(s.index_dir)
    before_files = _tree(before.folder)
    greta_id = before.manifest["files"][greta]["doc_id"]
    greta_chunks = [c.chunk_id for c in before.chunks if c.doc_id == greta_id]

    (corpus / "note.txt").write_text(PARA + "\n\nA second paragraph on helplines.\n", encoding="utf-8")
    (corpus / "crash.txt").write_text("This file trips the cleaner: BOOM-MARKER.\n" + PARA,
                                      encoding="utf-8")
    real_clean, real_chunk = ingest_clean.clean_text, ingest_chunk.chunk_document

    def clean_text(text: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if "BOOM-MARKER" in text:
            raise RuntimeError("cleaner exploded\nsecond line of detail\nthird")
        return real_clean(text, *args, **kwargs)  # type: ignore[arg-type]

    def chunk_document(meta, *args, **kwargs):  # type: ignore[no-untyped-def]
        if meta.file == greta:
            raise KeyError("paragraph 7")
        return real_chunk(meta, *args, **kwargs)

    monkeypatch.setattr(ingest_clean, "clean_text", clean_text)
    monkeypatch.setattr(ingest_chunk, "chunk_document", chunk_document)
    report = run_ingest(s.ingest_config(), embedder=embedder)

    assert report.failed
    reasons = dict(report.skipped)
    kept = dict(report.kept)
    assert sorted(reasons) == ["crash.txt"]
    assert sorted(kept) == [greta]
    assert all("\n" not in r for r in [*reasons.values(), *kept.values()])
    assert reasons["crash.txt"] == "failed while cleaning (RuntimeError: cleaner exploded)"
    assert kept[greta].startswith("failed while splitting it into passages (KeyError")
    store = load_index(s.index_dir)
    assert store.folder != before.folder
    assert "note" in store.documents and greta_id in store.documents
    assert not any("BOOM-MARKER" in c.text for c in store.chunks)
    assert [c.chunk_id for c in store.chunks if c.doc_id == greta_id] == greta_chunks
    assert len(store.sentence_vectors) == sum(len(c.sentences) for c in store.chunks)
    assert _tree(before.folder) == before_files  # the previous version is untouched
    # the same failure again changes nothing
    again = run_ingest(s.ingest_config(), embedder=embedder)
    assert again.unchanged
    assert dict(again.skipped) == reasons
    assert dict(again.kept) == kept
