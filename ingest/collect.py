"""Stage 1 over the corpus folder: every file loaded, with its metadata and a unique doc_id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.config import IngestConfig
from ingest.documents import DocumentMeta
from ingest.load import LoadError, RawDocument, load_file
from ingest.manifest import MANIFEST_NAME, default_meta, read_manifest
from ingest.report import Failures, IngestReport

Progress = Callable[[str, int, int], None]


@dataclass
class Loaded:
    raw: RawDocument
    meta: DocumentMeta


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def _refusal(path: Path, root: Path) -> str | None:
    """Why ``path`` may not be read, or None. Every path is resolved: a link (or a path
    through a linked folder) that leads outside the corpus folder is never followed."""
    resolved = path.resolve()
    shown = str(path.readlink()) if path.is_symlink() else str(resolved)
    if not resolved.is_relative_to(root):
        return f"links to {shown}, outside the corpus folder; not read (copy the file in instead)"
    if not resolved.exists():
        return f"broken symbolic link: {shown} does not exist"
    if not resolved.is_file() and not resolved.is_dir():
        return "not a regular file (a pipe, socket or device); not read"
    return None


@dataclass
class CorpusListing:
    files: list[tuple[str, Path]]  # (name relative to the corpus, resolved path to read)
    refused: list[tuple[str, str]]  # (name, reason): outside the corpus, not a file
    broken: list[tuple[str, str]]  # (name, reason): dangling links


def list_corpus(corpus_dir: Path) -> CorpusListing:
    """Every entry of the corpus folder, resolved; what may not be read says why."""
    root = corpus_dir.resolve()
    out = CorpusListing([], [], [])
    for path in sorted(corpus_dir.rglob("*")):
        rel = path.relative_to(corpus_dir)
        if _hidden(rel) or path.name == MANIFEST_NAME:
            continue
        why = _refusal(path, root)
        if why is None:
            if path.resolve().is_file():
                out.files.append((str(rel), path.resolve()))
        elif why.startswith("broken"):
            out.broken.append((str(rel), why))
        else:
            out.refused.append((str(rel), why))
    return out


def _load_one(path: Path, rel: str, config: IngestConfig, manifest: dict[str, DocumentMeta],
              report: IngestReport, failures: Failures) -> Loaded | None:
    try:
        raw = load_file(path, config.max_bytes)
    except LoadError as exc:
        failures.unusable(rel, exc.reason)
        return None
    except OSError as exc:
        failures.unusable(rel, f"cannot read ({exc.strerror or exc})")
        return None
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        failures.record(rel, "loading", exc)
        return None
    report.warnings.extend(raw.warnings)
    meta = manifest.get(rel) or manifest.get(Path(rel).name)
    if meta is None:
        try:
            meta = default_meta(config.corpus_dir / rel, raw.text, raw.pdf_title)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failures.record(rel, "reading its title", exc)
            return None
        report.warnings.append(f"{rel}: not in {MANIFEST_NAME}; using id '{meta.doc_id}', "
                               f"title '{meta.title[:60]}'")
    else:
        meta = meta.model_copy(deep=True)
    meta.file = rel
    return Loaded(raw, meta)


def unique_ids(docs: list[Loaded], report: IngestReport) -> None:
    """Two files with the same id: the later ones get a suffix ('-2', '-3')."""
    ids = [d.meta.doc_id for d in docs]
    for doc_id in sorted({i for i in ids if ids.count(i) > 1}):
        report.warnings.append(f"two files share the id '{doc_id}'; later ones get a suffix")
    seen: dict[str, int] = {}
    for d in docs:
        n = seen.get(d.meta.doc_id, 0)
        seen[d.meta.doc_id] = n + 1
        if n:
            d.meta.doc_id = f"{d.meta.doc_id}-{n + 1}"


def read_corpus(config: IngestConfig, report: IngestReport, failures: Failures,
                progress: Progress | None = None) -> list[Loaded]:
    """Load every file of the corpus folder; a file that cannot be used is reported, not fatal."""
    manifest = read_manifest(config.corpus_dir)
    listing = list_corpus(config.corpus_dir)
    report.skipped.extend(listing.refused)  # never kept: its old version came from outside
    for rel, why in listing.broken:
        failures.unusable(rel, why)
    out: list[Loaded] = []
    for i, (rel, path) in enumerate(listing.files):
        if progress:
            progress("load", i + 1, len(listing.files))
        loaded = _load_one(path, rel, config, manifest, report, failures)
        if loaded is not None:
            out.append(loaded)
    unique_ids(out, report)
    return out
