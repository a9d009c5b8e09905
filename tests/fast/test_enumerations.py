"""Enumerations that run across paragraphs ('A primary example of X…', 'A second example of
X…'): the answer quotes the first with the second, and 'the second of those' points at them."""

from __future__ import annotations

from assistant.answering.followup import items

PRIMARY = "A primary example of self-regulation is the evolution of Terms of Use."
SECOND = ("A second example of self-regulation has been attempts to harmonize responses across "
          "the technology industry.")
DEBATES = ("First is the degree to which the operations and practices of the technology sector "
           "should be self-regulated. Second - and closely related - is whether compliance with "
           "industry standards should be voluntary or mandatory.")


def test_a_run_of_nth_examples_is_the_list_a_pointer_counts_in() -> None:
    answer = f"The brief says: “{PRIMARY}” [1] It also finds: “{SECOND}” [2] “{DEBATES}” [3]"
    assert items(answer) == ["A primary example of self-regulation is the evolution of Terms of Use",
                             "A second example of self-regulation has been attempts to harmonize "
                             "responses across the technology industry"]


def test_the_run_the_answer_quotes_first_wins() -> None:
    answer = f"“{DEBATES}” [1] “{PRIMARY}” [2] “{SECOND}” [3]"
    assert items(answer)[1].startswith("whether compliance with industry standards")


def test_ordinals_with_a_gap_or_different_nouns_are_no_list() -> None:
    assert items(f"“{SECOND}” “A third example of self-regulation is X.”") == []
    assert items(f"“{PRIMARY}” “A second barrier to evidence is encryption.”") == []
