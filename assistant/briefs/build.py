"""Briefs for staff: the evidence on a topic gathered, organised and cited.

Two ways in: :func:`build_brief` (the CLI: gathers evidence for a topic and its sub-questions)
and :func:`brief_from_answers` (the chat's "Add to brief": answers the user already has).
Every quotation is a verbatim sentence of a source; no quotation appears twice.
"""

from __future__ import annotations

from typing import Any

from assistant.briefs.compare import compare_with
from assistant.briefs.evidence import Evidence
from assistant.briefs.facets import facets, llm_subquestions, topic_evidence
from assistant.briefs.model import Brief, BriefSection, Comparison, Excerpt, KeyPoint, now_stamp
from assistant.briefs.sources import (
    Seen,
    collection_as_of,
    excerpt_from,
    number_references,
    source_docs,
)
from assistant.core.enums import CitationRole
from assistant.core.models import REFUSAL_PREFIX, Answer, Citation
from assistant.engine import Assistant
from ingest.documents import DocumentMeta
from ingest.text import fold


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
    seen = Seen()
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
    answer keeps its section with the refusal, and its closest material is not quoted, nor is
    what an answer cites as only the closest a silent institution comes, or a catalogue
    answer's documents."""
    sections_in = [(a.question, "" if fold(a.standalone_question) == fold(a.question) else a.standalone_question,
                    [] if a.refused else [c for c in a.citations
                                          if c.role is CitationRole.EVIDENCE],
                    refusal_note(a) if a.refused else "")
                   for a in answers]
    method = ("Sections are the questions asked in the chat, in the order they were added; the "
              "key points are the strongest quotation of each answer.")
    return assemble(sections_in, title, title, documents, as_of or collection_as_of(documents),
                    method)


def build_brief(assistant: Assistant, topic: str, questions: list[str] | None = None,
                publishers: list[str] | None = None, compare_institutions: bool = False) -> Brief:
    """Gather, organise and cite the evidence on ``topic``.

    Key points: the sentences the answer engine picks for the topic itself (with
    ``compare_institutions``: the evidence by institution instead). Sections: the user's
    ``questions`` when given, each answered on its own; else sub-questions an LLM proposes (only
    when one is configured); else facets of the topic built from the section headings and key
    phrases of its evidence. A generated section only quotes sentences that meet the evidence
    threshold for the topic itself, and only ones not quoted already."""
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
