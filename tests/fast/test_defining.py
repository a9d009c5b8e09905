"""A question asking what a term means is answered by the sentence that defines it, wherever
it stands (here a footnote), not by the sentences that use the word 'definition'."""

from __future__ import annotations

from assistant.answering.extractive.defining import defined_term
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
