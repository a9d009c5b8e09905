"""Briefs for staff: the evidence on a topic gathered, organised and exported with citations.

A :class:`Brief` holds a title, the date it was generated, its scope (the documents searched),
key points, one section per sub-question and a numbered reference list. Every quotation is a
verbatim sentence of a source, chosen by the answer engine's own sentence scoring
(:class:`~assistant.extractive.SentenceScorer`, :func:`~assistant.extractive.select`) and its
evidence threshold (``settings.refusal_threshold``); no quotation appears twice.

Two ways in: :func:`build_brief` (the CLI: gathers evidence for a topic and its sub-questions)
and :func:`brief_from_answers` (the chat's "Add to brief": answers the user already has).
:func:`to_markdown` and :func:`write_docx` render a :class:`Brief` or a :class:`Comparison`.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from assistant.citations import doc_label
from assistant.models import REFUSAL_PREFIX, Answer, Citation, DocumentMeta
from assistant.textutil import fold, human_date

if TYPE_CHECKING:
    from assistant.engine import Assistant

log = logging.getLogger(__name__)


class SourceDoc(BaseModel):
    """A document of the collection, as the scope of a brief names it."""

    doc_id: str
    title: str
    publisher: str
    date: str = ""
    kind: str = ""
    url: str = ""
    searched: bool = True
    note: str = ""


class Excerpt(BaseModel):
    """One verbatim quotation and where it comes from; ``ref`` numbers it in the references."""

    text: str
    doc_id: str
    chunk_id: str
    title: str
    publisher: str
    date: str
    locator: str
    url: str = ""
    label: str = Field("", description="Who says it: 'the OSCE policy brief (2022)'")
    score: float | None = None
    ref: int = 0


class Reference(BaseModel):
    """A cited passage with full source details (one per passage, numbered in order of use)."""

    number: int
    doc_id: str
    chunk_id: str
    title: str
    publisher: str
    date: str
    kind: str = ""
    url: str = ""
    locator: str
    also_published_in: list[str] = Field(default_factory=list)


class KeyPoint(BaseModel):
    excerpts: list[Excerpt]
    section: int | None = Field(None, description="Number of the section it was drawn from")


class BriefSection(BaseModel):
    number: int
    heading: str
    query: str = Field("", description="What was searched for this section")
    excerpts: list[Excerpt] = Field(default_factory=list)
    note: str = ""


class InstitutionView(BaseModel):
    """What one institution's documents say on the topic, or a plain statement that they don't."""

    institution: str
    publishers: list[str]
    doc_ids: list[str]
    excerpts: list[Excerpt] = Field(default_factory=list)
    best_score: float | None = None
    statement: str = ""


class Comparison(BaseModel):
    topic: str
    title: str
    generated: str
    as_of: str
    documents: list[SourceDoc]
    method: str
    threshold: float
    views: list[InstitutionView]
    references: list[Reference] = Field(default_factory=list)


class Brief(BaseModel):
    title: str
    topic: str
    generated: str
    as_of: str
    documents: list[SourceDoc]
    method: str
    key_points: list[KeyPoint] = Field(default_factory=list)
    sections: list[BriefSection] = Field(default_factory=list)
    comparison: Comparison | None = Field(
        None, description="With --compare: the evidence by institution, in place of key points")
    references: list[Reference] = Field(default_factory=list)

    def excerpts(self) -> list[Excerpt]:
        """Every quotation, in the order the document shows them."""
        out: list[Excerpt] = []
        if self.comparison is not None:
            out += [e for v in self.comparison.views for e in v.excerpts]
        out += [e for k in self.key_points for e in k.excerpts]
        out += [e for s in self.sections for e in s.excerpts]
        return out


# ---- helpers shared with compare.py ---------------------------------------------------------


def now_stamp() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def human_stamp(stamp: str) -> str:
    """'2026-11-25T01:40:12+00:00' -> '25 Nov 2026 at 01:40'."""
    try:
        t = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{human_date(t.date().isoformat())} at {t:%H:%M}"


def source_docs(documents: list[dict[str, Any]], searched: set[str] | None = None) -> list[SourceDoc]:
    """The scope: every document of the collection, marked searched or not (and why not)."""
    titles = {d["doc_id"]: d.get("title", d["doc_id"]) for d in documents}
    out: list[SourceDoc] = []
    for d in sorted(documents, key=lambda x: (str(x.get("publisher", "")), str(x.get("date", "")))):
        note, is_searched = "", True
        if d.get("duplicate_of"):
            is_searched = False
            note = f"republication of “{titles.get(d['duplicate_of'], d['duplicate_of'])}”, searched through it"
        elif not d.get("chunks", 1):
            is_searched, note = False, "no searchable text"
        elif searched is not None and d["doc_id"] not in searched:
            is_searched, note = False, "outside the publishers selected"
        out.append(SourceDoc(doc_id=d["doc_id"], title=d.get("title", d["doc_id"]),
                             publisher=d.get("publisher", ""), date=human_date(str(d.get("date", ""))),
                             kind=d.get("kind", ""), url=d.get("url", ""), searched=is_searched,
                             note=note))
    return out


def collection_as_of(documents: list[dict[str, Any]], indexed: str | None = None) -> str:
    """'the collection indexed on 25 Nov 2026 (newest document dated 15 Feb 2022)'."""
    dates = sorted(str(d.get("date", "")) for d in documents if d.get("date"))
    newest = f"newest document dated {human_date(dates[-1])}" if dates else "no dated documents"
    if indexed:
        return f"the collection as indexed on {human_date(indexed[:10])} ({newest})"
    return f"the collection ({newest})"


def excerpt_from(c: Citation, meta: DocumentMeta | None) -> Excerpt:
    label = c.publisher
    if meta is not None:
        label = doc_label(meta) + (f" ({human_date(meta.date)})" if meta.date else "")
    return Excerpt(text=c.excerpt, doc_id=c.doc_id, chunk_id=c.chunk_id, title=c.title,
                   publisher=c.publisher, date=c.date, locator=c.locator, url=c.url,
                   label=label, score=c.support_score)


def number_references(excerpts: list[Excerpt], documents: list[dict[str, Any]]) -> list[Reference]:
    """Number the cited passages in order of first use and set each excerpt's ``ref``."""
    metas = {d["doc_id"]: d for d in documents}
    refs: dict[str, Reference] = {}
    for e in excerpts:
        ref = refs.get(e.chunk_id)
        if ref is None:
            d = metas.get(e.doc_id, {})
            also = [", ".join(x for x in (p.get("publisher", ""), human_date(p.get("date", "")),
                                          p.get("url", "")) if x)
                    for p in d.get("also_published_in") or []]
            ref = Reference(number=len(refs) + 1, doc_id=e.doc_id, chunk_id=e.chunk_id,
                            title=e.title, publisher=e.publisher, date=e.date,
                            kind=d.get("kind", ""), url=e.url or d.get("url", ""),
                            locator=e.locator, also_published_in=also)
            refs[e.chunk_id] = ref
        e.ref = ref.number
    return list(refs.values())


