"""Faults of the index: rebuilt while serving, ingest killed with SIGKILL, files missing or corrupt.

The contract (ingest/index.py): a new version is written into its own folder and ``CURRENT`` is
replaced atomically, so readers only ever see complete versions; a damaged index is a clear
``IndexError_`` naming the rebuild command, and the CLI prints it as one line.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli.main import app
from assistant.core.settings import Settings
from assistant.engine import Assistant
from ingest.embedding import BaseEmbedder
from ingest.index import CURRENT, IndexError_, StoredIndex, current_version, load_index
from ingest.pipeline import run_ingest

ROOT = Path(__file__).resolve().parent.parent
GOOD = "What proportion of sex trafficking victims are advertised online?"
QUESTIONS = [
    GOOD,
    "What does GRETA say about online recruitment?",
    "Which OSCE official opened the launch event for the study?",
    "What liability standard does the OSCE recommend for platforms?",
]
NEW_DOC = """Regional cooperation note on helpline data

The regional helpline consortium recorded that the zebrafinch reporting portal received reports
from four neighbouring countries. Analysts recommend that the zebrafinch portal share anonymised
statistics with labour inspectors every quarter.

A second paragraph explains that the portal keeps reports for two years and that survivors can ask
for their reports to be deleted at any time.
"""
runner = CliRunner()


def consistent(store: StoredIndex) -> None:
    """Every part of one loaded version agrees with the others (nothing half-written)."""
    n = len(store.chunks)
    assert store.faiss_index.ntotal == n == len(store.vectors)
    assert len(store.sentence_vectors) == sum(len(c.sentences) for c in store.chunks)
    assert store.bm25.matrix.shape[0] == n
    assert {c.doc_id for c in store.chunks} <= set(store.documents)


def small_corpus(dst: Path) -> Path:
    """Two real documents (quick to embed) and their manifest."""
    dst.mkdir(parents=True)
    for name in ("osce-2022-press-release-new-policies.txt", "greta-2022-online-thb-summary-page.txt",
                 "manifest.yaml"):
        shutil.copy(ROOT / "corpus" / name, dst / name)
    return dst


def cli() -> list[str]:
    exe = Path(sys.executable).with_name("policy-assistant")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]


# ---- rebuild while serving -----------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.timeout(600)
def test_index_rebuild_while_serving(settings: Settings, embedder: BaseEmbedder, corpus_index: Path,
                                     corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    shutil.copytree(corpus_index, index)
    s = settings.model_copy(update={"index_dir": index, "corpus_dir": corpus_copy})
    a = Assistant(s, embedder=embedder)
    first = a.store.folder
    stop = threading.Event()
    failures: list[str] = []
    answered: list[tuple[Path, int]] = []  # (version folder that answered, citations)
    seen: dict[Path, StoredIndex] = {first: a.store}

    def reader(offset: int) -> None:
        n = offset
        while not stop.is_set():
            q = QUESTIONS[n % len(QUESTIONS)]
            n += 1
            try:
                searcher = a.retriever  # what a request starts with
                store = searcher.store
                consistent(store)
                seen.setdefault(store.folder, store)
                ans = a.ask(q)
                seen.setdefault(a.store.folder, a.store)  # a swap may have happened meanwhile
                results = a.search(q)
                assert results, "search returned nothing"
                if n % len(QUESTIONS) == 1:
                    assert not ans.refused and ans.citations, ans.answer
                ids = {c.chunk_id for st in list(seen.values()) for c in st.chunks}
                for c in ans.citations:
                    assert c.chunk_id in ids, f"citation of an unknown passage {c.chunk_id}"
                answered.append((store.folder, len(ans.citations)))
            except Exception as exc:  # noqa: BLE001 - every failure is recorded
                failures.append(f"reader: {type(exc).__name__}: {exc}")

    def refresher() -> None:
        while not stop.is_set():
            try:
                if a.refresh():
                    consistent(a.store)
                    seen.setdefault(a.store.folder, a.store)
            except Exception as exc:  # noqa: BLE001 - every failure is recorded
                failures.append(f"refresh: {type(exc).__name__}: {exc}")
            time.sleep(0.005)

    threads = [threading.Thread(target=reader, args=(i,), daemon=True) for i in range(3)]
    threads.append(threading.Thread(target=refresher, daemon=True))
    for t in threads:
        t.start()
    try:
        while len(answered) < 3 and not failures:
            time.sleep(0.05)
        (corpus_copy / "zz-helpline-note.txt").write_text(NEW_DOC, encoding="utf-8")
        r1 = run_ingest(s.ingest_config(), embedder=embedder)  # a new version, written while readers run
        assert r1.embedded > 0 and not r1.failed
        (corpus_copy / "zz-helpline-note.txt").write_text(NEW_DOC + "\nA third paragraph notes "
                                                          "that the zebrafinch portal is free.\n",
                                                          encoding="utf-8")
        r2 = run_ingest(s.ingest_config(), rebuild=True, embedder=embedder)  # and a full rebuild
        assert not r2.failed
        live = current_version(index)
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not failures:
            after = [f for f, _ in answered if f == live]
            if a.store.folder == live and len(after) >= 3:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert not failures, failures[:5]
    assert a.store.folder == live != first
    assert {f for f, _ in answered} >= {first, live}
    hits = a.search("zebrafinch helpline portal")
    assert hits and hits[0].chunk.doc_id == "zz-helpline-note"


# ---- kill -9 during ingest -------------------------------------------------------------------
def _wait_for(pred: Callable[[], bool], proc: subprocess.Popen[bytes], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if pred():
            return True
        time.sleep(0.003)
    return False


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_kill_9_during_ingest_keeps_a_working_index(settings: Settings, embedder: BaseEmbedder,
                                                    tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    s = settings.model_copy(update={"index_dir": index, "corpus_dir": corpus})
    assert not run_ingest(s.ingest_config(), embedder=embedder).failed
    (corpus / "zz-helpline-note.txt").write_text(NEW_DOC, encoding="utf-8")
    rng = random.Random(20240607)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    cmd = [*cli(), "ingest", "--rebuild", "--index", str(index), "--corpus", str(corpus)]
    # where to kill: at a random moment, while the new version's folder is being written,
    # right after it is renamed into place (around the CURRENT swap), and at random again.
    plans = ["random", "writing", "renamed", "random"]
    outcomes = []
    for plan in plans:
        before = current_version(index)
        versions_before = {p.name for p in index.glob("v-*")}
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                                cwd=tmp_path, start_new_session=True)
        try:
            if plan == "random":
                _wait_for(lambda: False, proc, rng.uniform(0.3, 8.0))
            elif plan == "writing":
                _wait_for(lambda: any(index.glob(".tmp-*")), proc, 300)
                time.sleep(rng.uniform(0, 0.05))
            else:
                _wait_for(lambda vb=versions_before: bool({p.name for p in index.glob("v-*")} - vb),
                          proc, 300)
                time.sleep(rng.uniform(0, 0.002))
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=60)
        outcomes.append((plan, proc.returncode))
        # whatever CURRENT names is complete, loads and answers
        live = current_version(index)
        assert live == before or live.name not in versions_before
        store = load_index(index, s.embedding_model_id, embedder.dim)
        consistent(store)
        ans = Assistant(s, embedder=embedder).ask(GOOD)
        assert not ans.refused and ans.citations, (plan, ans.answer)
    assert sum(rc == -signal.SIGKILL for _, rc in outcomes) >= 2, outcomes
    # an uninterrupted run afterwards succeeds, despite the debris of the killed ones
    done = subprocess.run(cmd, capture_output=True, env=env, cwd=tmp_path, timeout=600, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    store = load_index(index, s.embedding_model_id, embedder.dim)
    consistent(store)
    assert "zz-helpline-note" in store.documents
    assert not Assistant(s, embedder=embedder).ask(GOOD).refused


# ---- missing or corrupt files ------------------------------------------------------------
def _truncate(p: Path) -> None:
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 3])


def _garbage(p: Path) -> None:
    p.write_bytes(b"\x00\xff garbage \x13\x37" * 50)


def _drop_chunk(p: Path) -> None:
    chunks = json.loads(p.read_text(encoding="utf-8"))
    p.write_text(json.dumps(chunks[:-1]), encoding="utf-8")


def _fewer_sentence_rows(p: Path) -> None:
    arr = np.load(p)
    with p.open("wb") as fh:
        np.save(fh, arr[:-5])


def _narrow_vectors(p: Path) -> None:
    arr = np.load(p)
    with p.open("wb") as fh:
        np.save(fh, np.ascontiguousarray(arr[:, :100]))


CORRUPTIONS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "faiss-truncated": ("faiss.index", _truncate),
    "faiss-garbage": ("faiss.index", _garbage),
    "faiss-missing": ("faiss.index", Path.unlink),
    "vectors-truncated": ("vectors.npy", _truncate),
    "sentences-garbage": ("sentences.npy", _garbage),
    "sentences-missing": ("sentences.npy", Path.unlink),
    "chunks-truncated": ("chunks.json", _truncate),
    "chunks-one-missing": ("chunks.json", _drop_chunk),
    "chunks-not-chunks": ("chunks.json", lambda p: p.write_text('[{"a": 1}]', encoding="utf-8")),
    "documents-garbage": ("documents.json", _garbage),
    "bm25-missing": ("bm25.npz", Path.unlink),
    "bm25-vocab-garbage": ("bm25_vocab.json", _garbage),
    "manifest-garbage": ("manifest.json", _garbage),
    "manifest-missing": ("manifest.json", Path.unlink),
    "manifest-old-format": ("manifest.json",
                            lambda p: p.write_text('{"format_version": 0}', encoding="utf-8")),
}
# Damage that every file parses but the parts disagree (row counts, dimensions, types).
INCONSISTENT: dict[str, tuple[str, Callable[[Path], None]]] = {
    "sentences-fewer-rows": ("sentences.npy", _fewer_sentence_rows),
    "vectors-wrong-dimension": ("vectors.npy", _narrow_vectors),
    "manifest-not-an-object": ("manifest.json", lambda p: p.write_text("[1, 2]", encoding="utf-8")),
    "chunks-not-a-list": ("chunks.json", lambda p: p.write_text('{"a": 1}', encoding="utf-8")),
}
POINTER_FAULTS: dict[str, Callable[[Path], None]] = {
    "no-current": lambda d: (d / CURRENT).unlink(),
    "current-names-missing-version": lambda d: (d / CURRENT).write_text("v-gone", encoding="utf-8"),
    "current-empty": lambda d: (d / CURRENT).write_text("", encoding="utf-8"),
    "all-versions-deleted": lambda d: [shutil.rmtree(v) for v in d.glob("v-*")],
    "current-names-the-parent": lambda d: (d / CURRENT).write_text("..", encoding="utf-8"),
    "current-not-utf8": lambda d: (d / CURRENT).write_bytes(b"\xff\xfe\x00v-"),
    "current-is-a-folder": lambda d: ((d / CURRENT).unlink(), (d / CURRENT).mkdir()),
}


@pytest.fixture()
def index_copy(corpus_index: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "index"
    shutil.copytree(corpus_index, dst)
    return dst


def _expect_clean_error(index: Path, one_line: bool = True) -> str:
    with pytest.raises(IndexError_) as info:
        load_index(index)
    msg = str(info.value)
    assert "policy-assistant ingest" in msg and str(index) in msg, msg
    if one_line:
        assert "\n" not in msg, msg
    return msg


@pytest.mark.parametrize("name", sorted(CORRUPTIONS))
def test_corrupt_file_is_a_clean_error_with_rebuild_hint(index_copy: Path, name: str) -> None:
    fname, damage = CORRUPTIONS[name]
    damage(current_version(index_copy) / fname)
    assert "--rebuild" in _expect_clean_error(index_copy)


@pytest.mark.parametrize("name", sorted(INCONSISTENT))
def test_inconsistent_file_is_a_clean_error(index_copy: Path, name: str) -> None:
    fname, damage = INCONSISTENT[name]
    damage(current_version(index_copy) / fname)
    assert "--rebuild" in _expect_clean_error(index_copy)


@pytest.mark.parametrize("name", sorted(POINTER_FAULTS))
def test_broken_pointer_is_a_clean_error(index_copy: Path, name: str) -> None:
    POINTER_FAULTS[name](index_copy)
    _expect_clean_error(index_copy)


def test_pointer_is_read_once_per_load(index_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file of a load comes from the one version CURRENT named when the load began."""
    reads: list[Path] = []
    real = Path.read_text

    def counting(self: Path, *args: object, **kwargs: object) -> str:
        if self.name == CURRENT:
            reads.append(self)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", counting)
    store = load_index(index_copy)
    assert len(reads) == 1
    consistent(store)


