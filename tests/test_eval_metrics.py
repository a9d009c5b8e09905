"""Evaluation metrics on small hand-made inputs with known answers."""

from __future__ import annotations

import pytest

from evals import metrics as M
from evals.runner import check_thresholds, squash


def test_facts_found_folds_case_space_quotes_and_dashes() -> None:
    text = "The OSCE’s study — launched on 15   February\n2022 — says “Self-regulation is NOT working”."
    facts = [["15 February 2022", "February 15, 2022"], ['"self-regulation is not working"'],
             ["OSCE's study - launched"], ["impunity"]]
    found, missing = M.facts_found(text, facts)
    assert found == 3
    assert missing == [["impunity"]]
    assert M.facts_found("", [["x"]]) == (0, [["x"]])
    assert M.facts_found("anything", []) == (0, [])


def test_forbidden_ignores_the_echoed_question() -> None:
    q = "What is the purpose of the Global Guide?"
    refusal = f"The documents don't cover this. I searched 5 documents for “{q}”."
    assert M.forbidden_present(refusal, ["purpose of the Global Guide"], ignore=[q]) == []
    assert M.forbidden_present(refusal, ["purpose of the Global Guide"]) == [
        "purpose of the Global Guide"]
    answer = f"{refusal} The purpose of the Global Guide is to help."
    assert M.forbidden_present(answer, ["purpose of the global guide"], ignore=[q]) == [
        "purpose of the global guide"]


def test_rank_hit_and_reciprocal_rank() -> None:
    ranked = ["a", "b", "gold2", "c", "gold1"]
    gold = ["gold1", "gold2"]
    assert M.first_gold_rank(ranked, gold) == 3
    assert not M.hit_at_k(ranked, gold, 2)
    assert M.hit_at_k(ranked, gold, 3)
    assert M.reciprocal_rank(ranked, gold) == pytest.approx(1 / 3)
    assert M.reciprocal_rank(ranked, ["zzz"]) == 0.0
    assert M.first_gold_rank([], gold) is None


def test_context_recall_checks_each_passage() -> None:
    texts = ["Traffickers use blackmail.", "Seventy-five per\ncent are advertised online."]
    facts = [["blackmailing", "blackmail"], ["75 per cent", "seventy-five per cent"],
             ["impunity"], ["blackmail. seventy"]]  # the last spans two passages: not found
    assert M.context_recall(texts, facts) == pytest.approx(2 / 4)
    assert M.context_recall([], [["x"]]) == 0.0
    assert M.context_recall(["x"], []) == 1.0


def test_within_budget_cuts_the_last_passage() -> None:
    texts = ["a" * 600, "b" * 600, "c" * 600]
    assert [len(t) for t in M.within_budget(texts, 1000)] == [600, 400]
    assert [len(t) for t in M.within_budget(texts, 1200)] == [600, 600]
    assert [len(t) for t in M.within_budget(texts, 5000)] == [600, 600, 600]
    assert M.within_budget(texts, 0) == []


def test_citation_support_alce() -> None:
    # 3 sentences, 2 supported; 4 citations, 3 supporting their sentence
    assert M.citation_support([True, True, False], [True, True, True, False]) == (
        pytest.approx(2 / 3), pytest.approx(3 / 4))
    assert M.citation_support([], []) == (None, None)


def test_refusal_metrics_litqa2() -> None:
    # cases: (expect_refusal, refused, passed)
    rows = [
        (False, False, True),   # answered correctly
        (False, False, False),  # answered wrongly
        (False, True, False),   # false refusal
        (True, True, True),     # correct refusal
        (True, False, False),   # answered an out-of-scope question
    ]
    exp, ref, ok = zip(*rows, strict=True)
    m = M.refusal_metrics(list(exp), list(ref), list(ok))
    assert m["accuracy"] == pytest.approx(2 / 5)
    assert m["precision"] == pytest.approx(1 / 3)  # 3 not refused, 1 of them passed
    assert m["out_of_scope_refusal_rate"] == pytest.approx(1 / 2)
    assert m["false_refusal_rate"] == pytest.approx(1 / 3)
    empty = M.refusal_metrics([], [], [])
    assert set(empty.values()) == {None}


