"""Whether the documents use a term: quoted where they do, silent with their nearest sentence
where they never do."""

from __future__ import annotations

from assistant.answering.extractive.terms import asked_term
from assistant.core.enums import CitationRole
from assistant.engine import Assistant


def test_the_term_asked_about_is_read_from_the_question() -> None:
    assert asked_term("can the minister call these reports on 'modern slavery'? does the osce "
                      "or eqnow ever use that phrase?") == "modern slavery"
    assert asked_term("in council-speak we'd file this under 'safeguarding'. does greta ever use "
                      "either term?") == "safeguarding"
    assert asked_term("do any of them use the word sextortion?") == "sextortion"
    assert asked_term("does eqnow ever use 'modern slavery'?") == "modern slavery"
    # a line to say, what they call something, and a topic are not terms asked about
    assert asked_term("minister wants to say 'just eighteen tools'. ok?") is None
    assert asked_term("what words do they use for victims?") is None
    assert asked_term("do they use age verification?") is None


def test_who_uses_a_term_is_said_from_the_text(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("do any of them use the word sextortion?")
    paras = ans.answer.split("\n\n")
    assert paras[0] == "Equality Now uses “sextortion”."
    evidence = [c for c in ans.citations if c.role is CitationRole.EVIDENCE]
    assert [c.doc_id for c in evidence] == ["equality-now-icat-response-2019"]
    assert "sextortion" in evidence[0].excerpt
    # the others never use it: said so, with what they say nearest to the question
    assert any(p.startswith("OSCE does not address this directly") for p in paras)
    assert {c.doc_id for c in ans.citations if c.role is CitationRole.NEAREST} >= {
        "greta-summary-2022"}
    none = fast_assistant.ask("does the osce, greta or eqnow ever use the phrase 'modern slavery'?")
    assert none.answer.startswith("No document in the collection uses “modern slavery”.")
    assert not none.refused
