"""The evaluation suite itself: schema, clear load errors, and cases that match the corpus."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from evals.cases_schema import KINDS, CaseError, check_against_corpus, load_cases
from evals.runner import squash
from tests.conftest import CORPUS, ROOT

SUITE = ROOT / "evals" / "cases"


def _manifest() -> dict[str, str]:
    data = yaml.safe_load((CORPUS / "manifest.yaml").read_text(encoding="utf-8"))
    return {d["id"]: d["file"] for d in data["documents"]}


def test_the_suite_loads_and_covers_every_kind() -> None:
    cases = load_cases(SUITE)
    assert len(cases) >= 90
    assert len({c.id for c in cases}) == len(cases)
    assert {c.kind for c in cases} == {"factual", "synthesis", "follow-up", "false-premise",
                                       "out-of-scope", "adversarial"}
    assert {c.kind for c in cases} <= set(KINDS)
    assert all(c.turns for c in cases if c.kind == "follow-up")
    check_against_corpus(cases, set(_manifest()))


def test_gold_passages_and_key_facts_occur_in_the_gold_documents() -> None:
    """A gold passage (or key fact) that is not in any of its gold documents is a broken case."""
    raw = {doc_id: squash((CORPUS / f).read_text(encoding="utf-8"))
           for doc_id, f in _manifest().items()}
    problems = []
    for c in load_cases(SUITE):
        for p in c.gold_passages:
            if not any(squash(p) in raw[d] for d in c.gold_doc_ids):
                problems.append(f"{c.id}: gold passage {p!r}")
        for alts in c.key_facts:
            if not any(squash(a) in raw[d] for a in alts for d in c.gold_doc_ids):
                problems.append(f"{c.id}: key fact {alts}")
    assert problems == []


USERS = {"users-dev": ROOT / "evals" / "users" / "dev", "users-test": ROOT / "evals" / "users" / "test"}
USER_KINDS = {"paraphrase", "terse", "typo", "synthesis", "comparison", "follow-up",
              "false-premise", "out-of-scope"}
# users-dev: 52 cases, then 47 more (the more-*.yaml files; one more was dropped because it
# covered the same topic as a held-out case), then 16 false-premise and follow-up cases
# (more2-premise-followup.yaml), then 20 mixed cases (more3-users.yaml), then 20 more
# (more4-users.yaml), then 24 more (more5-users.yaml), then 24 more (more6-users.yaml), then
# 30 more (more10-users.yaml), then 30 more (more11-users.yaml), then 30 more
# (more12-users.yaml), then 30 more (more13-users.yaml), then 30 more (more14-users.yaml),
# then 30 more (more15-users.yaml), then 30 more (more16-users.yaml), then 30 more
# (more17-users.yaml), then 30 more (more18-users.yaml), then 30 more (more19-users.yaml),
# then 30 more (more20-users.yaml), then 30 more (more21-users.yaml), then 30 more
# (more22-users.yaml), then 30 more (more23-users.yaml), then 30 more (more24-users.yaml);
# users-test: 52, held out.
USER_COUNTS = {"users-dev": 743, "users-test": 52}


@pytest.mark.parametrize("name", sorted(USERS))
def test_users_suites_load_cover_every_kind_and_match_the_corpus(name: str) -> None:
    cases = load_cases(USERS[name])
    assert len(cases) == USER_COUNTS[name]
    assert {c.kind for c in cases} == USER_KINDS
    check_against_corpus(cases, set(_manifest()))
    raw = {doc_id: squash((CORPUS / f).read_text(encoding="utf-8"))
           for doc_id, f in _manifest().items()}
    broken = [f"{c.id}: {p!r}" for c in cases for p in c.gold_passages
              if not any(squash(p) in raw[d] for d in c.gold_doc_ids)]
    assert broken == []


def test_the_held_out_set_shares_no_case_or_question_with_the_tuning_set() -> None:
    dev, test = (load_cases(USERS[n]) for n in ("users-dev", "users-test"))
    assert not {c.id for c in dev} & {c.id for c in test}
    assert not {c.question.lower() for c in dev} & {c.question.lower() for c in test}


def _write(tmp_path: Path, body: str) -> Path:
    f = tmp_path / "suite.yaml"
    f.write_text(body, encoding="utf-8")
    return f


GOOD = """
cases:
  - id: one
    kind: factual
    question: "Q?"
    key_facts: [["a"]]
    gold_doc_ids: [osce-press-release-2022]
"""


@pytest.mark.parametrize(("body", "message"), [
    (GOOD.replace("factual", "trivia"), "kind"),
    (GOOD.replace('key_facts: [["a"]]', "key_facts: []"), "needs at least one key fact"),
    (GOOD.replace('key_facts: [["a"]]', "key_facts: [[]]"), "has no phrasing"),
    (GOOD.replace("    gold_doc_ids: [osce-press-release-2022]\n", ""), "needs gold_doc_ids"),
    (GOOD + "    expected: 3\n", "expected"),
    (GOOD.replace("kind: factual", "kind: out-of-scope"), "expect_refusal: true"),
    (GOOD.replace("kind: factual", "kind: follow-up"), "needs a history"),
    (GOOD + GOOD.split("cases:\n")[1], "duplicate id"),
    ("cases: {}", "expected a mapping with a 'cases:' list"),
    ("cases: [\n", "not readable YAML"),
])
def test_bad_cases_fail_with_a_clear_message(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(CaseError) as err:
        load_cases(_write(tmp_path, body))
    assert message in str(err.value)
    assert "suite.yaml" in str(err.value)


def test_unknown_gold_document_is_named(tmp_path: Path) -> None:
    cases = load_cases(_write(tmp_path, GOOD.replace("osce-press-release-2022", "no-such-doc")))
    with pytest.raises(CaseError, match="no-such-doc"):
        check_against_corpus(cases, set(_manifest()))


def test_missing_suite_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="not found"):
        load_cases(tmp_path / "nope.yaml")
    with pytest.raises(CaseError, match="no \\*.yaml"):
        load_cases(tmp_path)
