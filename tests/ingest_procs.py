"""Real ``policy-assistant`` processes for the ingest safety tests, with the word-hashing
embedder so that each run takes about a second; and a running ingest held at a known point by
``scripts/fault_injection.py pause-at`` (SIGSTOP, awaited with ``waitpid(WUNTRACED)``: nothing
depends on timing)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "fault_injection.py"
NEW_DOC = ("Regional cooperation note on helpline data\n\nThe regional helpline consortium "
           "recorded that the zebrafinch reporting portal received reports from four countries.\n")


def env() -> dict[str, str]:
    return {**os.environ, "PA_EMBEDDING_BACKEND": "hash"}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), env=env(), cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def paused(point: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    """A real ingest process, stopped (SIGSTOP) at ``point`` when this returns."""
    proc = subprocess.Popen([sys.executable, str(SCRIPT), "pause-at", point, "--", *args],
                            env=env(), cwd=cwd, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    _pid, status = os.waitpid(proc.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), "the ingest ended before reaching the pause point"
    return proc


def live(index: Path) -> dict[str, object]:
    folder = index / (index / "CURRENT").read_text(encoding="utf-8").strip()
    return {"manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
            "chunks": json.loads((folder / "chunks.json").read_text(encoding="utf-8")),
            "documents": json.loads((folder / "documents.json").read_text(encoding="utf-8"))}


def live_files(index: Path) -> set[str]:
    manifest = live(index)["manifest"]
    assert isinstance(manifest, dict)
    return set(manifest["files"])


def live_text(index: Path) -> str:
    chunks = live(index)["chunks"]
    assert isinstance(chunks, list)
    return " ".join(c["text"] for c in chunks)


@pytest.fixture()
def where(corpus_copy: Path, tmp_path: Path) -> tuple[str, ...]:
    return ("--corpus", str(corpus_copy), "--index", str(tmp_path / "index"))
