"""The extractive answer's text: the answer first, then supporting excerpts by institution.

Only the frame is the engine's own words (who says it, and what kind of statement it is);
every quotation is verbatim source text, cited with a marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from assistant.answering.extractive.frame import quote, source_label, statement_kind
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.extractive.selection import extend_lead_in
from assistant.core.citations import make_citation
from assistant.core.enums import CitationRole
from assistant.core.models import AnswerSentence, Citation
from assistant.retrieval.retriever import Retriever


@dataclass
class Shape:
    """What an answer says, before it is written out."""

    blocks: list[tuple[str, list[ScoredSentence]]]  # institution -> its excerpts, best first
    preface: list[str] = field(default_factory=list)  # a correction, a comparison's summary
    silent: list[str] = field(default_factory=list)  # institutions with nothing on the topic
    nearest: dict[str, ScoredSentence] = field(default_factory=dict)  # a silent one's closest
    topic: str = ""

    @property
    def excerpts(self) -> list[ScoredSentence]:
        return [s for _, group in self.blocks for s in group]


def by_institution(excerpts: list[ScoredSentence], retriever: Retriever) -> Shape:
    """The best excerpt first; the others grouped by institution, the lead's institution first.
    Each excerpt is cited from the document that said it first."""
    blocks: dict[str, list[ScoredSentence]] = {}
    for s in (to_original(x, retriever) for x in excerpts):
        blocks.setdefault(retriever.institutions.of_doc(s.result.chunk.doc_id), []).append(s)
    return Shape(blocks=list(blocks.items()))


def to_original(s: ScoredSentence, retriever: Retriever) -> ScoredSentence:
    """The same excerpt in the document that said it first (issue 13, item 8): a later or
    undated document repeating a sentence does not take the citation away from its source."""
    last = s.k if s.k_end is None else s.k_end
    row, k = retriever.origins.original(s.result.index, s.k)
    row_end, k_end = retriever.origins.original(s.result.index, last)
    if row == s.result.index or row != row_end or k_end - k != last - s.k:
        return s
    chunk = retriever.store.chunks[row]
    result = s.result.model_copy(update={"chunk": chunk, "index": row})
    return replace(s, result=result, start=chunk.sentences[k][0], end=chunk.sentences[k_end][1],
                   k=k, k_end=k_end)


def _lead_in(s: ScoredSentence) -> str:
    """The sentence before the excerpt, when it announces a list the excerpt belongs to."""
    c = s.result.chunk
    if s.k == 0:
        return ""
    a, b = c.sentences[s.k - 1]
    return c.text[a:b]


def silence(institution: str, topic: str) -> str:
    on = f"on {topic}" if topic else "on this"
    return (f"{institution} is silent {on}: I found no passage in its documents in the "
            "collection that addresses it.")


def compose(shape: Shape, retriever: Retriever
            ) -> tuple[str, list[Citation], list[AnswerSentence]]:
    parts: list[str] = list(shape.preface)
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    last_doc = None
    for s in shape.excerpts:
        n = len(citations) + 1
        chunk = s.result.chunk
        meta = retriever.store.meta(chunk.doc_id)
        last = s.k if s.k_end is None else s.k_end
        cit = make_citation(n, chunk, meta, s.start, extend_lead_in(chunk, last, s.end),
                            supported=True, support_score=s.score,
                            also_in=retriever.origins.also_in(chunk.doc_id, chunk.text[s.start:s.end]))
        citations.append(cit)
        verb = statement_kind(cit.excerpt, _lead_in(s))
        who = "It also" if chunk.doc_id == last_doc else source_label(meta)
        parts.append(f"{who} {verb}: {quote(cit.excerpt)} [{n}]")
        sentences.append(AnswerSentence(text=cit.excerpt, markers=[n], supported=True,
                                        support_score=s.score))
        last_doc = chunk.doc_id
    for name in shape.silent:
        near = shape.nearest.get(name)
        if near is None:
            parts.append(silence(name, shape.topic))
            continue
        n = len(citations) + 1
        chunk = near.result.chunk
        meta = retriever.store.meta(chunk.doc_id)
        cit = make_citation(n, chunk, meta, near.start, near.end, supported=True,
                            support_score=near.score).model_copy(
                                update={"role": CitationRole.NEAREST})
        citations.append(cit)
        label = source_label(meta)
        parts.append(f"{name} does not address this directly: I found no passage in its "
                     f"documents on it. The closest is in {label[:1].lower()}{label[1:]}: "
                     f"{quote(cit.excerpt)} [{n}]")
        sentences.append(AnswerSentence(text=cit.excerpt, markers=[n], supported=True,
                                        support_score=near.score))
    return "\n\n".join(parts), citations, sentences
