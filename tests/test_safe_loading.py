"""Safe loading: nothing in an index folder is ever unpickled, so a planted file cannot run code."""

from __future__ import annotations

import ast
import pickle
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.core.settings import Settings
from ingest.embedding import BaseEmbedder
from ingest.index import IndexError_, current_version, load_index

ROOT = Path(__file__).resolve().parent.parent


class _Planted:
    """Unpickling this creates the marker file: proof that the pickle was loaded."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return (Path.touch, (self.marker,))


def _plant(folder: Path, marker: Path) -> list[Path]:
    """Malicious pickles under the names loaders commonly look for."""
    payload = pickle.dumps(_Planted(marker))
    names = ["evil.pkl", "index.pkl", "docstore.pkl", "bm25.pkl", "chunks.pkl", "faiss.pkl"]
    out = []
    for name in names:
        (folder / name).write_bytes(payload)
        out.append(folder / name)
    return out


@pytest.fixture()
def index_copy(corpus_index: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "index"
    shutil.copytree(corpus_index, dst)
    return dst


def test_the_planted_pickle_would_run_code(tmp_path: Path) -> None:
    """The payload is live: unpickling it really creates the marker (so its absence below means
    it was never unpickled)."""
    marker = tmp_path / "marker"
    pickle.loads(pickle.dumps(_Planted(marker)))
    assert marker.exists()


@pytest.mark.slow
def test_planted_pickles_are_never_loaded(index_copy: Path, tmp_path: Path, settings: Settings,
                                          embedder: BaseEmbedder) -> None:
    from assistant.engine import Assistant

    marker = tmp_path / "PWNED"
    version = current_version(index_copy)
    _plant(version, marker)
    _plant(index_copy, marker)
    store = load_index(index_copy, settings.embedding_model_id, embedder.dim)
    assert len(store.chunks) > 0
    a = Assistant(settings.model_copy(update={"index_dir": index_copy}), embedder=embedder)
    ans = a.ask("What proportion of sex trafficking victims are advertised online?")
    assert not ans.refused and ans.citations
    assert a.refresh() is False
    assert not marker.exists(), "a planted pickle was unpickled while loading the index"


def test_pickled_numpy_arrays_are_refused_not_executed(index_copy: Path, tmp_path: Path) -> None:
    """An object array saved with pickle inside vectors.npy: a clean IndexError_, no code run."""
    marker = tmp_path / "PWNED"
    version = current_version(index_copy)
    arr = np.empty(1, dtype=object)
    arr[0] = _Planted(marker)
    with (version / "vectors.npy").open("wb") as fh:
        np.save(fh, arr, allow_pickle=True)
    with pytest.raises(IndexError_, match=r"policy-assistant ingest --rebuild"):
        load_index(index_copy)
    assert not marker.exists()


def test_pickled_bm25_npz_is_refused_not_executed(index_copy: Path, tmp_path: Path) -> None:
    marker = tmp_path / "PWNED"
    version = current_version(index_copy)
    arr = np.empty(1, dtype=object)
    arr[0] = _Planted(marker)
    np.savez(version / "bm25.npz", data=arr, indices=arr, indptr=arr, shape=arr)
    with pytest.raises(IndexError_, match=r"policy-assistant ingest --rebuild"):
        load_index(index_copy)
    assert not marker.exists()


# ---- static check: no unpickling anywhere in the application ---------------------------
UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "joblib", "shelve", "marshal"}
UNSAFE_PATTERNS = [
    (re.compile(r"allow_pickle\s*=\s*True"), "allow_pickle=True"),
    (re.compile(r"allow_dangerous_deserialization\s*=\s*True"), "allow_dangerous_deserialization=True"),
    (re.compile(r"\bload_local\s*\("), "FAISS.load_local (unpickles the docstore)"),
    (re.compile(r"\btorch\.load\s*\((?![^)]*weights_only\s*=\s*True)"), "torch.load without weights_only=True"),
    (re.compile(r"\bpd\.read_pickle\b|\bread_pickle\s*\("), "read_pickle"),
]


def _app_sources() -> list[Path]:
    files = sorted(p for pkg in ("assistant", "ingest") for p in (ROOT / pkg).rglob("*.py"))
    assert len(files) > 10
    return files


def test_no_module_imports_pickle() -> None:
    offenders = []
    for path in _app_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                f = node.func
                fname = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""
                if fname in ("__import__", "import_module"):
                    names = [str(node.args[0].value).split(".")[0]]
            offenders += [f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}: {n}"
                          for n in names if n in UNSAFE_MODULES]
    assert not offenders, "modules that can unpickle: " + ", ".join(offenders)


def test_no_call_enables_unpickling() -> None:
    offenders = []
    for path in _app_sources():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            for rx, what in UNSAFE_PATTERNS:
                if rx.search(code):
                    offenders.append(f"{path.relative_to(ROOT)}:{n}: {what}")
    assert not offenders, "unsafe deserialisation: " + ", ".join(offenders)
