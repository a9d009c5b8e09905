"""Checks after generation: citation markers, and whether each sentence is supported.

The support score of a sentence against its cited passages combines embedding similarity with
its best evidence sentence and the share of its content words found in the evidence. No NLI
model is available offline, so the threshold (settings.support_threshold) is calibrated on the
evaluation set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant.textutil import content_terms
from ingest.embed import LocalEmbeddings
from ingest.sentences import sentence_spans

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


def support_score(sentence: str, evidence: list[str], embedder: LocalEmbeddings,
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


def is_supported(sentence: str, evidence: list[str], embedder: LocalEmbeddings,
                 threshold: float) -> bool:
    return support_score(sentence, evidence, embedder)[0] >= threshold
