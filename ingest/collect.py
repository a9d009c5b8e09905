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


def corpus_files(corpus_dir: Path) -> list[Path]:
    return sorted(
        p for p in corpus_dir.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
        and not any(part.startswith(".") for part in p.relative_to(corpus_dir).parts)
    )


def _load_one(path: Path, rel: str, config: IngestConfig, manifest: dict[str, DocumentMeta],
              report: IngestReport, failures: Failures) -> Loaded | None:
    try:
        raw = load_file(path, config.max_bytes)
    except LoadError as exc:
        report.skipped.append((rel, exc.reason))
        return None
    except OSError as exc:
        report.skipped.append((rel, f"cannot read ({exc})"))
        return None
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        failures.record(rel, "loading", exc)
        return None
    report.warnings.extend(raw.warnings)
    meta = manifest.get(rel) or manifest.get(path.name)
    if meta is None:
        try:
            meta = default_meta(path, raw.text, raw.pdf_title)
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
    files = corpus_files(config.corpus_dir)
    out: list[Loaded] = []
    for i, path in enumerate(files):
        if progress:
            progress("load", i + 1, len(files))
        loaded = _load_one(path, str(path.relative_to(config.corpus_dir)), config, manifest,
                           report, failures)
        if loaded is not None:
            out.append(loaded)
    unique_ids(out, report)
    return out
