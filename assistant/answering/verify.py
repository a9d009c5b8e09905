"""Checks after generation: citation markers, and whether each sentence is supported.

The support score of a sentence against its cited passages combines embedding similarity with
its best evidence sentence and the share of its content words found in the evidence. No NLI
model is available offline, so the threshold (settings.support_threshold) is calibrated on the
evaluation set. A score cannot see a single wrong token, so a sentence is also unsupported when
it states a specific token (a number, a year, a code such as "A-17" or "hunter2") that none of
its cited passages contains: :func:`missing_specifics`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.embedding import BaseEmbedder
from ingest.sentences import sentence_spans
from ingest.text import content_terms

MARKER = re.compile(r"\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")


@dataclass
class ParsedSentence:
    text: str  # without markers
    markers: list[int]


def parse_markers(answer: str, valid: set[int]) -> tuple[list[ParsedSentence], list[int]]:
    """Split an answer into sentences with their citation markers.

    Markers that point to no passage are dropped and returned separately. A marker that follows
    a sentence's final punctuation belongs to that sentence."""
    text = answer.strip()
    # Move markers written after the full stop ("... online. [1]") before it, so the splitter
    # keeps them with their sentence.
    text = re.sub(r"([.!?])\s*((?:\[\d[\d,;\s]*\]\s*)+)", lambda m: f" {m.group(2).strip()}{m.group(1)} ", text)
    invalid: list[int] = []
    out: list[ParsedSentence] = []
    for s, e in sentence_spans(text):
        sent = text[s:e]
        markers: list[int] = []
        for m in MARKER.finditer(sent):
            for n in re.split(r"[,;\s]+", m.group(1)):
                if not n:
                    continue
                k = int(n)
                if k in valid:
                    if k not in markers:
                        markers.append(k)
                else:
                    invalid.append(k)
        clean = re.sub(r"\s+", " ", MARKER.sub("", sent)).strip()
        clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
        if clean:
            out.append(ParsedSentence(clean, markers))
    return out, invalid


def term_recall(claim: str, evidence: str) -> float:
    """Share of the claim's content words that the evidence contains."""
    c = set(content_terms(claim))
    if not c:
        return 1.0
    return len(c & set(content_terms(evidence))) / len(c)


# Numbers with thousands separators or decimals ("1,250", "3.5"), then any run of letters/digits.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\w+")
_LIST_NUMBER = re.compile(r"^\s*\(?\d{1,2}[.)]\s+")
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                 "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
                 "seventeen", "eighteen", "nineteen", "twenty")
_TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty",
         90: "ninety", 100: "hundred"}


def _tokens(text: str) -> list[str]:
    return [t.replace(",", "").lower() for t in _TOKEN.findall(text)]


def specific_tokens(text: str) -> list[str]:
    """Tokens that name one thing exactly: numbers, years, and words mixing letters with
    digits or underscores (codes, identifiers, passwords). A leading list number is skipped."""
    out: list[str] = []
    for t in _tokens(_LIST_NUMBER.sub("", text)):
        if t not in out and any(ch.isdigit() or ch == "_" for ch in t):
            out.append(t)
    return out


def missing_specifics(claim: str, evidence: str) -> list[str]:
    """The specific tokens of ``claim`` that ``evidence`` does not contain (small whole numbers
    may appear in words: "3" is found as "three")."""
    wanted = specific_tokens(claim)
    if not wanted:
        return []
    have = set(_tokens(evidence))
    missing = []
    for t in wanted:
        if t in have or t.lstrip("0") in have:
            continue
        word = None
        if t.isdigit():
            n = int(t)
            word = _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else _TENS.get(n)
        if word is None or word not in have:
            missing.append(t)
    return missing


def support_score(sentence: str, evidence: list[str], embedder: BaseEmbedder,
                  evidence_vectors: np.ndarray | None = None) -> tuple[float, int]:
    """(score, index of the best evidence sentence). ``evidence`` are sentences of the cited
    passages; their vectors may be passed in to avoid re-embedding."""
    if not evidence:
        return 0.0, -1
    vecs = evidence_vectors if evidence_vectors is not None else embedder.encode(evidence)
    sims = vecs @ embedder.embed_query_vector(sentence)
    best = int(np.argmax(sims))
    joined = " ".join(evidence)
    score = 0.6 * float(sims[best]) + 0.4 * term_recall(sentence, joined)
    return score, best
