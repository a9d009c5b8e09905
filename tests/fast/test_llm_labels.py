"""The support check measured against hand labels (evals/llm_labels.py): precision and recall
at a threshold, the calibrated threshold, and each label re-checked on the real corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.engine import Assistant
from evals.llm_labels import (
    Scored,
    calibrated,
    candidates,
    load_labels,
    precision_recall,
    score_labels,
)


def _chunk_id(a: Assistant, text: str) -> str:
    return next(c.chunk_id for c in a.store.chunks if text in c.text)


def test_precision_and_recall_count_what_the_check_passes() -> None:
    scored = [Scored(True, 0.9, False), Scored(True, 0.7, False), Scored(False, 0.75, False),
              Scored(False, 0.95, True)]
    assert precision_recall(scored, 0.72) == {"threshold": 0.72, "passed": 2, "wrongly_passed": 1,
                                              "precision": 0.5, "recall": 0.5}
    assert precision_recall(scored, 0.6)["recall"] == 1.0
    assert precision_recall(scored, 0.8)["precision"] == 1.0


def test_a_sentence_wrongly_shown_as_fact_costs_twice_a_true_one_marked() -> None:
    scored = [Scored(True, 0.9, False), Scored(True, 0.7, False), Scored(False, 0.75, False)]
    assert calibrated(scored, [0.6, 0.7, 0.76, 0.8]) == 0.76  # 1 marked beats 1 shown
    scored += [Scored(True, 0.72, False), Scored(True, 0.74, False)]
    assert calibrated(scored, [0.7, 0.76, 0.8]) == 0.7  # 3 marked cost more than 1 shown


def test_labels_are_rechecked_against_the_cited_passage(fast_assistant: Assistant,
                                                        tmp_path: Path) -> None:
    cid = _chunk_id(fast_assistant, "Liability should be based on a")
    chunk = fast_assistant.store.chunks[fast_assistant.store.by_id[cid]]
    start = chunk.text.index("Liability should be based on a")
    said = chunk.text[start : chunk.text.index("standard", start)] + "standard"
    rows = [{"question": "q", "sentence": f"{said}.", "chunk_ids": [cid], "supported": True},
            {"question": "q", "sentence": f"{said} since 1998.", "chunk_ids": [cid],
             "supported": False}]
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    verbatim, figure = score_labels(fast_assistant, load_labels(path))
    assert not verbatim.flagged and verbatim.score > 0.8
    assert figure.flagged  # 1998 is in no cited passage


def test_a_label_without_a_verdict_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps({"sentence": "x", "chunk_ids": ["a"], "supported": None}) + "\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match="supported"):
        load_labels(path)


def test_the_held_out_set_is_never_offered_for_labelling(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="held out"):
        candidates(tmp_path, "users-test")

