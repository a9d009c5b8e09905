"""An official asked about by title who is not the one quoted: 'why did the OSCE secretary
general call the current system broken?' when the sentence saying it quotes the Special
Representative. The correction names who said it and who holds the title, both from the
collection's own speaker attributions."""

from __future__ import annotations

import re

from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from assistant.retrieval.names import speakers
from assistant.retrieval.retriever import Retriever

_TITLE = re.compile(r"\b(secretary[- ]general|special representative|director(?:[- ]general)?|"
                    r"executive director|high commissioner|commissioner|president|minister|"
                    r"chair(?:person|man|woman)?|spokes(?:person|man|woman)|ambassador|"
                    r"coordinator|rapporteur)\b", re.I)


def _norm(text: str) -> str:
    return re.sub(r"[\s-]+", " ", text.lower())


def wrong_title(asked: Asked, quoted: list[ScoredSentence], retriever: Retriever) -> str | None:
    """The question takes as given that the holder of a title said what the quoted sentence
    gives to another person, and the collection quotes the title's holder elsewhere."""
    m = _TITLE.search(asked.corrected)
    if m is None or not asked.presumed:
        return None
    title = _norm(m.group(1))
    said = next((run for s in quoted for run in speakers(s.text)), None)
    if said is None or title in _norm(said):
        return None
    holder = next((run for run in retriever.vocab.speaker_runs if title in _norm(run)), None)
    if holder is None or holder.split()[-1] == said.split()[-1]:
        return None
    return f"The documents give this to {said}, not {holder} (the quotation below)."
