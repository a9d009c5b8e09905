"""Turn raw LLM output into a verified :class:`Answer` (markers checked, support scored)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.answering.llm.checks import missing_names, wrong_speaker
from assistant.answering.llm.framing import (
    document_texts,
    question_echo,
    third_party,
    unasked_question,
)
from assistant.answering.llm.unstated import relative_dates, unstated_words, word_sense
from assistant.answering.refusal import refuse
from assistant.answering.verify import (
    MARKER,
    ParsedSentence,
    missing_specifics,
    parse_markers,
    support_score,
)
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


@dataclass
class SentenceCheck:
    """One generated sentence against one passage it cites."""

    score: float  # support score against the passage's sentences
    index: int  # the passage's best-matching sentence
    flags: list[str]  # checks it failed besides the score


def ok(c: SentenceCheck, threshold: float) -> bool:
    return not c.flags and c.score >= threshold


def check_sentence(text: str, r: SearchResult, retriever: Retriever, others: list[str],
                   question: str = "") -> SentenceCheck:
    """A generated sentence against one passage it cites (``others``: every publisher;
    ``question``: what the user asked, which is no evidence)."""
    evidence, vecs = _evidence(retriever, r)
    score, idx = support_score(text, evidence, retriever.embedder, vecs)
    cited = _cited_text(r)
    flags = []
    # a number, year or code that the passage lacks is not supported, however close the
    # wording (an answer obeying an injection: "the password is hunter2 [1]")
    figures = missing_specifics(text, cited)
    if figures:
        flags.append("figure not in the cited passage: " + ", ".join(figures))
    names = missing_names(text, cited)
    if names:
        flags.append("name not in the cited passage: " + ", ".join(names))
    who = wrong_speaker(text, [(r.chunk.publisher, r.chunk.title)], others)
    if who:
        flags.append(f"credits {who} with words published by {r.chunk.publisher}")
    if idx >= 0:
        said_by = third_party(text, evidence[idx], r.chunk.publisher, r.chunk.title, others)
        if said_by:
            flags.append(f"the cited passage credits this to {said_by}")
    echo = question_echo(text, question, cited, document_texts(retriever.store, r.chunk.doc_id))
    if echo:
        flags.append("words from the question, not the cited source: " + ", ".join(echo))
    if unasked_question(text, cited):
        flags.append("put as a question the cited passage does not ask")
    sense = word_sense(retriever.embedder)
    unstated = [w for w in unstated_words(text, cited, sense) if w not in names]
    if unstated:
        flags.append("words the cited passage does not use: " + ", ".join(unstated))
    when = relative_dates(text)
    if when:
        flags.append(f"a relative date the reader cannot place: {', '.join(when)} "
                     f"(the passage is dated {r.chunk.date or 'nowhere'})")
    return SentenceCheck(score, idx, flags)


def _checks(ps: ParsedSentence, results: list[SearchResult], retriever: Retriever,
            others: list[str], threshold: float, valid: set[int], question: str = ""
            ) -> tuple[dict[int, SentenceCheck], str | None]:
    """The sentence against each passage it cites. When none supports it, a wrong marker: the
    first other passage the model was shown that does replaces the markers (with a note)."""
    checks = {m: check_sentence(ps.text, results[m - 1], retriever, others, question)
              for m in ps.markers}
    if not ps.markers or any(ok(c, threshold) for c in checks.values()):
        return checks, None
    for m in sorted(valid - set(checks)):
        c = check_sentence(ps.text, results[m - 1], retriever, others, question)
        if ok(c, threshold):
            note = f"{ps.markers} → [{m}]"
            ps.markers = [m]
            return {m: c}, note
    return checks, None


def _reasons(ps: ParsedSentence, checks: dict[int, SentenceCheck], threshold: float
             ) -> list[str]:
    """Why the sentence is not shown as fact; empty when a cited passage supports it."""
    if not ps.markers:
        return ["cites no passage"]
    if any(ok(c, threshold) for c in checks.values()):
        return []
    flags = sorted({f for c in checks.values() for f in c.flags})
    top = max(c.score for c in checks.values())
    if top < threshold:
        flags.insert(0, f"the cited passage does not state it (support {top:.2f} < "
                        f"{threshold:.2f})")
    return flags


def readable(raw: str) -> bool:
    """True when the model's output holds words: not empty, not only markers or symbols."""
    return len(re.findall(r"[^\W\d_]{2,}", MARKER.sub("", raw))) > 0


def why_quoted(raw: str) -> str:
    """The one line shown above the quoted evidence when the model's answer is not shown."""
    if INSUFFICIENT in raw:
        why = "The language model found the evidence insufficient"
    elif not raw.strip():
        why = "The language model returned an empty answer"
    elif not readable(raw):
        why = "The language model returned no readable text"
    else:
        why = "The language model's answer could not be verified against the sources"
    return f"{why}, so the quoted evidence is shown instead."


def build_answer(question: str, standalone: str, raw: str, results: list[SearchResult],
                 retriever: Retriever, support_threshold: float, shown: set[int] | None = None
                 ) -> Answer | None:
    """The checked answer, a refusal when the model said the evidence is insufficient, or
    None when the output holds no words or none of its sentences is supported by the passages
    it cites. ``shown``: the passage numbers the model saw (default: all; others removed)."""
    if INSUFFICIENT in raw:
        return refuse(question, standalone, results, retriever,
                      "the language model found the passages insufficient", AnswerMode.LLM)
    if not readable(raw):
        return None
    valid = set(range(1, len(results) + 1)) if shown is None else shown
    parsed, invalid = parse_markers(raw, valid)
    others = sorted({d["meta"]["publisher"] for d in retriever.store.documents.values()})
    asked = question if standalone == question else f"{question}\n{standalone}"
    renumber: dict[int, int] = {}
    best_sentence: dict[int, tuple[float, int]] = {}
    pair_ok: dict[int, bool] = {}
    sentences: list[AnswerSentence] = []
    repaired: list[str] = []
    for ps in parsed:
        checks, note = _checks(ps, results, retriever, others, support_threshold, valid,
                               asked)
        if note:
            repaired.append(note)
        for m, c in checks.items():
            if m not in best_sentence or c.score > best_sentence[m][0]:
                best_sentence[m] = (c.score, c.index)
            pair_ok[m] = pair_ok.get(m, False) or ok(c, support_threshold)
            renumber.setdefault(m, len(renumber) + 1)
        flags = _reasons(ps, checks, support_threshold)
        best = max((c.score for c in checks.values()), default=0.0)
        sentences.append(AnswerSentence(text=ps.text, markers=[renumber[m] for m in ps.markers],
                                        supported=not flags, support_score=round(best, 4),
                                        flags=flags))
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
    notes = []
    if invalid:
        notes.append(f"Removed citation markers that pointed to no passage: {sorted(set(invalid))}.")
    if repaired:
        notes.append(f"Repaired citation markers: {', '.join(repaired)}.")
    if notes:
        ans.notice = " ".join(notes)
    return ans
