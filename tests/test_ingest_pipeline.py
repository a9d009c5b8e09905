"""Dedup, chunking, incremental re-ingest, atomic writes and the no-pickle index."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from ingest import index as index_mod
from ingest.embedding import BaseEmbedder
from ingest.index import IndexMismatchError, load_index
from ingest.pipeline import run_ingest
from ingest.text import fold

pytestmark = pytest.mark.slow


def _settings(base: Settings, corpus: Path, index: Path) -> Settings:
    return base.model_copy(update={"corpus_dir": corpus, "index_dir": index})


def test_republication_detected_and_not_indexed_twice(corpus_index: Path) -> None:
    store = load_index(corpus_index)
    hst = store.documents["hstoday-osce-study-2023"]["meta"]
    osce = store.documents["osce-press-release-2022"]["meta"]
    assert hst["duplicate_of"] == "osce-press-release-2022"
    assert [x["doc_id"] for x in osce["also_published_in"]] == ["hstoday-osce-study-2023"]
    hits = [c for c in store.chunks if "75% of sex trafficking victims" in c.text]
    assert [c.doc_id for c in hits] == ["osce-press-release-2022"]
    # The republication keeps only what the original does not say (its own introduction).
    own = [c for c in store.chunks if c.doc_id == "hstoday-osce-study-2023"]
    original = fold(store.documents["osce-press-release-2022"]["text"])
    assert any("presented at a virtual launch event on February 15" in c.text for c in own)
    for c in own:
        for a, b in c.sentences:
            assert fold(c.text[a:b]) not in original


def test_chunks_carry_locators_offsets_and_whole_sentences(corpus_index: Path) -> None:
    store = load_index(corpus_index)
    assert {c.doc_id for c in store.chunks} == {
        "osce-press-release-2022", "greta-summary-2022", "equality-now-icat-response-2019",
        "osce-policy-brief-2022", "hstoday-osce-study-2023"}
    for c in store.chunks:
        text = store.documents[c.doc_id]["text"]
        assert text[c.start : c.end] == c.text
        assert c.locator.paragraph is not None
        assert len(c.text.split()) <= 150
        block_ends = {e for _s, e, _k in store.documents[c.doc_id]["blocks"]}
        # a chunk ends where a paragraph ends, or else at the end of a sentence
        assert c.end in block_ends or c.text[-1] in ".!?”\"’)", c.text[-80:]
        assert c.sentences and c.sentences[-1][1] == len(c.text)
    sections = {c.locator.section for c in store.chunks if c.doc_id == "osce-policy-brief-2022"}
    assert "Policy approaches to online platforms" in sections
    assert "Footnotes" in sections


def test_incremental_reingest_embeds_only_changes(settings: Settings, embedder: BaseEmbedder,
                                                  corpus_copy: Path, tmp_path: Path) -> None:
    s = _settings(settings, corpus_copy, tmp_path / "idx")
    first = run_ingest(s.ingest_config(), embedder=embedder)
    assert first.embedded == first.chunks > 0
    again = run_ingest(s.ingest_config(), embedder=embedder)
    assert again.unchanged and again.embedded == 0
    ids_before = [c.chunk_id for c in load_index(s.index_dir).chunks]
    # change one paragraph of one file, add a file, remove a file
    f = corpus_copy / "equality-now-2019-technology-and-trafficking.txt"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "This is only the beginning.", "This is only the beginning of a long process."), encoding="utf-8")
    (corpus_copy / "extra-note.md").write_text(
        "# Note on grooming\n\nTraffickers use messaging apps to groom adolescents over many weeks.\n",
        encoding="utf-8")
    (corpus_copy / "greta-2022-online-thb-summary-page.txt").unlink()
    third = run_ingest(s.ingest_config(), embedder=embedder)
    assert 1 <= third.embedded <= 3
    store = load_index(s.index_dir)
    ids_after = [c.chunk_id for c in store.chunks]
    assert "greta-summary-2022" not in store.documents
    assert "extra-note" in store.documents
    assert store.documents["extra-note"]["meta"]["in_manifest"] is False
    assert len(set(ids_before) & set(ids_after)) >= len(ids_after) - 3
    assert any("not in manifest.yaml" in w for w in third.warnings)


def test_chunk_ids_stable_across_rebuilds(settings: Settings, embedder: BaseEmbedder,
                                          tmp_path: Path, corpus_index: Path) -> None:
    s = _settings(settings, settings.corpus_dir, tmp_path / "idx")
    run_ingest(s.ingest_config(), rebuild=True, embedder=embedder)
    assert [c.chunk_id for c in load_index(s.index_dir).chunks] == \
        [c.chunk_id for c in load_index(corpus_index).chunks]


def test_crash_mid_write_leaves_previous_index_usable(settings: Settings, embedder: BaseEmbedder,
                                                      corpus_copy: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    s = _settings(settings, corpus_copy, tmp_path / "idx")
    run_ingest(s.ingest_config(), embedder=embedder)
    live = (s.index_dir / "CURRENT").read_text()
    n = len(load_index(s.index_dir).chunks)
    (corpus_copy / "new.txt").write_text("A new paragraph about online recruitment of victims. " * 5,
                                         encoding="utf-8")

    def crash(*_a: object, **_k: object) -> None:
        raise OSError("disk full (simulated)")

    monkeypatch.setattr(index_mod, "_write_json", crash)  # dies while writing the new version
    with pytest.raises(OSError):
        run_ingest(s.ingest_config(), embedder=embedder)
    assert (s.index_dir / "CURRENT").read_text() == live
    assert len(load_index(s.index_dir).chunks) == n
    monkeypatch.undo()
    report = run_ingest(s.ingest_config(), embedder=embedder)
    assert report.chunks == n + 1
    assert not list(s.index_dir.glob(".CURRENT.*"))


def test_index_has_no_pickle_and_loads_from_json_npy_faiss(corpus_index: Path) -> None:
    folder = load_index(corpus_index).folder
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["bm25.npz", "bm25_vocab.json", "chunks.json", "documents.json", "faiss.index",
                     "manifest.json", "sentences.npy", "vectors.npy", "words.npz"]
    for p in folder.iterdir():
        assert not p.read_bytes().startswith(b"\x80"), f"{p.name} looks like a pickle"


def test_model_mismatch_gives_rebuild_hint(corpus_index: Path, tmp_path: Path) -> None:
    copy = tmp_path / "idx"
    shutil.copytree(corpus_index, copy)
    with pytest.raises(IndexMismatchError, match="ingest --rebuild"):
        load_index(copy, expected_model="some-other-model")
    folder = load_index(copy).folder
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["dim"] = 768
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(IndexMismatchError, match="dimension"):
        load_index(copy, expected_dim=384)
    assert (folder / "faiss.index").exists()
