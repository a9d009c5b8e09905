"""Stage 1 — load: read a file (txt, md, html, pdf) into raw text with page positions."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from ingest.decode import decode_text

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf"}


class LoadError(Exception):
    """A file that cannot be ingested; the message is the one line shown to the user."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class RawDocument:
    path: Path
    text: str
    sha256: str
    kind: str  # "text" | "html" | "pdf"
    pages: list[tuple[int, int, str]] = field(default_factory=list)  # (offset, page no, label)
    pdf_title: str | None = None
    warnings: list[str] = field(default_factory=list)


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _HTMLText(HTMLParser):
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
             "article", "header", "footer", "blockquote", "pre", "ul", "ol", "table"}
    SKIP = {"script", "style", "noscript", "template", "svg", "nav"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.title: str | None = None
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
        if tag in ("h1", "h2", "h3", "h4") and not self.skip:
            self.parts.append("# ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = (self.title or "") + data
        elif not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


class _PdfMessages(logging.Handler):
    """pypdf's own warnings ("invalid pdf header", "EOF marker not found"), captured while one
    file loads so they land on that file's summary line instead of a bare stderr line."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.add(record.getMessage())

    def add(self, message: str) -> None:
        line = " ".join(message.split())
        if line and line not in self.messages:
            self.messages.append(line)

    def note(self) -> str:
        shown = self.messages[:4] + ([f"{len(self.messages) - 4} more"] if len(self.messages) > 4 else [])
        return f"pypdf: {'; '.join(shown)}" if shown else ""


@contextlib.contextmanager
def _pdf_messages() -> Iterator[_PdfMessages]:
    handler, logger = _PdfMessages(), logging.getLogger("pypdf")
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield handler
        for w in caught:
            handler.add(str(w.message))
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _read_pdf(path: Path, raw: RawDocument) -> list[str]:
    from pypdf import PdfReader

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:
                raise LoadError(path, f"encrypted PDF, cannot decrypt ({exc})") from exc
            if not ok:
                raise LoadError(path, "encrypted PDF: a password is required; save an unlocked copy")
        labels = list(reader.page_labels)
        texts: list[str] = []
        offset = 0
        for i, page in enumerate(reader.pages):
            t = (page.extract_text() or "").replace("\x00", "")
            raw.pages.append((offset, i + 1, labels[i] if i < len(labels) else str(i + 1)))
            texts.append(t)
            offset += len(t) + 2
        meta = reader.metadata
        raw.pdf_title = str(meta.title) if meta is not None and meta.title else None
    except LoadError:
        raise
    except Exception as exc:  # a damaged PDF can make pypdf raise almost anything
        raise LoadError(path, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    return texts


def _blank_pages(path: Path, texts: list[str]) -> str | None:
    """One line for the pages that give no text, or None when every page has some."""
    blank = [i + 1 for i, t in enumerate(texts) if not t.strip()]
    if not blank or len(blank) == len(texts):
        return None
    listed = ", ".join(map(str, blank[:10])) + (", …" if len(blank) > 10 else "")
    return (f"{path.name}: {len(blank)} of {len(texts)} pages have no text layer (scanned?): "
            f"page{'s' if len(blank) > 1 else ''} {listed}")


def _load_pdf(path: Path, raw: RawDocument) -> None:
    with _pdf_messages() as said:
        try:
            texts = _read_pdf(path, raw)
        except LoadError as exc:
            if said.messages:
                exc.reason += f"; {said.note()}"
            raise
    raw.text = "\n\n".join(texts)
    if not raw.text.strip():
        reason = "PDF has no text layer (scanned image?); run OCR on it first"
        raise LoadError(path, reason + (f"; {said.note()}" if said.messages else ""))
    blank = _blank_pages(path, texts)
    if blank:
        raw.warnings.append(blank)
    if said.messages:
        raw.warnings.append(f"{path.name}: {said.note()}")


def load_file(path: Path, max_bytes: int) -> RawDocument:
    """Read one file; raises :class:`LoadError` with a one-line reason for anything unusable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise LoadError(path, f"unsupported file type '{suffix or '(none)'}' (use .txt, .md, .html or .pdf)")
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(path, f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    if size == 0:
        raise LoadError(path, "empty file")
    raw = RawDocument(path=path, text="", sha256=file_sha256(path), kind="text")
    if suffix == ".pdf":
        raw.kind = "pdf"
        _load_pdf(path, raw)
        return raw
    decoded = decode_text(path.read_bytes(), path.name, raw.warnings)
    if decoded is None:
        raise LoadError(path, "binary content, not text (is the extension wrong?)")
    text = decoded.replace("\r\n", "\n").replace("\r", "\n")
    if suffix in (".html", ".htm"):
        parser = _HTMLText()
        parser.feed(text)
        raw.kind = "html"
        raw.pdf_title = (parser.title or "").strip() or None
        text = re.sub(r"\n[ \t]+", "\n", "".join(parser.parts))
        text = re.sub(r"\n{3,}", "\n\n", text)
    if not text.strip():
        raise LoadError(path, "no text in file (only white space or markup)")
    raw.text = text
    return raw
