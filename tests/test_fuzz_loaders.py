"""Fuzzing the loaders: mangled PDFs, random bytes and hostile text.

The only allowed outcomes of ``ingest.load.load_file`` are a RawDocument or a clean
``ingest.load.LoadError``; whatever it returns must then go through cleaning and chunking
(``ingest.clean.clean_text``, ``paragraphs_of``, ``chunk_document``) without an exception.
Bounded: a fixed number of examples per test (150, the same ones every run, so CI is
reproducible), no example database, a per-test timeout. To explore further, set
``PA_FUZZ_EXAMPLES=2000``: that many examples, freshly random each run.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from ingest.chunk import chunk_document, paragraphs_of
from ingest.clean import clean_text
from ingest.documents import DocumentMeta
from ingest.load import LoadError, RawDocument, load_file
from tests.pdfgen import make_pdf

pytestmark = pytest.mark.timeout(600)
MAX_BYTES = 5_000_000
EXPLORE = os.environ.get("PA_FUZZ_EXAMPLES")
FUZZ = settings(max_examples=int(EXPLORE or 150), deadline=None, database=None,
                derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LINES = [
    "Technology-facilitated trafficking requires a coordinated response by states.",
    "Online platforms are used to recruit victims through fake job offers.",
    "Investigators need access to electronic evidence held by service providers abroad.",
]


def _base_pdfs(tmp: Path) -> list[bytes]:
    """A plain PDF (uncompressed content) and the same with Flate-compressed streams."""
    plain = make_pdf(tmp / "plain.pdf", [LINES, ["Second page", LINES[0]]]).read_bytes()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    for page in writer.pages:
        page.compress_content_streams()
    writer.add_metadata({"/Title": "Fuzz base"})
    buf = io.BytesIO()
    writer.write(buf)
    return [plain, buf.getvalue()]


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def base_pdfs(fuzz_dir: Path) -> list[bytes]:
    bases = _base_pdfs(fuzz_dir)
    for i, b in enumerate(bases):  # the seeds themselves are good PDFs
        p = fuzz_dir / f"seed{i}.pdf"
        p.write_bytes(b)
        assert "coordinated response" in load_file(p, MAX_BYTES).text
    return bases


PDF_TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"xref", b"trailer", b"startxref",
              b"/Length", b"/Count", b"/Kids", b"/Parent", b"/Filter", b"/FlateDecode", b"/Root",
              b"/Pages", b"/Contents", b"/Font", b"<<", b">>", b"[", b"]", b"(", b")", b"R", b"0",
              b"1", b"-1", b"99999999999", b"%%EOF", b"Tj", b"BT", b"ET", b"/Encrypt", b"\\"]


@st.composite
def mangled(draw: st.DrawFn, bases: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        op = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate", "token",
                                   "swap_token", "nest"]))
        pos = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=32))
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 64))]
        elif op == "truncate":
            del data[pos:]
        elif op == "duplicate":
            n = draw(st.integers(1, 200))
            data[pos:pos] = data[pos : pos + n]
        elif op == "token":
            data[pos:pos] = b" " + draw(st.sampled_from(PDF_TOKENS)) + b" "
        elif op == "swap_token":
            tok = draw(st.sampled_from(PDF_TOKENS))
            at = data.find(tok)
            if at >= 0:
                data[at : at + len(tok)] = draw(st.sampled_from(PDF_TOKENS))
        else:  # deep nesting of arrays or dictionaries
            depth = draw(st.integers(50, 3000))
            opener = draw(st.sampled_from([b"[", b"<<"]))
            data[pos:pos] = opener * depth
    return bytes(data)


def _pipeline(raw: RawDocument) -> None:
    """Cleaning and chunking of whatever the loader accepted must not raise."""
    cleaned = clean_text(raw.text)
    assert isinstance(cleaned.text, str)
    assert len(cleaned.origin) == len(cleaned.text)
    meta = DocumentMeta(doc_id="fuzz", file=raw.path.name, title="Fuzz")
    paras = paragraphs_of(cleaned.text, cleaned.blocks, meta.title)
    for c in chunk_document(meta, cleaned.text, paras, 90, 150, cleaned.origin, raw.pages):
        assert c.text == cleaned.text[c.start : c.end]


def _load(path: Path) -> RawDocument | None:
    try:
        raw = load_file(path, MAX_BYTES)
    except LoadError as exc:
        assert exc.reason and isinstance(exc.reason, str)
        return None
    assert raw.text.strip()
    return raw


def test_mangled_pdfs_load_or_fail_cleanly(fuzz_dir: Path, base_pdfs: list[bytes]) -> None:
    @FUZZ
    @given(data=mangled(base_pdfs))
    def run(data: bytes) -> None:
        path = fuzz_dir / "mangled.pdf"
        path.write_bytes(data)
        raw = _load(path)
        if raw is not None:
            _pipeline(raw)

    run()


def test_random_bytes_named_pdf(fuzz_dir: Path) -> None:
    @FUZZ
    @given(data=st.one_of(st.binary(min_size=1, max_size=2000),
                          st.binary(max_size=500).map(lambda b: b"%PDF-1.7\n" + b)))
    def run(data: bytes) -> None:
        path = fuzz_dir / "random.pdf"
        path.write_bytes(data)
        raw = _load(path)
        if raw is not None:
            _pipeline(raw)

    run()


TEXT_SUFFIXES = [".txt", ".md", ".markdown", ".html", ".htm"]


def test_random_bytes_as_text_files(fuzz_dir: Path) -> None:
    @FUZZ
    @given(data=st.binary(min_size=1, max_size=4000), suffix=st.sampled_from(TEXT_SUFFIXES))
    def run(data: bytes, suffix: str) -> None:
        path = fuzz_dir / f"random{suffix}"
        path.write_bytes(data)
        raw = _load(path)
        if raw is not None:
            _pipeline(raw)

    run()


FRAGMENTS = [
    "# Introduction", "## 2. Recommendations", "Related articles", "Read More", "Share this:",
    "1 See the OSCE report, p. 4.", "12 “Footnote with quotes”", "- a list item", "• bullet", "(a) item",
    "traf-", "ficking", "anti-trafficking", "co-", "operation", "e.g.", "U.S.", "Dr.", "No.",
    "https://example.org/a?b=c", "[link](https://example.org)", "<https://x.y>", "**bold", "**",
    "<p>", "</p>", "<script>alert(1)", "<!--", "-->", "&#xFFFFFFFF;", "&#0;", "&amp;", "&nbsp;",
    "\u00a0\u00a0", "\u200b", "\u202e", "\ufeff", "\x0c", "\r", "\t", "  ", "", "", "",
    "Ⅷ", "ﬁnancial", "😀", "مرحبا", "日本語の文章。", "İstanbul", "ß", "\u0301",
    "Sunny 21°C", "Vienna", "15 February 2022", "post", "page", "nav_menu_item", "wp_template",
    "A" * 300, "word " * 200, ".", "?", "!", "...", "—", "–", "\\",
]


@st.composite
def hostile_text(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 60))):
        parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS + LINES), st.text(max_size=40)),
                              min_size=0, max_size=6))
        lines.append(" ".join(parts) if draw(st.booleans()) else "".join(parts))
    return "\n".join(lines)


def test_hostile_text_files(fuzz_dir: Path) -> None:
    @FUZZ
    @given(text=hostile_text(), suffix=st.sampled_from(TEXT_SUFFIXES),
           encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252"]))
    def run(text: str, suffix: str, encoding: str) -> None:
        path = fuzz_dir / f"hostile{suffix}"
        path.write_bytes(text.encode(encoding, errors="replace"))
        if path.stat().st_size == 0:
            return
        raw = _load(path)
        if raw is not None:
            _pipeline(raw)

    run()


def test_clean_text_on_arbitrary_strings() -> None:
    @FUZZ
    @given(text=st.one_of(hostile_text(), st.text(max_size=3000)),
           vocabulary=st.sets(st.tuples(st.sampled_from(["traf", "co", "anti", "ficking"]),
                                        st.sampled_from(["ficking", "operation", "trafficking"]))))
    def run(text: str, vocabulary: set[tuple[str, str]]) -> None:
        cleaned = clean_text(text, vocabulary)
        assert len(cleaned.origin) == len(cleaned.text)
        for start, end, _kind in cleaned.blocks:
            assert 0 <= start <= end <= len(cleaned.text)

    run()


# ---- regressions found by this fuzzer (see the report of issue 7) --------------------------
# pypdf raises NotImplementedError for an unknown /Filter and LimitReachedError (a PyPdfError,
# not a PdfReadError) for self-referencing objects; _load_pdf lets both escape, and then
# run_ingest aborted the whole ingest instead of skipping the one file; _load_pdf now turns
# any pypdf failure into a LoadError.
def _regressions(base_pdfs: list[bytes]) -> dict[str, bytes]:
    plain, compressed = base_pdfs
    m = re.search(rb"4 0 obj\n<< /Length (\d+) >>", plain)
    assert m is not None
    return {
        "unknown-filter": compressed.replace(b"/FlateDecode", b"/BogusDecode"),
        "self-referencing-length": plain.replace(m.group(0), b"4 0 obj\n<< /Length 4 0 R >>"),
    }


@pytest.mark.parametrize("name", ["unknown-filter", "self-referencing-length"])
def test_pdf_regressions_are_load_errors(fuzz_dir: Path, base_pdfs: list[bytes], name: str) -> None:
    path = fuzz_dir / f"{name}.pdf"
    path.write_bytes(_regressions(base_pdfs)[name])
    with pytest.raises(LoadError, match="corrupt or unreadable PDF"):
        load_file(path, MAX_BYTES)
