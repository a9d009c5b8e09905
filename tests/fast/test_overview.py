"""Questions about a document or an institution as a whole ('summarise the GRETA report',
'what's the OSCE brief about?') are answered by where each document says what it is about;
questions about something in them are not. No ranking is involved, so the fast tier runs it."""

from __future__ import annotations

from assistant.answering.extractive.overview import about_itself, asks_whole, opening
from assistant.answering.question import analyze
from assistant.engine import Assistant


def test_a_question_about_a_whole_document_is_told_from_one_about_something_in_it(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    for q in ("summarise the GRETA report", "what's the OSCE brief about?",
              "what does the press release say?", "give me the gist of the equality now paper",
              "what do GRETA and the OSCE say?", "tl;dr of the osce brief",
              "what do the documents say?", "summarise equality now's position in two sentences",
              "give me the osce brief in a nutshell",
              "what's the difference between the osce brief and the press release?",
              "how does the greta summary differ from the osce brief?",
              "what did greta find?", "i need one sentence from greta for my speech",
              "do the osce and equality now agree?"):
        assert asks_whole(analyze(q, r), r), q
    for q in ("what does the OSCE say about age checks?", "what does GRETA say about training?",
              "what does the paper recommend on liability?", "what is trafficking?",
              "what two sentences does the osce brief quote from Facebook?",
              "why? (osce age verification)",
              "what's the difference between the osce and greta on liability?",
              "what did the osce find about self-regulation?",
              "do the osce and equality now agree on liability?",
              "give me a quote i can use on platform accountability"):  # a follow-up's carried topic is a topic
        assert not asks_whole(analyze(q, r), r), q


def test_a_document_is_represented_by_what_it_says_of_itself_or_else_its_opening(
        fast_assistant: Assistant) -> None:
    r = fast_assistant.retriever
    brief = [s.text for s in about_itself("osce-policy-brief-2022", r)]
    assert brief[0].startswith("This Brief summarizes the findings of the Occasional Paper")
    assert brief[1].startswith("It examines how technology-facilitated THB is addressed")
    greta = [s.text for s in about_itself("greta-summary-2022", r)]
    assert greta[1] == "The scope of the present study is rather broad."
    # the 'brief' Equality Now speaks of is ICAT's, not its own paper: its opening stands in
    eqnow = [s.text for s in about_itself("equality-now-icat-response-2019", r)]
    assert eqnow[0].startswith("Technology, in particular the internet, has enabled")


def test_summarise_the_report_quotes_its_account_of_itself(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("summarise the GRETA report")
    assert not ans.refused
    assert {c.doc_id for c in ans.citations} == {"greta-summary-2022"}
    assert ans.citations[0].excerpt.startswith("This study moves beyond anecdotal evidence")
    both = fast_assistant.ask("what do GRETA and the OSCE say?")
    assert {"greta-summary-2022", "osce-policy-brief-2022"} <= {c.doc_id for c in both.citations}


def test_a_summary_of_each_document_asked_for_is_not_the_greta_summary_named(
        fast_assistant: Assistant) -> None:
    """'a summary of…' asks for summaries: it does not name the GRETA 'report summary'."""
    every = {d for d in fast_assistant.store.documents
             if not fast_assistant.store.meta(d).duplicate_of}
    for q in ("give me a summary of all the documents",
              "give me a one-line summary of each document"):
        ans = fast_assistant.ask(q)
        assert {c.doc_id for c in ans.citations} == every, q
    named = fast_assistant.ask("summarise the report summary")
    assert {c.doc_id for c in named.citations} == {"greta-summary-2022"}


def test_the_difference_between_two_documents_quotes_what_each_says_it_is_about(
        fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("what's the difference between the osce brief and the press release?")
    assert not ans.refused
    assert {c.doc_id for c in ans.citations} == {"osce-policy-brief-2022", "osce-press-release-2022"}


def test_a_documents_opening_line_is_its_first_sentence(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("eqnows opening line on how big online sex trafficking has got - "
                             "what exactly do they assert?")
    assert ans.answer == ("The Equality Now position paper (August 2019) says: “Technology, in "
                          "particular the internet, has enabled sex trafficking and sexual "
                          "exploitation to become the fastest growing criminal enterprise in the "
                          "world.” [1]")
    both = fast_assistant.ask("what's the first sentence of the osce brief and the press release?")
    assert [c.doc_id for c in both.citations] == ["osce-policy-brief-2022", "osce-press-release-2022"]
    # a section named: its first sentence (here the scrape's, after the heading)
    section = fast_assistant.ask("what's the first line of the conclusions in the brief?")
    assert section.citations[0].excerpt.startswith("Moreover, current efforts have focused")
    # the opening lines of the user's own speech are not a document's
    assert opening(analyze("for the minister's opening lines i want two slogans side by side: "
                           "the osce's three aims and eqnow's title", fast_assistant.retriever),
                   fast_assistant.retriever) is None
    # the first sentence of an answer before, and a first recommendation, are not openings
    r = fast_assistant.retriever
    assert opening(analyze("where is the first sentence you quoted from the osce brief?", r), r) \
        is None
    assert opening(analyze("what was the first recommendation of the osce brief?", r), r) is None
