"""Word (DOCX) rendering of a :class:`~assistant.briefs.build.Brief` or :class:`~assistant.briefs.build.Comparison`.

Built with python-docx's default template and only its built-in styles (Title, Heading 1-2,
Quote, Intense Quote, List Bullet), so the file opens in Word without a repair prompt and stays
editable. Citation numbers are internal hyperlinks to bookmarks on the numbered references.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from assistant.briefs.markdown import kind_text
from assistant.briefs.model import (
    Brief,
    Comparison,
    Excerpt,
    InstitutionView,
    Reference,
    SourceDoc,
    human_stamp,
)
from assistant.briefs.sources import scope_sentence

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LINK = RGBColor(0x05, 0x63, 0xC1)
GREY = RGBColor(0x59, 0x59, 0x59)


def _x(text: str) -> str:
    """Text safe for XML (control characters dropped)."""
    return _NOT_XML.sub("", text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class _Writer:
    def __init__(self) -> None:
        self.doc: DocxDocument = Document()
        self._ids = 0
        footer = self.doc.sections[0].footer.paragraphs[0]
        footer.add_run("Page ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        t = OxmlElement("w:t")
        t.text = "1"
        run.append(t)
        field.append(run)
        footer._p.append(field)

    def para(self, text: str = "", style: str | None = None, size: float | None = None,
             italic: bool = False, bold: bool = False, color: RGBColor | None = None) -> Paragraph:
        p = self.doc.add_paragraph(style=style)
        if text:
            self.run(p, text, size, italic, bold, color)
        return p

    def run(self, p: Paragraph, text: str, size: float | None = None, italic: bool = False,
            bold: bool = False, color: RGBColor | None = None) -> Run:
        r = p.add_run(_x(text))
        if size:
            r.font.size = Pt(size)
        if italic:
            r.italic = True
        if bold:
            r.bold = True
        if color is not None:
            r.font.color.rgb = color
        return r

    def _link(self, p: Paragraph, text: str, *, anchor: str | None = None,
              url: str | None = None) -> None:
        link = OxmlElement("w:hyperlink")
        if anchor:
            link.set(qn("w:anchor"), anchor)
        if url:
            link.set(qn("r:id"), p.part.relate_to(url, RT.HYPERLINK, is_external=True))
        link.set(qn("w:history"), "1")
        r_el = OxmlElement("w:r")
        link.append(r_el)
        p._p.append(link)
        r = Run(r_el, p)
        r.text = _x(text)
        r.font.color.rgb = LINK
        r.font.underline = True

    def cite(self, p: Paragraph, ref: int) -> None:
        self._link(p, f"[{ref}]", anchor=f"ref_{ref}")

    def bookmark(self, p: Paragraph, name: str) -> None:
        """Bookmark the whole paragraph (the target of the citation links)."""
        self._ids += 1
        start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
        start.set(qn("w:id"), str(self._ids))
        start.set(qn("w:name"), name)
        end.set(qn("w:id"), str(self._ids))
        ppr = p._p.pPr
        if ppr is not None:
            ppr.addnext(start)
        else:
            p._p.insert(0, start)
        p._p.append(end)

    def quote(self, e: Excerpt, intense: bool = False, attribution: bool = True) -> None:
        p = self.para(style="Intense Quote" if intense else "Quote")
        self.run(p, f"“{e.text}” ")
        self.cite(p, e.ref)
        if attribution:
            p.paragraph_format.left_indent = Pt(18)
            p.paragraph_format.space_after = Pt(2)
            p.paragraph_format.keep_with_next = True
            a = self.para(f"— {_cap(e.label)}, {e.locator}", size=9, color=GREY)
            a.paragraph_format.left_indent = Pt(18)
            a.paragraph_format.space_after = Pt(10)

    def scope(self, docs: list[SourceDoc], as_of: str, method: str) -> None:
        self.doc.add_heading("Scope", level=1)
        searched = [d for d in docs if d.searched]
        self.para(scope_sentence(docs, as_of))
        for d in searched:
            p = self.para(style="List Bullet")
            self.run(p, d.title, italic=True)
            self.run(p, f" — {d.publisher}{', ' + d.date if d.date else ''} ({kind_text(d.kind)})")
        others = [d for d in docs if not d.searched]
        if others:
            self.para("Not searched separately:")
            for d in others:
                p = self.para(style="List Bullet")
                self.run(p, d.title, italic=True)
                self.run(p, f" — {d.publisher}: {d.note}")
        p = self.para()
        self.run(p, "Method. ", bold=True)
        self.run(p, method)

    def views(self, views: list[InstitutionView], docs: list[SourceDoc], threshold: float,
              level: int) -> None:
        table = self.doc.add_table(rows=1, cols=4)
        table.style = "Light List Accent 1"
        for cell, text in zip(table.rows[0].cells, ("Institution", "Documents searched",
                                                    "Sentences quoted", "Best sentence score"),
                              strict=True):
            cell.text = text
        for v in views:
            cells = table.add_row().cells
            cells[0].text = _x(v.institution)
            cells[1].text = str(len(v.doc_ids))
            cells[2].text = str(len(v.excerpts)) if v.excerpts else "none (says nothing on this)"
            cells[3].text = f"{v.best_score:.2f}" if v.best_score is not None else "–"
        titles = {d.doc_id: f"{d.title} ({d.date})" if d.date else d.title for d in docs}
        for v in views:
            self.doc.add_heading(_x(v.institution), level=level)
            self.para("Documents searched: " + "; ".join(titles.get(i, i) for i in v.doc_ids),
                      size=9, italic=True, color=GREY)
            for e in v.excerpts:
                self.quote(e)
            if not v.excerpts:
                p = self.para()
                self.run(p, v.statement, bold=True)
                if v.best_score is not None:
                    self.run(p, f" Its closest sentence scores {v.best_score:.2f}, below the "
                                f"evidence threshold of {threshold:.2f}.")

    def references(self, refs: list[Reference]) -> None:
        self.doc.add_heading("References", level=1)
        if not refs:
            self.para("No passage is quoted.")
        for r in refs:
            p = self.para()
            p.paragraph_format.left_indent = Pt(24)
            p.paragraph_format.first_line_indent = Pt(-24)
            self.bookmark(p, f"ref_{r.number}")
            self.run(p, f"[{r.number}]\t", bold=True)
            self.run(p, f"{r.publisher}. ")
            self.run(p, r.title, italic=True)
            kind = kind_text(r.kind)
            self.run(p, f". {_cap(kind) + ', ' if kind else ''}{r.date or 'undated'}. {r.locator}. ")
            if r.url:
                self._link(p, r.url, url=r.url)
                self.run(p, ". ")
            else:
                self.run(p, "No URL recorded in the collection. ")
            for a in r.also_published_in:
                self.run(p, f"Also published by {a}. ")
            self.run(p, f"Document ID: {r.doc_id}.", size=9, color=GREY)


def write_docx(doc: Brief | Comparison, path: Path) -> Path:
    w = _Writer()
    kind = "Brief" if isinstance(doc, Brief) else "Comparison"
    props = w.doc.core_properties
    props.title, props.subject, props.author = _x(doc.title), _x(doc.topic), "policy-assistant"
    props.comments = _x(doc.method)[:255]
    with contextlib.suppress(ValueError):
        props.created = datetime.fromisoformat(doc.generated)
    w.doc.add_heading(_x(doc.title), level=0)
    w.para(f"{kind} generated {human_stamp(doc.generated)} by policy-assistant. Every quotation "
           "is verbatim text of its source; numbers in brackets link to the references.",
           style="Subtitle")
    w.scope(doc.documents, doc.as_of, doc.method)
    if isinstance(doc, Comparison):
        w.doc.add_heading("What each institution says", level=1)
        w.views(doc.views, doc.documents, doc.threshold, level=2)
    else:
        if doc.comparison is not None:
            w.doc.add_heading("Key points by institution", level=1)
            w.para(doc.comparison.method, size=9, italic=True, color=GREY)
            w.views(doc.comparison.views, doc.documents, doc.comparison.threshold, level=2)
        else:
            w.doc.add_heading("Key points", level=1)
            if not doc.key_points:
                w.para("No passage in the collection meets the evidence threshold for this topic.")
            for n, k in enumerate(doc.key_points, start=1):
                lead = f"{n}. {_cap(k.excerpts[0].label)}"
                where = f" (section {k.section})" if k.section else ""
                p = w.para(lead, bold=True)
                w.run(p, f"{where} — {k.excerpts[0].locator}", size=9, color=GREY)
                p.paragraph_format.keep_with_next = True
                for e in k.excerpts:
                    w.quote(e, intense=True, attribution=False)
        for s in doc.sections:
            w.doc.add_heading(_x(f"{s.number}. {s.heading}"), level=1)
            if s.query:
                w.para(f"Searched for: {s.query}", size=9, italic=True, color=GREY)
            for e in s.excerpts:
                w.quote(e)
            if s.note:
                w.para(s.note, italic=True)
    w.references(doc.references)
    path.parent.mkdir(parents=True, exist_ok=True)
    w.doc.save(str(path))
    return path