def _cli(*args: str) -> tuple[int, str, str, BaseException | None]:
    r = runner.invoke(app, list(args))
    exc = r.exception if r.exception is not None and not isinstance(r.exception, SystemExit) else None
    return r.exit_code, r.stdout, r.stderr, exc


@pytest.mark.slow
@pytest.mark.parametrize("name", ["faiss-truncated", "current-names-missing-version"])
def test_cli_reports_a_broken_index_in_one_line(index_copy: Path, name: str) -> None:
    if name in CORRUPTIONS:
        fname, damage = CORRUPTIONS[name]
        damage(current_version(index_copy) / fname)
    else:
        POINTER_FAULTS[name](index_copy)
    for cmd in (["ask", GOOD], ["search", GOOD], ["corpus"]):
        code, _, err, exc = _cli(*cmd, "--index", str(index_copy))
        assert exc is None, f"{cmd[0]}: uncaught {type(exc).__name__}: {exc}"
        assert code == 1
        lines = [ln for ln in err.splitlines() if ln.strip()]
        text = " ".join(lines)
        assert text.startswith("error:") and "policy-assistant ingest" in text, err
        assert "Traceback" not in err


@pytest.mark.slow
def test_rebuild_repairs_a_corrupt_index(settings: Settings, embedder: BaseEmbedder,
                                         tmp_path: Path) -> None:
    corpus = small_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    s = settings.model_copy(update={"index_dir": index, "corpus_dir": corpus})
    run_ingest(s.ingest_config(), embedder=embedder)
    _truncate(current_version(index) / "faiss.index")
    _expect_clean_error(index)
    # a plain ingest notices, does not reuse the damaged version, and writes a good one
    report = run_ingest(s.ingest_config(), embedder=embedder)
    assert any("previous index not reused" in w for w in report.warnings)
    consistent(load_index(index))
    _garbage(current_version(index) / "chunks.json")
    _expect_clean_error(index)
    # the command the error message names
    code, out, err, exc = _cli("ingest", "--rebuild", "--index", str(index), "--corpus", str(corpus))
    assert exc is None and code == 0, err
    consistent(load_index(index))
    assert not Assistant(s, embedder=embedder).ask(GOOD).refused
