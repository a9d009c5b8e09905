"""Sources the collection only reports on: 'what did the ICAT issue brief tell banks to do?'
asks about a document the collection does not hold; what it holds is another document that
quotes it ('ICAT recommends that…', 'as the ICAT brief points out…'). Such a question is
answered from the sentences that name the source, and refused, with that reason, when none of
them is on the topic: the rest of the collection is no evidence of what that source said."""

from __future__ import annotations

import re

from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from assistant.retrieval.retriever import Retriever
from ingest.text import fold

_DOC = (r"(?:issue\s+)?(?:brief|report|study|paper|guidelines?|guidance|toolkit|review|survey|"
        r"strategy|resolution|protocol)")
_SOURCE = re.compile(rf"\b(?P<name>[A-Z][A-Za-z]*[A-Z][A-Za-z]*|[A-Z]{{2,}})(?:'s|’s)?\s+{_DOC}\b")


def reported_source(asked: Asked, retriever: Retriever) -> str | None:
    """The name of a source the question asks about that no document in the collection is
    from, though the collection mentions it ('ICAT' in 'the ICAT issue brief'); else None."""
    if asked.institutions:
        return None
    m = _SOURCE.search(asked.corrected)
    if m is None:
        return None
    name = m.group("name")
    if retriever.institutions.named_in(name) or fold(name) not in retriever.vocab.known_terms:
        return None
    return name


def without_source(topic: str, name: str) -> str:
    """The topic without 'the <name> issue brief': what is asked of the source."""
    return re.sub(rf"\b(?:the\s+)?{re.escape(name)}(?:'s|’s)?\s+{_DOC}\b\s*", "", topic).strip()


def naming(scored: list[ScoredSentence], name: str) -> list[ScoredSentence]:
    """The sentences that name the source (as a word: 'ICAT', 'ICAT’s')."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")
    return [s for s in scored if pattern.search(s.text)]