def test_percentile_interpolates_like_numpy() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 1000.0]
    assert M.percentile(values, 50) == 30.0
    assert M.percentile(values, 95) == pytest.approx(40 + 0.8 * 960)
    assert M.percentile([5.0], 95) == 5.0
    assert M.percentile([], 50) is None


def test_judge_output_parsing() -> None:
    out = "Here are the statements:\n- 75% of victims are advertised online.\n2. The OSCE launched a study.\n\n*"
    assert M.parse_statements(out) == ["75% of victims are advertised online.",
                                       "The OSCE launched a study."]
    verdicts = M.parse_verdicts("1: yes\n2 - No\n4: yes\nnonsense", 3)
    assert verdicts == [True, False, False]  # 3 has no verdict: not supported; 4 is out of range
    assert M.faithfulness(verdicts) == pytest.approx(1 / 3)
    assert M.faithfulness([]) is None


def test_squash_ignores_line_breaks_and_restored_hyphens() -> None:
    assert squash("self-\nregulation has") == squash("selfregulation  has")


def test_check_thresholds_min_max_and_missing() -> None:
    metrics = {"accuracy": 0.6, "false_refusal_rate": 0.02, "faithfulness": None}
    rows = check_thresholds(metrics, {"accuracy": {"min": 0.55}, "false_refusal_rate": {"max": 0.01},
                                      "faithfulness": {"min": 0.5}, "typo_metric": {"min": 0.1}})
    verdict = {r["metric"]: r["ok"] for r in rows}
    assert verdict == {"accuracy": True, "false_refusal_rate": False, "faithfulness": False,
                       "typo_metric": False}
    assert not [r for r in rows if r["metric"] == "typo_metric"][0]["measured"]


def test_baseline_profile_and_summary_known_values() -> None:
    from evals.baseline import profile, summarize
    from evals.cases_schema import Case

    case = Case(id="c1", kind="factual", question="q?", key_facts=[["blackmail"], ["impunity"]],
                gold_doc_ids=["gold"], gold_passages=["controlling or blackmailing them"])
    other = Case(id="c2", kind="factual", question="q?", key_facts=[["nothing"]],
                 gold_doc_ids=["gold"])
    ranked = [("x", "a" * 800), ("gold", "Traffickers are controlling or\nblackmailing them."),
              ("y", "impunity " * 100)]
    p = profile(ranked, case, k=2, budgets=[500, 900, 2000])
    assert p["rank"] == 2
    assert p["context_recall"] == 0.5  # 'impunity' is only at rank 3
    assert p["gold_passages"] == 1
    assert {b: v["hit"] for b, v in p["budget"].items()} == {500: False, 900: True, 2000: True}
    assert p["budget"][2000]["context_recall"] == 1.0
    q = profile([("gold", "nothing here")], other, k=2, budgets=[500, 900, 2000])
    s = summarize({"c1": p, "c2": q}, [case, other], k=2, budgets=[500, 900, 2000])
    assert s["hit_rate_at_1"] == 0.5 and s["hit_rate_at_2"] == 1.0
    assert s["mrr"] == 0.75
    assert s["context_recall_at_2"] == 0.75
    assert s["gold_passage_recall_at_2"] == 1.0
    assert s["hit_rate_at_500_chars"] == 0.5


def test_a_correction_is_read_in_the_opening_line_not_in_its_quotation_frame() -> None:
    from evals.metrics import corrects_first

    framed = "The OSCE press release (15 February 2022) finds: “The study was launched.” [1]"
    assert not corrects_first(framed, ["2022"])  # the date of the source corrects nothing
    assert corrects_first(framed, ["was launched"])  # what it quotes first may
    line = ("The Equality Now position paper (August 2019) is the one in the collection; it is "
            "not from 2021.\n\nThe Equality Now position paper (August 2019) says: “…” [1]")
    assert corrects_first(line, ["not from 2021"])
    assert corrects_first(line, ["2019"])
