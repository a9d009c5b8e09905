"""A count, a date or a reference the question gets wrong or asks for, and words as users spell
them (British spellings, a possessive without its apostrophe). Run on the real corpus with the
word-hashing embedder."""

from __future__ import annotations

import pytest

from assistant.answering.answer_type import missing_kind
from assistant.answering.extractive.counts import counts, wrong_count, wrong_inline_count
from assistant.answering.extractive.dates import wrong_event_year
from assistant.answering.extractive.lists import list_size, wants_recommendations, wrong_list_count
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.measures import missing_provision
from assistant.answering.question import analyze
from assistant.core.models import REFUSAL_PREFIX, SearchResult
from assistant.engine import Assistant
from assistant.retrieval.names import country_names, owned_law, places_in
from assistant.retrieval.spelling import is_english, spellings


def sentence(a: Assistant, opening: str, n: int = 1) -> ScoredSentence:
    """The corpus sentence that opens with ``opening`` (with the ``n - 1`` after it), as the
    answer would quote it."""
    store = a.retriever.store
    for idx, chunk in enumerate(store.chunks):
        for k, (s, e) in enumerate(chunk.sentences):
            if chunk.text[s:e].startswith(opening):
                last = min(k + n, len(chunk.sentences)) - 1
                return ScoredSentence(SearchResult(chunk=chunk, score=0.5, index=idx), 0, s,
                                      chunk.sentences[last][1], store.sentence_offsets[idx] + k,
                                      k, 0.5, 0.5, 0.5, 0.5, k_end=last)
    raise AssertionError(f"no sentence opens with {opening!r}")


