"""Questions about the collection itself (which documents, when, by whom) are answered from its
catalogue, with each document cited; questions about what documents say are not.

Run on the real corpus with the word-hashing embedder: the catalogue answer uses no ranking."""

from __future__ import annotations

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

from assistant.answering.catalogue import Catalogue, asks, documents_asked
from assistant.answering.extractive.answerer import ExtractiveAnswerer
from assistant.answering.llm.answerer import LLMAnswerer
from assistant.core.citations import excerpt_in_source
from assistant.core.enums import AnswerMode, CitationRole
from assistant.engine import Assistant


@pytest.mark.parametrize(("question", "kind"), [
    ("what documents do you have?", Catalogue.LIST),
    ("which sources are in the collection?", Catalogue.LIST),
    ("eqnow 2019 paper full title", Catalogue.TITLE),
    ("what is the OSCE brief called?", Catalogue.TITLE),
    ("name of the greta report", Catalogue.TITLE),
    ("what does Title IX say?", None),
    ("when did equality now publish its paper?", Catalogue.DATES),
    ("which came out first - eqnow's paper, the greta study or the osce one? dates pls",
     Catalogue.DATES),
    ("eqnow icat reply - date?", Catalogue.DATES),
    ("is the hstoday piece newer than the osce press release?", Catalogue.DATES),
    ("who wrote the position paper?", Catalogue.PUBLISHER),
    ("wen was the osce brief publishd?", Catalogue.DATES),
    ("what sources r there", Catalogue.LIST),
    ("list of docs", Catalogue.LIST),
    ("what does the latest OSCE report say about liability?", None),
    ("when was the OSCE study launched?", None),
    ("when should platforms remove content?", None),
    ("what documents do you have about age verification?", None),
    ("what documents are there on encryption?", None),
    ("hstoday osce article - date on the page?", Catalogue.DATES),
    ("what date is the equality now paper?", Catalogue.DATES),
    ("what date was the launch event?", None),
    ("what's the organisation behind the greta report?", Catalogue.PUBLISHER),
    ("who is behind the hstoday article?", Catalogue.PUBLISHER),
    ("which part of the osce actually wrote the longer paper?", Catalogue.PUBLISHER),
    ("who is behind trafficking rings?", None),
    ("which part of the internet do traffickers use?", None),
    ("which document is the most recent?", Catalogue.DATES),
    ("which one is the oldest?", Catalogue.DATES),
    ("which documents are there?", Catalogue.LIST),
])
def test_what_a_question_asks_of_the_catalogue(question: str, kind: Catalogue | None) -> None:
    assert asks(question) == kind


