"""'Who spoke at the launch?' asks for everyone the document quotes, not only the best match:
the sentence quoting one speaker brings those quoting the others in the same document."""

from __future__ import annotations

from assistant.answering.answer_type import asks_who_spoke
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.retrieval.names import speakers

MAX_SPEAKERS = 4  # people named in one answer to 'who spoke…'


def _surnames(text: str) -> set[str]:
    return {run.split()[-1].lower() for run in speakers(text)}


def with_other_speakers(question: str, picked: list[ScoredSentence],
                        scored: list[ScoredSentence]) -> list[ScoredSentence]:
    """``picked``, and for a question asking who spoke, the best sentence quoting each other
    speaker of the documents whose speakers it quotes, after it."""
    if not asks_who_spoke(question):
        return picked
    named: set[str] = set()
    docs: set[str] = set()
    for p in picked:
        if people := _surnames(p.text):
            named |= people
            docs.add(p.result.chunk.doc_id)
    have = {(p.row, p.start) for p in picked}
    extra: list[ScoredSentence] = []
    for s in scored:
        if len(named) >= MAX_SPEAKERS:
            break
        if s.result.chunk.doc_id not in docs or (s.row, s.start) in have:
            continue
        if new := _surnames(s.text) - named:
            extra.append(s)
            named |= new
            have.add((s.row, s.start))
    return picked + extra