def test_a_count_the_documents_give_differently_is_corrected_in_their_words(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    two = sentence(fast_assistant, "Two threshold questions must be considered")
    asked = analyze("what are the three gateway questions the osce brief says to ask?", r)
    assert wrong_count(asked, [two]) == \
        "The documents give two threshold questions, not three (the quotation below)."
    same = analyze("what are the two threshold questions?", r)
    assert wrong_count(same, [two]) is None
    other = analyze("what are the three biggest platforms doing?", r)
    assert wrong_count(other, [two]) is None  # counts of different things


def test_a_list_written_inline_counted_wrong_is_corrected_from_its_items(
        fast_assistant: Assistant) -> None:
    """'…key policy issues… arise…: prevention of harm…; monitoring content online; liability
    for harmful content; removal of prohibited content; and the blocking of online platforms.'"""
    r = fast_assistant.retriever
    issues = sentence(fast_assistant, "Beyond the overarching questions")
    asked = analyze("the osce brief narrows it down to three issues - why does it skip age "
                    "checks?", r)
    assert wrong_inline_count(asked, [issues]) == \
        "The documents list five issues, not three (the quotation below)."
    assert wrong_inline_count(analyze("what are the five key policy issues?", r), [issues]) is None
    # a count of something the lead-in does not name
    assert wrong_inline_count(analyze("what are the three biggest platforms doing?", r),
                              [issues]) is None


def test_a_numbered_list_counted_wrong_is_corrected_from_its_numbers(
        fast_assistant: Assistant) -> None:
    """The brief numbers its recommendations 1 to 3 and never says 'three recommendations'."""
    r = fast_assistant.retriever
    first = sentence(fast_assistant, "1. Ensure that technology-facilitated THB is covered")
    five = "can you list the five numbered recommendations the osce brief closes with?"
    assert wrong_list_count(five, [first], r) == (
        "The OSCE policy brief (2022) numbers three recommendations, not five "
        "(the quotation below).")
    assert wrong_list_count("what are the three recommendations of the brief?", [first], r) \
        is None
    assert wrong_list_count("what are the five biggest platforms doing?", [first], r) is None


def test_how_many_items_a_numbered_list_has_is_counted_from_its_numbers(
        fast_assistant: Assistant) -> None:
    """'how many recommendations…?' had been refused: no passage gives the count as a figure."""
    r = fast_assistant.retriever
    first = sentence(fast_assistant, "1. Ensure that technology-facilitated THB is covered")
    assert list_size("how many recommendations does the osce make?", [first], r) == \
        "The OSCE policy brief (2022) numbers three recommendations."
    assert list_size("how many platforms are named?", [first], r) is None
    assert list_size("what are the recommendations?", [first], r) is None
    ans = fast_assistant.ask("how many recommendations does the osce make?")
    assert ans.answer.startswith("The OSCE policy brief (2022) numbers three recommendations.")
    assert not ans.refused


def test_which_list_and_how_much_of_it_are_not_a_narrower_subject() -> None:
    for topic in ("can you list the five numbered recommendations the brief closes with, in "
                  "order? need them for a slide", "what are the 4 recommendations in the policy "
                  "brief", "list the recommendations the brief closes with",
                  "give me the full list of recommendations"):
        assert wants_recommendations(topic), topic
    assert not wants_recommendations("what recommendations does the brief make on liability?")
    # what those who make policy should do, on no narrower subject, asks for the recommendations
    for topic in ("what is asking for?", "what is calling for?", "top 3 recommendations"):
        assert wants_recommendations(topic), topic  # 'what is the osce asking for?'
    assert not wants_recommendations("what is calling for on liability?")
    assert not wants_recommendations("why did they want that? (intermediaries recommended retain)")
    for topic in ("what should parliament do?", "what should governments do about this?",
                  "what should lawmakers do? (policymakers)", "so what should MPs do now?"):
        assert wants_recommendations(topic), topic
    for topic in ("what should governments do about encryption?", "what should the uk do?",
                  "what should platforms do?"):
        assert not wants_recommendations(topic), topic


def test_what_parliament_should_do_is_answered_with_the_numbered_recommendations(
        fast_assistant: Assistant) -> None:
    """'parliament' is no word of the collection; the list answers, whatever words it shares."""
    ans = fast_assistant.ask("what should parliament do?")
    assert not ans.refused
    assert ans.citations[0].excerpt.startswith("1. Ensure that technology-facilitated THB")


def test_the_year_of_an_institutions_document_is_not_an_events_year_to_correct(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    fosta = sentence(fast_assistant, "The principle of no liability is also being reconsidered", 2)
    asked = analyze("back in 2019 eqnow said we had to find out which laws work - does the osce "
                    "write anything off?", r)
    assert wrong_event_year(asked, [fosta]) == "The documents date it to 2018, not 2019."
    assert wrong_event_year(asked, [fosta], r) is None  # 2019 dates Equality Now's paper


def test_a_year_given_to_a_document_is_checked_for_the_institution_named_nearest_it(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.dates import wrong_year

    r = fast_assistant.retriever
    asked = analyze("in its 2022 reply to icat, does equality now respond to the osce study?", r)
    assert wrong_year(asked, r) == ("The Equality Now position paper (August 2019) is the one in "
                                    "the collection; it is not from 2022.")
    both = analyze("the osce's 2022 brief and equality now's 2019 paper - do they agree?", r)
    assert wrong_year(both, r) is None
    # 'dates from' dates the document; it was read as an event's year (2018's FOSTA-SESTA)
    dates = analyze("the osce policy brief dates from 2020, before covid - does it factor it in?", r)
    assert wrong_year(dates, r) == ("The OSCE policy brief (2022) is the one in the collection; "
                                    "it is not from 2020.")


def test_shares_and_ratios_are_not_counts() -> None:
    assert counts("3 in 4 victims, 75 per cent of them, one example") == []
    assert [(n, w) for n, w, _ in counts("Two threshold questions and 3 key areas")] == \
        [(2, "Two"), (3, "3")]


def test_a_wrong_year_is_corrected_with_the_full_date_quoted(fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    terms = sentence(fast_assistant, "2 See Facebook, Facebook Terms of Service", 3)
    assert "21 October 2021" in terms.text
    asked = analyze("the osce brief quotes facebook's terms of service as they stood in 2019 - "
                    "what did facebook commit to?", r)
    assert wrong_event_year(asked, [terms]) == "The documents date it to 21 October 2021, not 2019."


@pytest.mark.parametrize(("question", "asks"), [
    ("which article of the lanzarote convention covers grooming?", True),
    ("what section of FOSTA-SESTA removes the immunity?", True),
    ("what is the article number for that?", True),
    ("what does the Lanzarote Convention cover?", False),
    ("which articles does the HSToday page link to?", True),
])
def test_which_article_asks_for_a_provision_number(question: str, asks: bool) -> None:
    plain = "The Lanzarote Convention emphasizes the need for procedural reform."
    assert missing_provision(question, [plain]) is asks
    assert not missing_provision(question, [plain, "Article 23 covers solicitation."])


def test_a_provision_the_documents_never_number_is_missing() -> None:
    q = ("which article of the lanzarote convention covers online grooming of kids, and what "
         "does it require states to criminalise?")
    assert missing_kind(q, ["The Lanzarote Convention emphasizes procedural reform."]) == \
        "provision number"


def test_british_spellings_are_english_and_meet_the_collections_spelling(
        fast_assistant: Assistant) -> None:
    for word in ("criminalise", "organisation", "harmonised", "behaviour", "centre", "defence"):
        assert is_english(word), word
    assert not is_english("crimnalise")
    assert "harmonize" in spellings("harmonise")
    speller = fast_assistant.retriever.vocab.speller
    # the collection writes 'harmonize': the British form is read as the collection's
    assert speller.correct("harmonise") == "harmonize"
    assert speller.correct("states should criminalise it") == "states should criminalise it"


def test_a_country_with_a_possessive_typed_without_apostrophe_is_a_country(
        fast_assistant: Assistant) -> None:
    assert places_in("what has canadas goverment done?", country_names()) == \
        [("canada", "canada")]
    ans = fast_assistant.ask("what has canadas goverment done to make websites liable?")
    assert ans.answer.startswith(REFUSAL_PREFIX)
    assert "Canada" in ans.answer



def test_a_country_by_the_short_name_users_type_is_a_country(fast_assistant: Assistant) -> None:
    vocab = fast_assistant.retriever.vocab
    assert places_in("referred into the uk's referral mechanism", country_names()) == \
        [("united kingdom", "uk")]
    assert vocab.unknown("how many victims did the uk's referral mechanism see?") == ["UK"]
    assert vocab.unknown("what do british police do?") == ["British"]
    assert vocab.unknown("how many victims did the dutch authorities register in 2021?") == \
        ["Dutch"]
    # the collection names the United States: 'usa' is a country it knows
    assert vocab.unknown("what have they done in the usa?") == []
    assert places_in("is the english spelling used?", country_names()) == []


def test_a_month_given_to_a_documents_publication_is_checked_against_the_catalogue(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.dates import wrong_publication_date

    r = fast_assistant.retriever
    wrong = analyze("greta's study came out in january 2022 - does the osce build on it?", r)
    assert wrong_publication_date(wrong, r) == ("The GRETA report summary (March 2022) is the one "
                                              "in the collection; it is not from January 2022.")
    right = analyze("greta's study came out in march 2022 - what did it find?", r)
    assert wrong_publication_date(right, r) is None
    event = analyze("why did greta hold its launch in january 2022?", r)
    assert wrong_publication_date(event, r) is None  # an event's month, not a publication's


def test_a_year_given_to_a_documents_publication_is_checked_against_its_own_date(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.dates import wrong_publication_date

    r = fast_assistant.retriever
    brief = analyze("the osce brief was published in 2020, right? what did it recommend?", r)
    assert wrong_publication_date(brief, r) == \
        "The OSCE policy brief (2022) is the one in the collection; it is not from 2020."
    assert wrong_publication_date(analyze("the osce brief was published in 2022 - so?", r), r) is None



def test_a_launch_date_typed_short_is_checked_against_the_document_named_before_it(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.dates import wrong_publication_date

    r = fast_assistant.retriever
    launched = analyze("the osce study launched back in feb 2021, so the australian law the "
                       "brief mentions must have come after it?", r)
    assert wrong_publication_date(launched, r) == ("The OSCE press release (15 February 2022) is "
                                                 "the one in the collection; it is not from "
                                                 "February 2021.")
    right = analyze("the osce study launched back in feb 2022 - what did the brief say?", r)
    assert wrong_publication_date(right, r) is None
    # a whole document asked about with a wrong date: its overview, corrected first
    ans = fast_assistant.ask("greta's study came out in jan 2022 - what does it say?")
    assert not ans.refused
    assert ans.answer.split("\n")[0] == ("The GRETA report summary (March 2022) is the one in the "
                                         "collection; it is not from January 2022.")


def test_a_year_is_not_a_figure_a_question_asserts() -> None:
    from assistant.answering.extractive.premises import _ASSERTS

    assert _ASSERTS.search("greta says 75% of victims are advertised online")
    assert not _ASSERTS.search("equality now paper came out in 2021 - what about laws?")


def test_a_role_the_question_gives_a_quoted_person_is_corrected(fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.roles import wrong_role

    r = fast_assistant.retriever
    wrong = analyze("val richey is the osce secretary general, isn't he?", r)
    assert wrong_role(wrong, r) == (
        "The documents call Val Richey the OSCE Special Representative for Combating "
        "Trafficking, not the OSCE secretary general; they quote OSCE Secretary General Helga "
        "Maria Schmid in that role.")
    right = analyze("what did helga maria schmid, the osce secretary general, say?", r)
    assert wrong_role(right, r) is None
    assert wrong_role(analyze("what did richey say about laws?", r), r) is None


def test_an_instrument_typed_in_lower_case_the_collection_never_names_is_unknown(
        fast_assistant: Assistant) -> None:
    from assistant.retrieval.names import lower_instruments

    vocab = fast_assistant.retriever.vocab
    assert lower_instruments("what does the new eu digital services act require?") == \
        ["eu digital services act"]
    assert lower_instruments("what does the new act require?") == []
    # a treaty described by whose it is and what about is not a name the collection lacks
    assert vocab.unknown("eqnow wants something added to the un trafficking treaty") == []
    assert vocab.unknown("what does the coe trafficking convention say?") == []
    # what a user calls 'so-called' is a name too, unknown unless the collection uses it
    assert vocab.unknown("under the eu's proposed regulation - the so-called chat control - who "
                         "issues detection orders?") == ["chat control"]
    assert vocab.unknown("what about the so-called safety-by-design approach?") == []
    # … but a word the collection never uses makes it a name: 'optional protocol'
    assert vocab.unknown("the un optional protocol on the sale of children - what does it "
                         "require?") == ["un optional protocol"]
    assert vocab.unknown("what does the eu trafficking directive say?") == ["eu trafficking directive"]
    # a name runs on from its last function word, not across 'signed up to'
    assert lower_instruments("evidence from the countries signed up to trafficking convention") \
        == []
    assert lower_instruments("the protection of children online act") == \
        ["protection of children online act"]
    assert "digital services act" in vocab.unknown("what does the digital services act require?")
    assert vocab.unknown("what is the online safety act in australia?") == []
    ans = fast_assistant.ask("what does the eu digital services act require of platforms?")
    assert ans.answer.startswith(REFUSAL_PREFIX)
    assert "never mentions “eu digital services act”" in ans.answer


def test_what_followed_a_document_needs_a_later_one(fast_assistant: Assistant) -> None:
    from assistant.answering.since import after_documents

    r = fast_assistant.retriever
    q = "since the osce study came out, which participating states have passed laws on it?"
    assert after_documents(q, r) == ("the question asks what followed the osce study (2022), and "
                                     "no document in the collection is later")
    # HSToday's 2023 article republishes the OSCE's 2022 release: its text is from 2022
    assert after_documents("has anything changed since greta's report was published?", r)
    # the 2022 documents came after Equality Now's 2019 paper
    assert after_documents("since the equality now paper came out, has it got worse?", r) is None
    assert after_documents("since it came out, what have states done?", r) is None
    assert after_documents("what did the osce study say when it came out?", r) is None
    # who put out the document, and what followed ('did … go on to…')
    assert after_documents("after greta put out its study on online trafficking, did the coe "
                           "committee of ministers go on to adopt a recommendation?", r) == (
        "the question asks what followed greta's study on online trafficking (2022), and no "
        "document in the collection is later")
    assert after_documents("after the osce published its brief, what did greta say?", r) is None
    # later documents exist, but none of them names what is asked after
    assert after_documents("has tech against trafficking refreshed its catalogue since eqnow's "
                           "paper came out?", r) == (
        "the question asks what followed eqnow's paper (2019), and no later document mentions "
        "Tech Against Trafficking")
    # 'the study' is the one of the institution the question names elsewhere
    assert after_documents("since the study came out, has the osce run any training for "
                           "investigators?", r) == (
        "the question asks what followed the study (2022), and no document in the collection "
        "is later")
    assert after_documents("since the study came out, has eqnow said more?", r) is None


def test_what_followed_what_an_institution_said_needs_a_later_document(
        fast_assistant: Assistant) -> None:
    from assistant.answering.since import after_documents

    r = fast_assistant.retriever
    assert after_documents("since the osce flagged that nobody agrees how to treat chatbot "
                           "evidence, has any supreme court ruled on it?", r) == (
        "the question asks what followed the osce (2022), and no document in the collection is "
        "later")
    # a period after it asks what came later, whatever the tense
    assert after_documents("what did the osce's alliance conference conclude about technology, "
                           "the year after the study came out?", r) == (
        "the question asks what followed the study (2022), and no document in the collection is "
        "later")
    # a period after something no document is ('the palermo protocol') is not a document's
    assert after_documents("what did the osce recommend in the years after the palermo "
                           "protocol?", r) is None
    # later documents exist: what they say is answered, whatever names they leave out
    assert after_documents("since equality now called for a global compact, what has the osce "
                           "said?", r) is None

def test_a_name_only_another_institution_uses_is_said_to_be_theirs(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.unmentioned import unmentioned_name

    r = fast_assistant.retriever
    fosta = analyze("eqnow holds up the US FOSTA-SESTA package as the model - why?", r)
    assert unmentioned_name(fosta, r) == (
        "Equality Now's documents never mention FOSTA-SESTA; the OSCE policy brief (2022) does.",
        "FOSTA-SESTA", ["osce-policy-brief-2022"])
    # a republication uses the names of the text it shares with its original
    assert unmentioned_name(analyze("is richey still quoted in the hstoday article?", r), r) is None
    tools = unmentioned_name(analyze("what does the osce say about tech against trafficking?", r), r)
    assert tools is not None and tools[1] == "Tech Against Trafficking"
    # the institution's own names, common words capitalised where a sentence starts, and the
    # collection's short forms of common nouns are not names
    for q in ("what does the osce say about fosta-sesta?",
              "why does the OSCE's own Lanzarote treaty leave grown-ups out?",
              "what's the eqnow brief's last recommendation about business and NGOs working together?",
              "what does greta say about THB?"):
        assert unmentioned_name(analyze(q, r), r) is None, q


def test_which_documents_mention_a_name_is_said_from_their_text(fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.mentions import mentioned_by

    r = fast_assistant.retriever
    line = mentioned_by("which documents mention the palermo protocol?", [], r)
    assert line is not None and line[0] == ("Only the Equality Now position paper (August 2019) "
                                            "mentions the Palermo Protocol.")
    fosta = mentioned_by("does anyone else mention fosta-sesta?", [], r)
    assert fosta is not None and fosta[0] == "Only the OSCE policy brief (2022) mentions FOSTA-SESTA."
    assert mentioned_by("what does the osce say about fosta-sesta?", [], r) is None
    assert mentioned_by("which documents mention age verification?", [], r) is None


def test_what_a_country_the_documents_never_name_should_do_is_answered_in_general(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("what should the uk do about platforms?")
    assert not ans.refused
    assert ans.answer.startswith("No document in the collection mentions UK; this is what they "
                                 "recommend in general.")
    # a fact about the country is still one the collection cannot give
    fact = fast_assistant.ask("how many victims are there in the uk?")
    assert fact.answer.startswith(REFUSAL_PREFIX)
    assert "never mentions “UK”" in fact.answer
    # a law of the country is not the collection's either, although a law of that name is
    # (Australia's Online Safety Act 2021): its year is not 'corrected' from Australia's
    law = fast_assistant.ask("under the uk online safety act 2023, which offences must "
                             "platforms tackle?")
    assert law.answer.startswith(REFUSAL_PREFIX)
    assert "never mentions “UK”" in law.answer
    assert "2021" not in law.answer.split("\n\n", 1)[0]


def test_a_law_is_read_as_a_countrys_own_when_the_question_says_so() -> None:
    assert owned_law("uk", "under the uk online safety act, must platforms act?")
    assert owned_law("uk", "is it in the UK's online safety bill?")
    assert owned_law("uk", "what does the online safety act in the uk require?")
    assert owned_law("uk", "what must platforms do under uk law?")
    assert not owned_law("uk", "what should the uk do about platforms?")
    assert not owned_law("uk", "should the uk act on this?")


def test_a_country_typed_as_its_people_is_found_where_the_documents_name_it(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.mentions import mentioned_by, with_mentioned

    r = fast_assistant.retriever
    assert places_in("the americans crop up in both", country_names()) == [
        ("united states", "american")]
    q = "the americans crop up in both the osce brief and eqnows paper - in connection with what?"
    line = mentioned_by(q, [], r)
    assert line is not None and line[0] == ("The Equality Now position paper (August 2019) and "
                                            "the OSCE policy brief (2022) mention the United "
                                            "States.")
    # the passages that name it are read, whether or not the search brought them
    brought = with_mentioned(q, [], r)
    assert {p.chunk.doc_id for p in brought} == {"equality-now-icat-response-2019",
                                                 "osce-policy-brief-2022"}
    assert all("United States" in p.chunk.text for p in brought)
    assert with_mentioned("what do the americans think of age checks?", [], r) == []


def test_who_holds_a_post_now_is_beyond_the_collection(fast_assistant: Assistant) -> None:
    from assistant.answering.since import holds_post_now

    people = fast_assistant.retriever.vocab.people
    for q in ("is helga schmid still osce secretary general, and if not who took over?",
              "schmid's not sec gen any more is she - who took over at the osce?",
              "who took over from richey?",
              "who is the current special representative?"):
        assert holds_post_now(q, people, 2023) == (
            "the question asks who holds a post now, and the documents only name who held it "
            "when they were written (the newest is from 2023)"), q
    # a change of hands that is no post, and who held it then, are for the documents
    for q in ("who took over from the industry when self-regulation failed?",
              "who is the osce secretary general?",
              "is the osce still the lead on this?"):
        assert holds_post_now(q, people, 2023) is None, q
    ans = fast_assistant.ask("who took over from richey?")
    assert ans.refused and "who holds a post now" in (ans.refusal_reason or "")


def test_an_acronym_the_documents_never_spell_out_is_refused_when_asked_for(
        fast_assistant: Assistant) -> None:
    from assistant.answering.measures import unexpanded_acronym

    vocab = fast_assistant.retriever.vocab

    def spelled(q: str) -> str | None:
        return unexpanded_acronym(q, vocab.acronym_forms, vocab.proper_name, vocab.finds)

    assert spelled("the osce brief mentions fosta-sesta - what do the two acronyms stand "
                   "for?") == "FOSTA-SESTA"
    # spelled out in the text ('… Against Trafficking in Persons (ICAT)'), or not asked
    assert spelled("what does ICAT stand for?") is None
    assert spelled("what does THB stand for?") is None
    assert spelled("what does the osce brief say about fosta-sesta?") is None
    ans = fast_assistant.ask("what do fosta-sesta's acronyms stand for?")
    assert ans.refused
    assert ans.refusal_reason == "the documents use FOSTA-SESTA but never spell it out"


def test_who_a_quoted_person_is_is_answered_by_the_sentences_naming_them(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("schmid - full name + exact title? (osce release)")
    assert not ans.refused
    assert "OSCE Secretary General Helga Maria Schmid" in ans.citations[0].excerpt


def test_a_year_given_to_what_an_institution_said_is_checked_against_its_documents(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.dates import wrong_said_year

    r = fast_assistant.retriever
    for q, year in (("'as far back as 2017, equality now was calling for a worldwide pact'. is "
                     "the year right?", "2017"),
                    ("eqnow said in 2021 that tech companies can be a force for good", "2021")):
        assert wrong_said_year(analyze(q, r), r) == (
            "The Equality Now position paper (August 2019) is the one in the collection; it is "
            f"not from {year}."), q
    owned = analyze("eqnow's recent 2023 figure on sextortion - is that the latest?", r)
    assert wrong_said_year(owned, r) == ("The Equality Now position paper (August 2019) is the "
                                         "one in the collection; it is not from 2023.")
    # its own year, and the year of what it reports, are no premise about when it spoke
    assert wrong_said_year(analyze("in 2019 equality now called for a global compact", r), r) \
        is None
    assert wrong_said_year(analyze("the osce said that in 2016 the us enacted fosta-sesta?", r),
                           r) is None


def test_a_count_the_documents_give_as_a_share_is_corrected(fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.counts import count_for_share

    r = fast_assistant.retriever
    asked = analyze("eqnow say tech against trafficking came up with just 18 apps and tools for "
                    "the sex trafficking side?", r)
    quoted = [sentence(fast_assistant, "However, despite the fact that trafficking for sexual")]
    assert count_for_share(asked, quoted) == ("The documents give 18% of the tools, a share, not "
                                              "18 apps and tools (the quotation below).")
    # a share of something else, or another number, is no correction
    other = [sentence(fast_assistant, "This is an important issue that must be addressed")]
    assert count_for_share(asked, other) is None
    assert count_for_share(analyze("did they list 20 tools?", r), quoted) is None
    # 'come up with' is not 'come up' (which documents mention it)
    from assistant.answering.extractive.mentions import mentioned_by
    assert mentioned_by("tech against trafficking could only come up with 18 tools?", [], r) is None


def test_a_count_of_people_quoted_is_checked_against_the_named_document(
        fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.counts import people_count

    r = fast_assistant.retriever
    three = analyze("the osce launch release quotes three officials - schmid, richey and one "
                    "more. who's the third?", r)
    assert people_count(three, r) == ("The OSCE press release (15 February 2022) quotes two "
                                      "people, not three: Helga Maria Schmid and Val Richey.")
    assert people_count(analyze("the release quotes two officials - what did they say?", r),
                        r) is None
    assert people_count(analyze("do three officials speak about this?", r), r) is None  # no document
    ans = fast_assistant.ask("who are the two speakers quoted in the press release?")
    cited = " ".join(c.excerpt for c in ans.citations)
    assert "Helga Maria Schmid" in cited
    assert "Val Richey" in cited
