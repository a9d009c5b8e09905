"""The support check of generated sentences, measured against labels written by hand.

``evals/llm_labels.jsonl`` holds sentences the local 1.5B model wrote for ``users-dev``
questions (the first 49) and ``documents`` questions (the next 70, ``"suite": "documents"``;
never ``users-test``), one JSON object a line::

    {"question": "...", "sentence": "...", "chunk_ids": ["..."], "supported": true,
     "note": "why, when it is not obvious"}

The documents rows were labelled after the framing checks of
``assistant.answering.llm.framing`` were written against the users-dev rows, so they measured
those checks on sentences they were not written for (one first version of the question-echo
check was then narrowed: it flagged 7 of their supported sentences).

The 33 rows marked ``"batch": 2`` were labelled after the wording checks of
``assistant.answering.llm.unstated`` were written against the first 119: they are the sentences
of the saved users-dev and documents answers that the first 119 did not cover, read and labelled
before the checks were run on them. ``calibrate --labels`` reports each batch apart.

``supported`` is a person's reading: the cited passage states what the sentence says. The
check (``assistant.answering.llm.checked``: support score, figures, names, speaker) is re-run on
each sentence against the passages it cites, at several thresholds, and compared with the labels:

* precision: of the sentences the check passes (shown as fact), the share that are supported;
* recall: of the supported sentences, the share the check passes.

``policy-assistant calibrate --labels FILE`` prints both at each threshold and the threshold of
least cost, counting an unsupported sentence shown as fact as two errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.answering.llm.checked import INSUFFICIENT, check_sentence
from assistant.answering.verify import parse_markers
from assistant.core.models import SearchResult
from evals.saved_answers import SavedAnswers

DEFAULT_LABELS = Path(__file__).resolve().parent / "llm_labels.jsonl"
GRID = [round(0.50 + 0.02 * i, 2) for i in range(24)]  # 0.50 … 0.96


@dataclass(frozen=True)
class Scored:
    supported: bool  # the label
    score: float  # best support score over the cited passages
    flagged: bool  # a figure, name or speaker check failed on every cited passage


def load_labels(path: Path) -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not isinstance(row.get("supported"), bool) or not row.get("chunk_ids"):
            raise ValueError(f"{path}:{n}: needs 'supported' (true/false) and 'chunk_ids'")
        rows.append(row)
    return rows


def score_labels(assistant: Any, rows: list[dict[str, Any]]) -> list[Scored]:
    """Each labelled sentence checked again against the passages it cites."""
    store = assistant.store
    others = sorted({d["meta"]["publisher"] for d in store.documents.values()})
    out = []
    for row in rows:
        checks = []
        for cid in row["chunk_ids"]:
            idx = store.by_id.get(cid)
            if idx is None:
                raise ValueError(f"passage {cid} is not in the index (re-ingest?)")
            r = SearchResult(chunk=store.chunks[idx], score=0.0, index=idx)
            checks.append(check_sentence(row["sentence"], r, assistant.retriever, others,
                                         row["question"]))
        # passes at threshold t when some cited passage has no flag and a score >= t
        clean = [c.score for c in checks if not c.flags]
        out.append(Scored(row["supported"], max(clean) if clean else max(c.score for c in checks),
                          not clean))
    return out


def passes(s: Scored, threshold: float) -> bool:
    return not s.flagged and s.score >= threshold


def precision_recall(scored: list[Scored], threshold: float) -> dict[str, float | int | None]:
    shown = [s for s in scored if passes(s, threshold)]
    good = [s for s in scored if s.supported]
    tp = sum(s.supported for s in shown)
    return {"threshold": threshold, "passed": len(shown), "wrongly_passed": len(shown) - tp,
            "precision": round(tp / len(shown), 3) if shown else None,
            "recall": round(tp / len(good), 3) if good else None}


def calibrated(scored: list[Scored], grid: list[float] = GRID, fp_cost: float = 2.0) -> float:
    """The threshold of least cost, where an unsupported sentence shown as fact costs
    ``fp_cost`` and a supported one marked ``(unverified)`` costs 1: showing a wrong sentence
    as fact is the worse error. Ties go to the lower threshold."""
    def cost(t: float) -> float:
        return sum(fp_cost if not s.supported else 1.0
                   for s in scored if passes(s, t) is not s.supported)

    return min(grid, key=lambda t: (cost(t), t))


def _draft_sentences(ans: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """The sentences of a draft the check rejected as a whole (the quotes were shown), with
    the passages they cite: the model's passage n is the n-th passage the quotes cite."""
    draft = ans.get("draft") or ""
    if not draft.strip() or INSUFFICIENT in draft:
        return []
    chunks: list[str] = []
    for c in sorted(ans["citations"], key=lambda c: c["marker"]):
        if c["chunk_id"] not in chunks:
            chunks.append(c["chunk_id"])
    parsed, _ = parse_markers(draft, set(range(1, len(chunks) + 1)))
    return [(p.text, [chunks[m - 1] for m in p.markers]) for p in parsed if p.markers]


def _shown_sentences(ans: dict[str, Any]) -> list[tuple[str, list[str]]]:
    by_marker = {c["marker"]: c for c in ans["citations"]}
    out = []
    for s in ans["sentences"]:
        cited = [by_marker[m]["chunk_id"] for m in s["markers"] if m in by_marker]
        if cited:
            out.append((s["text"], cited))
    return out


def candidates(folder: Path, suite: str = "users-dev") -> list[dict[str, Any]]:
    """Rows to label from saved LLM answers: every generated sentence with the passages its
    markers cite (``supported`` left for a person to fill in), from the answers shown and from
    the drafts whose every sentence the check rejected."""
    if suite == "users-test":
        raise ValueError("users-test is held out: never label it")
    rows = []
    for saved in SavedAnswers(folder, suite).all("llm"):
        ans = saved["answer"]
        if ans["refused"]:
            continue
        found = _shown_sentences(ans) if ans["mode"] == "llm" else _draft_sentences(ans)
        rows += [{"question": saved["question"], "sentence": text, "chunk_ids": cited,
                  "supported": None} for text, cited in found]
    return rows
