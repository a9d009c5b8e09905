"""'Who spoke at the launch?' asks for everyone the document quotes, not only the best match:
the sentence quoting one speaker brings those quoting the others in the same document."""

from __future__ import annotations

from assistant.answering.answer_type import asks_who_spoke
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.core.models import SearchResult
from assistant.retrieval.names import speakers
from ingest.store import StoredIndex

MAX_SPEAKERS = 4  # people named in one answer to 'who spoke…'


def _surnames(text: str) -> set[str]:
    return {run.split()[-1].lower() for run in speakers(text)}


def _unread(scored: list[ScoredSentence], docs: set[str], store: StoredIndex
            ) -> list[ScoredSentence]:
    """The sentences of ``docs`` in passages retrieval did not bring, in document order, each
    scored lower than anything read: a speaker quoted further down the document is still one
    of its speakers."""
    read = {s.result.index for s in scored}
    floor = min((s.score for s in scored), default=0.0) - 1.0
    out: list[ScoredSentence] = []
    for row, c in enumerate(store.chunks):
        if c.doc_id not in docs or row in read:
            continue
        base = store.sentence_offsets[row]
        result = SearchResult(chunk=c, score=0.0, index=row)
        out += [ScoredSentence(result, len(scored), a, b, base + k, k, 0.0, 0.0, floor, floor)
                for k, (a, b) in enumerate(c.sentences)]
    return out


def with_other_speakers(question: str, picked: list[ScoredSentence],
                        scored: list[ScoredSentence], store: StoredIndex
                        ) -> list[ScoredSentence]:
    """``picked``, and for a question asking who spoke, the best sentence quoting each other
    speaker of the documents whose speakers it quotes, after it: from the passages read
    first, then from the rest of those documents."""
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
    for s in scored + _unread(scored, docs, store):
        if len(named) >= MAX_SPEAKERS:
            break
        if s.result.chunk.doc_id not in docs or (s.row, s.start) in have:
            continue
        if new := _surnames(s.text) - named:
            extra.append(s)
            named |= new
            have.add((s.row, s.start))
    return picked + extra