class _Seen:
    """Quotations already placed: the same text (or one containing it) is not quoted again."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def has(self, text: str) -> bool:
        f = fold(text)
        return any(f in t or t in f for t in self.texts)

    def add(self, text: str) -> None:
        self.texts.append(fold(text))


# ---- assembly --------------------------------------------------------------------------------


def _meta(documents: list[dict[str, Any]], doc_id: str) -> DocumentMeta | None:
    for d in documents:
        if d.get("doc_id") == doc_id:
            return DocumentMeta(**{k: v for k, v in d.items() if k != "chunks"})
    return None


def _key_points(excerpts: list[Excerpt], section: int | None = None) -> list[KeyPoint]:
    """One key point per quoted passage (sentences of the same passage are quoted together)."""
    points: dict[str, KeyPoint] = {}
    for e in excerpts:
        points.setdefault(e.chunk_id, KeyPoint(excerpts=[], section=section)).excerpts.append(e)
    return list(points.values())


def assemble(sections_in: list[tuple[str, str, list[Citation], str]], title: str, topic: str,
             documents: list[dict[str, Any]], as_of: str, method: str,
             key_cites: list[Citation] | None = None, comparison: Comparison | None = None,
             searched: set[str] | None = None) -> Brief:
    """A brief from sections (heading, query, citations, note). Key points: ``key_cites`` when
    given, else the best quotation of each section (moved there); a comparison takes the key
    points' place. No quotation appears twice: a repeat is dropped where it comes again."""
    seen = _Seen()
    if comparison is not None:
        for v in comparison.views:
            for e in v.excerpts:
                seen.add(e.text)

    def fresh(cites: list[Citation]) -> list[Excerpt]:
        out: list[Excerpt] = []
        for c in cites:
            if c.excerpt and c.supported and not seen.has(c.excerpt):
                seen.add(c.excerpt)
                out.append(excerpt_from(c, _meta(documents, c.doc_id)))
        return out

    key_points = _key_points(fresh(key_cites or [])) if comparison is None else []
    promote = key_cites is None and comparison is None
    sections: list[BriefSection] = []
    for heading, query, cites, note in sections_in:
        excerpts = fresh(cites)
        n = len(sections) + 1
        if cites and not excerpts and not note:
            note = "Its evidence is already quoted above."
        if excerpts and promote:
            best = max(range(len(excerpts)), key=lambda i: excerpts[i].score or 0.0)
            key_points += _key_points([excerpts.pop(best)], section=n)
            if not excerpts:
                note = note or f"Its evidence is key point {len(key_points)} above."
        sections.append(BriefSection(number=n, heading=heading, query=query,
                                     excerpts=excerpts, note=note))
    brief = Brief(title=title, topic=topic, generated=now_stamp(), as_of=as_of,
                  documents=source_docs(documents, searched), method=method,
                  key_points=key_points, sections=sections, comparison=comparison)
    brief.references = number_references(brief.excerpts(), documents)
    if comparison is not None:
        comparison.references = brief.references
    return brief


