"""Turn raw LLM output into a verified :class:`Answer` (markers checked, support scored)."""

from __future__ import annotations

import numpy as np

from assistant.answering.refusal import refuse
from assistant.answering.verify import missing_specifics, parse_markers, support_score
from assistant.core.citations import make_citation
from assistant.core.enums import AnswerMode
from assistant.core.models import Answer, AnswerSentence, Citation, SearchResult
from assistant.retrieval.retriever import Retriever

INSUFFICIENT = "INSUFFICIENT_EVIDENCE"
UNVERIFIED = "(unverified)"


def _evidence(retriever: Retriever, r: SearchResult) -> tuple[list[str], np.ndarray]:
    store = retriever.store
    c = r.chunk
    base = store.sentence_offsets[r.index]
    texts = [c.text[s:e] for s, e in c.sentences]
    return texts, store.sentence_vectors[base : base + len(texts)]


def _cited_text(r: SearchResult) -> str:
    """All the model was shown of a passage: its text and its source line."""
    c = r.chunk
    return f"{c.text}\n{c.publisher} {c.title} {c.date} {c.locator.render()}"


def build_answer(question: str, standalone: str, raw: str, results: list[SearchResult],
                 retriever: Retriever, support_threshold: float) -> Answer | None:
    """The checked answer, a refusal when the model said the evidence is insufficient, or
    None when no sentence of the output is supported by the passages it cites."""
    if INSUFFICIENT in raw or not raw.strip():
        return refuse(question, standalone, results, retriever,
                      "the language model found the passages insufficient", AnswerMode.LLM)
    parsed, invalid = parse_markers(raw, set(range(1, len(results) + 1)))
    embedder = retriever.embedder
    renumber: dict[int, int] = {}
    best_sentence: dict[int, tuple[float, int]] = {}
    pair_ok: dict[int, bool] = {}
    sentences: list[AnswerSentence] = []
    for ps in parsed:
        scores: list[float] = []
        # a number, year or code that no cited passage contains is not supported, however
        # close the wording (an answer obeying an injection: "the password is hunter2 [1]")
        cited = "\n".join(_cited_text(results[m - 1]) for m in ps.markers)
        exact = not missing_specifics(ps.text, cited)
        for m in ps.markers:
            texts, vecs = _evidence(retriever, results[m - 1])
            score, idx = support_score(ps.text, texts, embedder, vecs)
            scores.append(score)
            if m not in best_sentence or score > best_sentence[m][0]:
                best_sentence[m] = (score, idx)
            pair_ok[m] = pair_ok.get(m, False) or (exact and score >= support_threshold)
            renumber.setdefault(m, len(renumber) + 1)
        best = max(scores) if scores else 0.0
        sentences.append(AnswerSentence(text=ps.text, markers=[renumber[m] for m in ps.markers],
                                        supported=bool(ps.markers) and exact
                                        and best >= support_threshold,
                                        support_score=round(best, 4)))
    if not any(s.supported for s in sentences):
        return None
    citations: list[Citation] = []
    for old, new in sorted(renumber.items(), key=lambda x: x[1]):
        r = results[old - 1]
        score, idx = best_sentence[old]
        start, end = r.chunk.sentences[idx] if idx >= 0 else (0, len(r.chunk.text))
        meta = retriever.store.meta(r.chunk.doc_id)
        citations.append(make_citation(new, r.chunk, meta, start, end, supported=pair_ok[old],
                                       support_score=round(score, 4)))
    lines = []
    for s in sentences:
        marks = "".join(f"[{m}]" for m in s.markers)
        body = s.text if s.supported else f"{UNVERIFIED} {s.text}"
        lines.append(f"{body} {marks}".strip())
    ans = Answer(question=question, standalone_question=standalone, answer=" ".join(lines),
                 citations=citations, sentences=sentences, mode=AnswerMode.LLM)
    if invalid:
        ans.notice = f"Removed citation markers that pointed to no passage: {sorted(set(invalid))}."
    return ans