def test_the_documents_a_question_names(fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    assert documents_asked("when did eqnow publish its paper?", r) == [
        "equality-now-icat-response-2019"]
    # 'the osce one' names no kind of document: both of the OSCE's are meant
    assert set(documents_asked("eqnow's paper or the osce one - which came first?", r)) == {
        "equality-now-icat-response-2019", "osce-policy-brief-2022", "osce-press-release-2022"}
    assert documents_asked("when was the OSCE press release published?", r) == [
        "osce-press-release-2022"]
    # one document of its kind among those the question names is that document
    assert documents_asked("hstoday osce article - date on the page?", r) == [
        "hstoday-osce-study-2023"]
    assert len(documents_asked("when were the osce and greta reports published?", r)) == 3
    # a source the collection only quotes is not one of its documents
    assert documents_asked("who wrote the ICAT issue brief?", r) == []


def test_which_came_first_lists_the_named_documents_oldest_first(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask(
        "which came out first - eqnow's paper, the greta study or the osce one? dates pls")
    assert not ans.refused
    first, _, *lines = ans.answer.split("\n")
    assert first.startswith("The Equality Now position paper (August 2019) is the oldest")
    assert [c.doc_id for c in ans.citations] == [
        "equality-now-icat-response-2019", "osce-press-release-2022", "greta-summary-2022",
        "osce-policy-brief-2022"]
    assert lines[1] == "- The OSCE press release (15 February 2022) [2]"
    assert lines[3] == "- The OSCE policy brief (2022, year only) [4]"
    store = fast_assistant.retriever.store
    assert all(excerpt_in_source(store, c.doc_id, c.excerpt) for c in ans.citations)
    # the press release states its own date: that sentence is the one cited
    assert ans.citations[1].excerpt.startswith("VIENNA, 15 February 2022")


def test_the_document_list_names_every_document_and_the_republication(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("what documents do you have?")
    assert ans.answer.startswith("The collection holds 5 documents:")
    assert len(ans.citations) == 5
    hstoday = next(line for line in ans.answer.split("\n") if "HSToday" in line)
    assert hstoday.endswith("a republication of the OSCE press release [5]")


def test_one_documents_date_and_publisher(fast_assistant: Assistant) -> None:
    dated = fast_assistant.ask("when was the OSCE policy brief published?")
    assert dated.answer == ("The OSCE policy brief is dated 2022; the collection's catalogue "
                            "gives the year only. [1]")
    who = fast_assistant.ask("who wrote the position paper?")
    assert who.answer == ("The Equality Now position paper (August 2019) was published by "
                          "Equality Now. [1]")


def test_a_question_about_content_is_not_answered_from_the_catalogue(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("who wrote the ICAT issue brief?")
    assert "was published by" not in ans.answer


def test_the_llm_engine_gives_the_catalogue_answer_without_calling_the_model(
        fast_assistant: Assistant) -> None:
    model = GenericFakeChatModel(messages=iter([]))  # no replies: a call would raise
    engine = LLMAnswerer(ExtractiveAnswerer(fast_assistant.retriever,
                                            fast_assistant.answer_config),
                         fast_assistant.llm_config, model)
    ans = engine.answer("when did equality now publish its paper?")
    assert ans.mode is AnswerMode.LLM
    assert ans.answer == "The Equality Now position paper is dated August 2019. [1]"


def test_an_institution_the_text_never_spells_out_is_named_from_the_catalogue(
        fast_assistant: Assistant) -> None:
    greta = fast_assistant.ask("what does GRETA stand for?")
    assert greta.answer == (
        "The GRETA report summary (March 2022) was published by Council of Europe, Group of "
        "Experts on Action against Trafficking in Human Beings (GRETA). [1]")
    # the OSCE's full name is in a passage: that is quoted, not the catalogue
    osce = fast_assistant.ask("what is the OSCE?")
    assert "Organization for Security and Cooperation in Europe (OSCE)" in osce.citations[0].excerpt
    assert osce.citations[0].role is CitationRole.EVIDENCE
    # typed in lower case, as users do, the names are asked for all the same
    assert fast_assistant.ask("what's greta?").answer == greta.answer
    lower = fast_assistant.ask("what is the osce?")
    assert "Organization for Security and Cooperation in Europe (OSCE)" in \
        lower.citations[0].excerpt


def test_the_name_of_something_else_is_not_the_institutions_catalogue_entry(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("what's the full name of the body behind the research in the "
                             "HSToday repost?")
    assert "was published by" not in ans.answer


def test_several_documents_asked_who_published_them_name_each_publisher(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("who published the OSCE documents?")
    lines = ans.answer.split("\n")
    assert lines[0] == "The documents and who published them, oldest first:"
    assert lines[2] == "- The OSCE press release (15 February 2022), published by OSCE [1]"
    assert lines[3].startswith("- The OSCE policy brief (2022, year only), published by OSCE "
                               "Office of the Special Representative")


def test_a_documents_title_is_given_from_the_catalogue(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("eqnow 2019 paper full title")
    assert not ans.refused
    assert ans.answer == ("The Equality Now position paper (August 2019) is titled “Technology "
                          "and Trafficking: The Need for a Stronger, Gendered and Cooperative "
                          "Approach”. [1]")
    assert [c.doc_id for c in ans.citations] == ["equality-now-icat-response-2019"]


def test_a_catalogue_question_is_read_with_its_slips_spelled_out(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("wich part of the osce actualy wrote the longer paper that the "
                             "breif sumarises?")
    assert ans.answer.startswith("The OSCE policy brief (2022, year only) was published by OSCE "
                                 "Office of the Special Representative")


def test_a_document_the_collection_only_mentions_is_not_answered_from_the_catalogue(
        fast_assistant: Assistant) -> None:
    from assistant.answering.catalogue import catalogue_answer

    r = fast_assistant.retriever
    # the brief summarises the OSCE's occasional paper, which is not in the collection
    assert catalogue_answer("osce occasional paper on tech trafficking - full title", r) is None
    own = catalogue_answer("what is the title of the osce policy brief?", r)
    assert own is not None and "Policy Responses to Technology-Facilitated" in own[0]


def test_who_publishes_an_outlet_is_answered_from_the_catalogue(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("who publishes hstoday?")
    assert ans.answer == ("The HSToday news article (5 February 2023) was published by Homeland "
                          "Security Today (HSToday). [1]")


def test_what_a_republication_adds_is_its_own_sentences(fast_assistant: Assistant) -> None:
    for q in ("what does hstoday add?", "is the hstoday article just a copy of the osce release?",
              "what does the article add to the press release?",  # named by its kind alone
              "what does the hstoday article say?"):  # had been refused: no overview of a copy
        ans = fast_assistant.ask(q)
        assert ans.answer.startswith("The HSToday news article (5 February 2023) republishes the "
                                     "OSCE press release; these are the sentences only it has."), q
        assert {c.doc_id for c in ans.citations} == {"hstoday-osce-study-2023"}, q
        assert "virtual launch event on February 15" in ans.citations[0].excerpt
    # a question about something in it is answered as any other
    same = fast_assistant.ask("the HSToday repost and the OSCE's own release - do they give the "
                              "launch date the same way?")
    assert "republishes" not in same.answer.split("\n\n")[0]


def test_a_headline_is_a_title_and_a_job_title_is_not(fast_assistant: Assistant) -> None:
    q = ("for the footnote - what headline did the osce put on its press release about the "
         "study? exact wording pls")
    assert asks(q) is Catalogue.TITLE
    ans = fast_assistant.ask(q)
    assert ans.answer == ("The OSCE press release (15 February 2022) is titled “New policies "
                          "needed to combat trafficking in the internet era, according to OSCE "
                          "study”. [1]")
    # a person's job title is in the text, not the catalogue; 'about' still asks for content
    assert asks("val richey - exact job title? (osce release)") is None
    assert asks("what does the brief say about the titles of its sections?") is None


def test_an_institution_is_named_by_a_possessive_typed_without_its_apostrophe(
        fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    assert insts.named_in("the osce brief and eqnows paper") == ["OSCE", "Equality Now"]
    assert insts.named_in("what do the greta experts say?") == ["GRETA"]


def test_the_title_of_a_treaty_or_of_a_person_is_not_the_catalogues() -> None:
    assert asks("coe anti-trafficking convention - full title? (greta page)") is None
    assert asks("schmid - full name + exact title? (osce release)") is None
    assert asks("eqnow 2019 paper full title") is Catalogue.TITLE


def test_a_position_paper_is_a_document_whose_title_the_catalogue_gives() -> None:
    assert asks("what is the Equality Now position paper called?") is Catalogue.TITLE
    assert asks("what is schmid's position and title?") is None


def test_institution_mentions_are_remembered_but_not_shared(fast_assistant: Assistant) -> None:
    insts = fast_assistant.retriever.institutions
    first = insts.mentions("what do the osce and eqnow say?")
    first.clear()  # a caller's changes do not reach the remembered answer
    assert [n for n, _, _ in insts.mentions("what do the osce and eqnow say?")] == [
        "OSCE", "Equality Now"]