def refusal_note(answer: Answer) -> str:
    reason = answer.refusal_reason or "no passage meets the evidence threshold"
    return f"{REFUSAL_PREFIX}: {reason}."


def brief_from_answers(answers: list[Answer], title: str, documents: list[dict[str, Any]],
                       as_of: str | None = None) -> Brief:
    """A brief from answers the user collected in the chat (``documents`` = Assistant.corpus()).

    Each answer becomes a section; the best quotation of each becomes a key point; a refused
    answer keeps its section with the refusal, and its closest material is not quoted."""
    sections_in = [(a.question, "" if fold(a.standalone_question) == fold(a.question) else a.standalone_question,
                    [] if a.refused else list(a.citations), refusal_note(a) if a.refused else "")
                   for a in answers]
    method = ("Sections are the questions asked in the chat, in the order they were added; the "
              "key points are the strongest quotation of each answer.")
    return assemble(sections_in, title, title, documents, as_of or collection_as_of(documents),
                    method)


# ---- the public API (gathering lives in compare.py, rendering in brief_markdown/brief_docx) ---


def build_brief(assistant: Assistant, topic: str, questions: list[str] | None = None,
                publishers: list[str] | None = None, compare_institutions: bool = False) -> Brief:
    """Gather, organise and cite the evidence on ``topic``.

    Key points: the sentences the answer engine picks for the topic itself (with
    ``compare_institutions``: the evidence by institution instead). Sections: the user's
    ``questions`` when given, each answered on its own; else sub-questions an LLM proposes (only
    when one is configured); else facets of the topic built from the section headings and key
    phrases of its evidence. A generated section only quotes sentences that meet the evidence
    threshold for the topic itself, and only ones not quoted already."""
    from assistant.compare import (
        Evidence,
        compare_with,
        facets,
        llm_subquestions,
        topic_evidence,
    )

    topic = assistant.validate(topic)
    ev = Evidence(assistant, publishers)
    documents = assistant.corpus()
    comparison = compare_with(ev, topic, publishers) if compare_institutions else None
    relevant = topic_evidence(ev, topic)
    key_cites = ev.take(ev.pick(relevant)) if comparison is None else None
    none_found = f"{REFUSAL_PREFIX}: no passage meets the evidence threshold."
    sections_in: list[tuple[str, str, list[Citation], str]] = []
    if questions:
        for q in (assistant.validate(q) for q in questions):
            cites = ev.take(ev.find(q))
            sections_in.append((q, "", cites, "" if cites else none_found))
        method = "The sections answer the sub-questions the user supplied, each on its own."
    else:
        proposed = llm_subquestions(assistant, topic)
        within = {s.row for s in relevant}
        subqs = [(q, None) for q in proposed] if proposed else facets(topic, relevant)
        for heading, group in subqs:  # picked one after another: each skips what is quoted
            picked = ev.find(heading, within) if group is None else ev.gather(group)
            if picked and len(sections_in) < ev.max_sections:
                sections_in.append((heading, "", ev.take(picked), ""))
        method = ("The sections are sub-questions proposed by the configured language model"
                  if proposed else "The sections are facets of the topic: the section headings "
                  "and key phrases of the documents where its evidence sits")
        method += "; they quote only sentences that meet the evidence threshold for the topic."
    method += (" Every quotation is a verbatim sentence chosen with the answer engine's scoring "
               f"(evidence threshold {ev.threshold:.2f}); none is quoted twice.")
    title = topic[:1].upper() + topic[1:]
    return assemble(sections_in, title, topic, documents,
                    collection_as_of(documents, assistant.store.manifest.get("created")),
                    method, key_cites, comparison, ev.searched_docs())


def compare(assistant: Assistant, topic: str, publishers: list[str] | None = None) -> Comparison:
    """What each institution in the collection says on ``topic``, side by side."""
    from assistant.compare import Evidence, compare_with

    topic = assistant.validate(topic)
    return compare_with(Evidence(assistant, publishers), topic, publishers)


def to_markdown(doc: Brief | Comparison) -> str:
    from assistant.brief_markdown import render_markdown

    return render_markdown(doc)


def write_docx(doc: Brief | Comparison, path: Path) -> Path:
    from assistant.brief_docx import render_docx

    return render_docx(doc, Path(path))
