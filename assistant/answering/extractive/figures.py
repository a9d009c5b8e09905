"""The collection's figures, asked for on no particular subject: 'give me the key numbers for a
briefing', 'what stats are there?', 'any hard figures from equality now?'. No sentence scores
well against such a question, so it was refused as asking for a figure no passage gives; its
answer is every sentence that states a percentage or a count, document by document."""

from __future__ import annotations

import re

from assistant.answering.catalogue import documents_asked
from assistant.answering.extractive.compose import Shape, by_institution
from assistant.answering.extractive.overview import sentence_at
from assistant.answering.question import Asked
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

FIGURES_MAX = 6  # sentences quoted

_ASKS = re.compile(r"\b(?:numbers|figures|stats|statistics|data\s+points|percentages)\b", re.I)
# a percentage, or a count written with a thousands separator: '75%', '78 per cent', '1,200'
_FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|per\s*cent|percent)|\b\d{1,3}(?:,\d{3})+\b", re.I)
_FOR_USE = re.compile(r"\b(?:for|in)\s+(?:a|an|my|the|our)\s+(?:briefing|brief|speech|slide|note|"
                      r"memo|report)\b", re.I)
_FRAME = frozenset(content_terms(
    "number numbers figure figures stats statistics data point points percentage percentages "
    "key main headline hard give need briefing brief speech slide note use please quick any "
    "some the all what there are is have got do does from collection documents document best "
    "most important top useful"))


def asks_figures(asked: Asked) -> bool:
    """The question asks for figures and nothing narrower ('key numbers for a briefing')."""
    if not _ASKS.search(asked.topic):
        return False
    topic = re.sub(r"\([^)]*\)", " ", asked.topic)  # not the collection's words added to it
    return not [t for t in content_terms(topic) if t not in _FRAME]


def figures(asked: Asked, retriever: Retriever) -> Shape | None:
    """The sentences giving figures, of the documents asked about, originals only."""
    if not asks_figures(asked):
        return None
    # 'for a briefing' says what the figures are for, not which document ('policy brief')
    named = _FOR_USE.sub(" ", asked.corrected)
    docs = {d for d in documents_asked(named, retriever) if not retriever.store.meta(d).duplicate_of}
    picked = []
    for row, chunk in enumerate(retriever.store.chunks):
        if chunk.doc_id not in docs:
            continue
        for k, (a, b) in enumerate(chunk.sentences):
            if _FIGURE.search(chunk.text[a:b]) and not chunk.text[a:b].lstrip()[:1].isdigit():
                picked.append(sentence_at(retriever, row, k))
    return by_institution(picked[:FIGURES_MAX], retriever) if picked else None
