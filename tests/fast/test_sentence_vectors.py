"""Sentence vectors without a model (issue 15): late chunking's windows and text offsets, and
float16 storage of ``sentences.npy``."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.core.settings import Settings
from ingest.acronyms import expand_text
from ingest.documents import Chunk, Locator
from ingest.index import load_index
from ingest.late import _owner, late_text, windows
from ingest.pipeline import run_ingest
from ingest.vectors import embed_text_for

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_a_long_passage_is_cut_into_overlapping_windows_that_cover_it() -> None:
    assert windows(200, 254) == [(0, 200)]
    assert windows(600, 254) == [(0, 254), (190, 444), (346, 600)]
    owner = _owner(windows(600, 254), 600)
    assert (owner[0], owner[599]) == (0, 2)
    assert owner[220] == 0  # 33 tokens from window 0's end, 30 from window 1's start
    assert owner[230] == 1  # 23 from window 0's end, 40 from window 1's start
    assert list(owner) == sorted(owner)


def test_late_text_is_what_the_embedder_reads_and_spans_find_each_sentence() -> None:
    text = ("Trafficking in human beings (THB) moved online. THB recruiters use apps. "
            "Victims are advertised on platforms.")
    spans = [(0, 47), (48, 73), (74, len(text))]
    chunk = Chunk(doc_id="d", chunk_id="d-1", text=text, title="T", publisher="P", date="",
                  locator=Locator(section="THB online"), start=0, end=len(text), sentences=spans)
    defs = {"THB": "trafficking in human beings"}
    late, late_spans = late_text(chunk, defs)
    assert late == embed_text_for(chunk, defs)
    assert [late[s:e] for s, e in late_spans] == [expand_text(text[s:e], defs) for s, e in spans]
    assert late[late_spans[1][0]:].startswith("trafficking in human beings (THB) recruiters")


def _ingest(tmp: Path, **kw: str) -> Path:
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp, embedding_backend="hash",  # type: ignore[arg-type]
                        _env_file=None, **kw)  # type: ignore[call-arg]
    report = run_ingest(settings.ingest_config(), rebuild=True)
    assert report.chunks > 0
    late = [w for w in report.warnings if "late chunking" in w]
    assert late == (["late chunking needs the token embeddings of a sentence-transformers model;"
                     " hash-384 embeds sentences separately"]
                    if kw.get("sentence_vectors") == "late" else [])
    return Path(report.index_folder)


def test_late_chunking_without_token_embeddings_says_so(tmp_path: Path) -> None:
    folder = _ingest(tmp_path, sentence_vectors="late")
    assert np.load(folder / "sentences.npy").shape[0] > 0


def test_float16_sentence_vectors_halve_the_file_and_load_as_float32(tmp_path: Path) -> None:
    full = _ingest(tmp_path / "f32")
    half = _ingest(tmp_path / "f16", sentence_dtype="float16")
    on_disk = np.load(half / "sentences.npy", mmap_mode="r")
    assert on_disk.dtype == np.float16
    assert (half / "sentences.npy").stat().st_size < 0.52 * (full / "sentences.npy").stat().st_size
    a, b = load_index(tmp_path / "f32"), load_index(tmp_path / "f16")
    assert b.sentence_vectors.dtype == np.float32
    assert b.sentence_vectors.shape == a.sentence_vectors.shape
    assert 0 < float(np.abs(b.sentence_vectors - a.sentence_vectors).max()) < 1e-3
    assert np.array_equal(b.vectors, a.vectors)  # passage vectors stay float32
