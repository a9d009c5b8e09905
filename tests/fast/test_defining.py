"""A question asking what a term means is answered by the sentence that defines it, wherever
it stands (here a footnote), not by the sentences that use the word 'definition'."""

from __future__ import annotations

from assistant.answering.extractive.defining import alias_pattern, defined_term
from assistant.engine import Assistant


def test_the_term_a_question_asks_the_meaning_of() -> None:
    assert defined_term("what is the definition of technology-facilitated trafficking?") == \
        ["technology-facilitated", "technolog", "facilit", "traffick"]
    assert defined_term("how is sextortion defined?") == ["sextort"]
    assert defined_term("what does the brief mean by safety-by-design?") is not None
    # a definition named in passing is not asked for
    assert defined_term("what middle-ground option does the OSCE suggest instead of amending "
                        "the legal definition of trafficking?") is None


def test_the_defining_sentence_leads_the_answer(fast_assistant: Assistant) -> None:
    for q in ("what is the definition of technology-facilitated trafficking?",
              "what's the osce's working definition of tech-facilitated trafficking"):
        ans = fast_assistant.ask(q)
        assert not ans.refused, q
        assert "is understood for the purposes of this report" in ans.citations[0].excerpt, q


def test_a_footnotes_number_is_not_quoted(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("what is the definition of technology-facilitated trafficking?")
    assert ans.citations[0].excerpt.startswith("“Technology-facilitated trafficking” is understood")
    facebook = fast_assistant.ask("what does the brief say about facebook's terms of service?")
    assert any(c.excerpt.startswith("See Facebook, Facebook Terms of Service")
               for c in facebook.citations)
    # a numbered list item keeps its number
    recs = fast_assistant.ask("what are the osce brief's recommendations?")
    assert any(c.excerpt.startswith("1. Ensure") or "\n\n1. Ensure" in c.excerpt
               for c in recs.citations)


def test_a_name_the_documents_give_as_anothers_alias_is_answered_by_that_sentence(
        fast_assistant: Assistant) -> None:
    """'the Council of Europe Convention on Cybercrime (the Budapest Convention)': the sentence
    that gives the name in brackets says what it is."""
    for q, alias in (("what is the budapest convention?", "(the Budapest Convention)"),
                     ("what is the lanzarote convention about?", "Lanzarote Convention")):
        ans = fast_assistant.ask(q)
        assert alias in ans.citations[0].excerpt, q
    assert alias_pattern("what does the brief say about liability?") is None
