"""A length of time or an average asked for must be in what the answer would quote."""

from __future__ import annotations

import pytest

from assistant.answering.answer_type import missing_kind
from assistant.answering.measures import asks_for_period, missing_period

KEEP = ("The Committee of Ministers has recommended that intermediaries should retain such "
        "material to facilitate criminal investigations.")


@pytest.mark.parametrize(("question", "asks"), [
    ("how long must platforms keep deleted material?", True),
    ("for how many months is the data stored?", True),
    ("what retention period does the recommendation set?", True),
    ("how long ago was the study launched?", False),
    ("how long is the OSCE brief?", False),
    ("must platforms keep deleted material?", False),
])
def test_how_long_asks_for_a_length_of_time(question: str, asks: bool) -> None:
    assert asks_for_period(question) is asks


def test_a_length_of_time_must_be_quoted() -> None:
    q = "how long must intermediaries keep the illegal material they delete?"
    assert missing_period(q, [KEEP])
    for period in ("Material is kept for six months.", "It is kept for 90 days.",
                   "Content must be removed without undue delay.", "It is kept indefinitely."):
        assert not missing_period(q, [KEEP, period])
    assert not missing_period("must intermediaries keep what they delete?", [KEEP])


def test_an_average_must_count_what_the_question_names() -> None:
    two = "Two threshold questions must be considered when examining the response."
    q = "what's the average prison sentence for tech-facilitated trafficking?"
    assert missing_kind(q, [two]) == "figure"
    assert missing_kind(q, ["The average prison sentence was 42 months."]) is None


def test_a_condition_before_the_question_does_not_say_what_is_asked_for() -> None:
    help_q = ("if tech firms are made to publish numbers on abuse happening on their sites, who "
              "is that actually meant to help?")
    assert missing_kind(help_q, ["Transparency serves policy makers and the public."]) is None
    count_q = "if that is so, how many victims are advertised online?"
    assert missing_kind(count_q, ["Victims are advertised online."]) == "figure"
    assert missing_kind("when did the OSCE launch the study?", ["It launched a study."]) == "date"


def test_how_many_in_all_is_not_answered_by_a_share() -> None:
    from assistant.answering.measures import missing_total

    q = "how many anti-trafficking tech tools has Tech Against Trafficking catalogued in total?"
    share = "only 18% of the tools identified by Tech Against Trafficking focus on it."
    assert missing_total(q, [share, "3. Strengthen cooperation between States."])
    assert missing_kind(q, [share]) == "figure"
    assert not missing_total(q, ["Tech Against Trafficking has mapped 305 tools so far."])
    assert not missing_total("what share of the tools, in total, focus on it?", [share])
    assert not missing_total("how many tools focus on sexual exploitation?", [share])


def test_a_profit_or_a_dollar_figure_asks_for_a_sum_of_money() -> None:
    from assistant.answering.measures import missing_money

    plain = ["Like any other successful business, traffickers rely on online marketing."]
    assert missing_money("whats the estimated yearly profit traffickers make - is there a dollar "
                         "figure anywhere?", plain)
    assert missing_money("what's the estimated yearly profit?", plain)
    assert not missing_money("what is the profit motive behind trafficking?", plain)
    assert not missing_money("what's the estimated yearly profit?", ["It makes $150 billion."])


def test_a_provision_cited_by_number_must_be_cited_in_the_collection() -> None:
    import re

    from assistant.answering.measures import uncited_provision

    text = "the offence is defined in article 4 of the convention; see art. 9 and section 12."

    def finds(pattern: str) -> bool:
        return re.search(pattern, text) is not None

    q = "under art 3 of the palermo protocol, which 'means' must be proven?"
    assert uncited_provision(q, finds) == "art 3"
    assert uncited_provision("what does article 4 of the convention say?", finds) is None
    assert uncited_provision("what does Art. 9 of the convention require?", finds) is None
    assert uncited_provision("what does § 12 of the act require?", finds) is None
    assert uncited_provision("section 230 of the communications decency act?", finds) == \
        "section 230"
    # no instrument named: 'section 2' may be a part of a document in the collection
    assert uncited_provision("what does section 2 of the brief say?", finds) is None


def test_an_age_must_be_given_as_an_age() -> None:
    q = "whats the average age girls are first pulled into online sex trafficking?"
    share = ("women and girls are the majority of victims, only 18% of the tools identified by "
             "Tech Against Trafficking focus on it.")
    assert missing_kind(q, [share]) == "age"
    assert missing_kind(q, ["Most were recruited aged 14 or younger."]) is None
    assert missing_kind("how old are most victims?", ["Victims are 15 years old on average."]) \
        is None
    assert missing_kind("what do girls face online?", [share]) is None


def test_a_number_per_day_or_year_must_say_per_what() -> None:
    share = "Today 75% of sex trafficking victims are advertised online."
    q = "roughly how many online ads for paid sex go up every day?"
    assert missing_kind(q, [share]) == "number per day, week or year"
    assert missing_kind("how many victims are trafficked online each year?",
                        ["Some 50,000 victims are identified annually."]) is None
    assert missing_kind("how many of the victims are advertised online?", [share]) is None


def test_whether_anyone_publishes_figures_does_not_need_one() -> None:
    q = ("do any of the tech companies already put out figures on how much illegal material "
         "turns up on their sites?")
    assert missing_kind(q, ["Some companies currently report such information."]) is None
    assert missing_kind("what figures on illegal material do companies publish?",
                        ["Some companies currently report such information."]) == "figure"
