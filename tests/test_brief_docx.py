"""The DOCX export: built-in styles, working citation links, a valid package, and a rendering
by LibreOffice (headless) whose pages and text are checked with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree

from assistant.briefs import Brief, Comparison, build_brief, compare, write_docx
from tests.test_brief import all_excerpts


@pytest.fixture(scope="module")
def docs(assistant: Any) -> dict[str, Brief | Comparison]:
    return {
        "brief": build_brief(assistant, "platform liability"),
        "compare": compare(assistant, "age verification"),
        "brief_compare": build_brief(assistant, "self-regulation versus State regulation",
                                     compare_institutions=True),
    }


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def _squash(text: str) -> str:
    """Words only: pdftotext drops the hyphen of a compound broken at a line end."""
    return re.sub(r"[\s\-]+", "", _norm(text))


def check_package(path: Path) -> None:
    """Every XML part parses; bookmarks are unique and every internal link has its target."""
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(z.read(name))
    body = docx.Document(str(path)).element.body
    names = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    ids = [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkStart"))]
    ends = [b.get(qn("w:id")) for b in body.iter(qn("w:bookmarkEnd"))]
    assert len(set(names)) == len(names) and len(set(ids)) == len(ids) and sorted(ends) == sorted(ids)
    anchors = {h.get(qn("w:anchor")) for h in body.iter(qn("w:hyperlink")) if h.get(qn("w:anchor"))}
    assert anchors <= set(names)


@pytest.mark.parametrize("name", ["brief", "compare", "brief_compare"])
def test_docx_structure(docs: dict[str, Brief | Comparison], name: str, tmp_path: Path) -> None:
    doc = docs[name]
    path = write_docx(doc, tmp_path / f"{name}.docx")
    check_package(path)
    d = docx.Document(str(path))
    assert d.core_properties.title == doc.title
    paras = d.paragraphs
    assert paras[0].style.name == "Title" and paras[0].text == doc.title
    h1 = [p.text for p in paras if p.style.name == "Heading 1"]
    assert h1[0] == "Scope" and h1[-1] == "References"
    if isinstance(doc, Brief):
        assert ("Key points by institution" if doc.comparison else "Key points") in h1
        for s in doc.sections:
            assert f"{s.number}. {s.heading}" in h1
    quotes = [p.text for p in paras if p.style.name in ("Quote", "Intense Quote")]
    for e in all_excerpts(doc):
        assert sum(f"“{e.text}” [{e.ref}]" == q for q in quotes) == 1, e.text
    # references: one bookmarked paragraph each, the citation links point at them
    body = d.element.body
    marks = [b.get(qn("w:name")) for b in body.iter(qn("w:bookmarkStart"))]
    assert marks == [f"ref_{r.number}" for r in doc.references]
    ref_paras = [p.text for p in paras if re.match(r"\[\d+\]\t", p.text)]
    assert len(ref_paras) == len(doc.references)
    for r, text in zip(doc.references, ref_paras, strict=True):
        assert text.startswith(f"[{r.number}]\t") and r.title in text and r.locator in text
        assert r.publisher in text and (r.url in text if r.url else "No URL recorded" in text)
    if isinstance(doc, Comparison) or (isinstance(doc, Brief) and doc.comparison):
        assert len(d.tables) == 1
        table_text = [c.text for row in d.tables[0].rows for c in row.cells]
        assert "Institution" in table_text and "OSCE" in table_text


def test_docx_external_links(assistant: Any, tmp_path: Path) -> None:
    """A source with a URL gets a real hyperlink (the OSCE press release has one)."""
    b = build_brief(assistant, "the OSCE study launch event",
                    questions=["What did the OSCE Secretary General say at the launch event?"])
    urls = [r.url for r in b.references if r.url]
    assert urls, "the press release is cited"
    path = write_docx(b, tmp_path / "links.docx")
    d = docx.Document(str(path))
    targets = {rel.target_ref for rel in d.part.rels.values() if rel.is_external}
    assert set(urls) <= targets


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.skip("LibreOffice (soffice) not found on PATH: cannot render the DOCX to PDF")
    return exe


def _pdf_text(pdf: Path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
    from pypdf import PdfReader

    return "\n\f".join(p.extract_text() or "" for p in PdfReader(str(pdf)).pages)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["brief", "compare"])
def test_docx_renders_in_libreoffice(docs: dict[str, Brief | Comparison], name: str,
                                     tmp_path: Path) -> None:
    exe = _soffice()
    doc = docs[name]
    path = write_docx(doc, tmp_path / f"{name}.docx")
    profile = (tmp_path / "lo-profile").as_uri()
    proc = subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation={profile}",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=300)
    pdf = tmp_path / f"{name}.pdf"
    assert proc.returncode == 0 and pdf.exists(), proc.stdout + proc.stderr
    from pypdf import PdfReader

    pages = len(PdfReader(str(pdf)).pages)
    assert 1 <= pages <= 12
    raw = _pdf_text(pdf)
    text = _norm(re.sub(r"(?m)^Page \d+\s*$", " ", raw))  # drop the page-number footers
    assert text.startswith(_norm(doc.title))
    assert "Scope" in text and "References" in text
    for e in all_excerpts(doc):
        assert _squash(f"“{e.text}” [{e.ref}]") in _squash(text), e.text
    for r in doc.references:
        assert _norm(f"[{r.number}] {r.publisher}.") in text
    if isinstance(doc, Comparison):
        for v in doc.views:
            assert _norm(v.statement) in text if v.statement else True
