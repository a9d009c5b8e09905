"""The corpus manifest (``manifest.yaml``): stable doc ids and metadata per file."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ingest.documents import DocumentMeta

MANIFEST_NAME = "manifest.yaml"


class ManifestError(ValueError):
    pass


def read_manifest(corpus_dir: Path) -> dict[str, DocumentMeta]:
    """Map file name → metadata. A missing manifest is an empty one."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path}: not valid YAML ({exc})") from exc
    out: dict[str, DocumentMeta] = {}
    for entry in data.get("documents", []) or []:
        if not isinstance(entry, dict) or "id" not in entry or "file" not in entry:
            raise ManifestError(f"{path}: every document needs 'id' and 'file': {entry!r}")
        fields = {k: str(v) for k, v in entry.items() if v is not None and k != "id"}
        out[str(entry["file"])] = DocumentMeta(doc_id=str(entry["id"]), **fields)
    ids = [m.doc_id for m in out.values()]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ManifestError(f"{path}: duplicate ids {sorted(dupes)}")
    return out


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "document"


def default_meta(path: Path, text: str, pdf_title: str | None = None) -> DocumentMeta:
    """Sensible metadata for a file that the manifest does not list."""
    title = (pdf_title or "").strip()
    if not title:
        for line in text.splitlines():
            line = re.sub(r"[*#_]+", "", line).strip()
            if 3 <= len(line) <= 200:
                title = line
                break
    year = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", path.stem)
    return DocumentMeta(
        doc_id=slugify(path.stem),
        file=path.name,
        title=title or path.stem,
        date=year.group(0) if year else "",
        kind="user document",
        in_manifest=False,
    )
