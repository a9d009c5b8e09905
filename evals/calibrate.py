"""Calibrate the two evidence thresholds on the evaluation set.

* ``refusal_threshold``: the best sentence score of answerable cases vs of cases that must be
  refused (out of scope, adversarial). Chosen as the midpoint of the gap when the two do not
  overlap, else the value with the fewest errors, refusing at most 1 in 20 answerable cases.
* ``support_threshold``: support scores of true claims (each gold passage against the passage
  it comes from) vs false attributions (the same claim against the top passage retrieved for a
  different case, which does not contain it). Chosen to maximise accuracy.

Run: ``policy-assistant calibrate``. It prints the distributions and the suggested values; the
settings (PA_REFUSAL_THRESHOLD, PA_SUPPORT_THRESHOLD) are changed by hand, with the evidence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from assistant.answering.condense import condense
from assistant.answering.scope import out_of_scope_request
from assistant.answering.verify import support_score
from assistant.core.models import Turn
from evals.cases_schema import Case


def best_scores(assistant: Any, cases: list[Case]) -> tuple[list[float], list[float]]:
    """(answerable, must-refuse) best-sentence scores, for questions that reach scoring."""
    ex = assistant.answerer("extractive")
    pos: list[float] = []
    neg: list[float] = []
    for c in cases:
        hist = [Turn(role=t.role, content=t.content) for t in c.history]
        q = condense(c.question, hist)
        if out_of_scope_request(q) or assistant.retriever.vocab.unknown(q):
            continue  # decided before any scoring
        qv = assistant.retriever.embed_query(q)
        results = assistant.retriever.search(q, 8, qvec=qv)
        scored = ex.scorer.score(q, qv, results)
        best = scored[0].score if scored else 0.0
        (neg if c.expect_refusal else pos).append(best)
    return pos, neg


def support_scores(assistant: Any, cases: list[Case]) -> tuple[list[float], list[float]]:
    store = assistant.store
    pos: list[float] = []
    neg: list[float] = []
    tops: list[Any] = []
    claims: list[tuple[str, Any]] = []
    for c in cases:
        if not c.gold_passages or c.expect_refusal:
            continue
        r = assistant.retriever.search(c.question, 1)
        tops.append(r[0] if r else None)
        for p in c.gold_passages:
            home = next((ch for ch in store.chunks if p in ch.text), None)
            if home is not None:
                claims.append((p, home))
    for i, (claim, home) in enumerate(claims):
        ev = [home.text[s:e] for s, e in home.sentences]
        pos.append(support_score(claim, ev, assistant.embedder)[0])
        other = tops[(i * 7 + 3) % len(tops)]
        if other is not None and claim not in other.chunk.text:
            ev2 = [other.chunk.text[s:e] for s, e in other.chunk.sentences]
            neg.append(support_score(claim, ev2, assistant.embedder)[0])
    return pos, neg


def best_threshold(pos: list[float], neg: list[float], max_pos_error: float = 1.0) -> float:
    """Threshold minimising errors (pos below, neg at or above), with a cap on positive errors."""
    if not pos or not neg:
        return float("nan")
    if min(pos) > max(neg):
        return round((min(pos) + max(neg)) / 2, 3)
    grid = np.unique(np.round(np.concatenate([pos, neg]), 3))
    best, best_err = float(grid[0]), None
    for t in grid:
        pos_err = sum(p < t for p in pos) / len(pos)
        if pos_err > max_pos_error:
            continue
        err = sum(p < t for p in pos) + sum(n >= t for n in neg)
        if best_err is None or err < best_err:
            best, best_err = float(t), err
    return round(best, 3)


def describe(name: str, values: list[float]) -> str:
    if not values:
        return f"{name}: none"
    a = np.asarray(values)
    return (f"{name}: n={len(a)} min={a.min():.3f} p10={np.percentile(a, 10):.3f} "
            f"median={np.median(a):.3f} max={a.max():.3f}")
