"""What an ingest run tells its caller, and the one place that handles a file that fails.

A file can fail at any stage (loading, cleaning, chunking). :class:`Failures` records it with a
one-line reason, and at the end puts back that file's previously ingested version, so a file
that breaks never takes its good passages out of the live index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ingest.documents import Chunk
    from ingest.store import StoredIndex


@dataclass
class IngestReport:
    documents: int = 0
    chunks: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    passages_deduplicated: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # failed; previous version kept
    warnings: list[str] = field(default_factory=list)
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    index_folder: str = ""
    query_export: str = ""  # the ONNX export for question time, when this ingest wrote it

    @property
    def failed(self) -> bool:
        return bool(self.skipped or self.kept)


def summarize_error(exc: BaseException, limit: int = 160) -> str:
    """One line about an exception: its type and the first line of its text, truncated.

    Some messages span several lines (pydantic's ValidationError lists each error below a
    header); for those the first error is added, so the line still says what is wrong."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    text = lines[0] if lines else ""
    errors = getattr(exc, "errors", None)
    if callable(errors) and len(lines) > 1:
        try:
            first = errors()[0]
            loc = ".".join(str(p) for p in first.get("loc", ()))
            text += f"; first: {loc + ': ' if loc else ''}{first.get('msg', '')}"
        except Exception:  # noqa: BLE001 - the header alone is still a summary
            pass
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@dataclass
class CorpusState:
    """The passages and documents one run produces, and per file what it contributed."""

    chunks: list[Chunk] = field(default_factory=list)
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, Any] = field(default_factory=dict)  # file -> {sha256, doc_id, chunks}

    def add(self, rel: str, doc_id: str, document: dict[str, Any], chunks: list[Chunk],
            info: dict[str, Any]) -> None:
        self.chunks.extend(chunks)
        self.documents[doc_id] = document
        self.files[rel] = info


class Failures:
    """Files that could not be used this run: unusable (a :class:`~ingest.load.LoadError`, such
    as a truncated PDF) or failed unexpectedly at some stage."""

    def __init__(self, previous: StoredIndex | None) -> None:
        self.previous = previous
        self.failed: dict[str, str] = {}  # file -> reason

    def record(self, rel: str, stage: str, exc: Exception) -> None:
        self.failed[rel] = f"failed while {stage} ({summarize_error(exc)})"

    def unusable(self, rel: str, reason: str) -> None:
        self.failed[rel] = reason

    def restore(self, state: CorpusState, report: IngestReport) -> None:
        """Keep the previous version of every failed file the old index has, marked stale, so
        a briefly broken file never takes its document out of the index (only deleting the file
        does); report the others as skipped."""
        for rel, reason in sorted(self.failed.items()):
            kept = self._previous_version(rel, state)
            if kept is None:
                report.skipped.append((rel, reason))
                continue
            doc_id, document, chunks, info = kept
            state.add(rel, doc_id, {**document, "stale": reason}, chunks, {**info, "stale": reason})
            report.kept.append((rel, reason))
        report.skipped.sort()

    def _previous_version(self, rel: str, state: CorpusState
                          ) -> tuple[str, dict[str, Any], list[Chunk], dict[str, Any]] | None:
        prev = self.previous
        if prev is None:
            return None
        info = (prev.manifest.get("files") or {}).get(rel)
        if not isinstance(info, dict):
            return None
        doc_id = info.get("doc_id")
        if doc_id not in prev.documents or doc_id in state.documents:
            return None
        ids = info.get("chunks") or []
        if any(cid not in prev.by_id for cid in ids):
            return None
        return doc_id, prev.documents[doc_id], [prev.chunks[prev.by_id[c]] for c in ids], info
