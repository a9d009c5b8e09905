"""Figures asked for on no particular subject ('give me the key numbers for a briefing') are
answered by the sentences that state them, document by document."""

from __future__ import annotations

from assistant.engine import Assistant


def test_the_collections_figures_for_a_briefing(fast_assistant: Assistant) -> None:
    ans = fast_assistant.ask("give me the key numbers for a briefing")
    assert not ans.refused
    quoted = " ".join(c.excerpt for c in ans.citations)
    assert "75%" in quoted and "78%" in quoted and "18%" in quoted
    eqnow = fast_assistant.ask("what stats does equality now give?")
    assert not eqnow.refused
    assert {c.doc_id for c in eqnow.citations} == {"equality-now-icat-response-2019"}


def test_figures_on_a_subject_are_not_the_whole_list(fast_assistant: Assistant) -> None:
    from assistant.answering.extractive.figures import asks_figures
    from assistant.answering.question import analyze

    r = fast_assistant.retriever
    assert asks_figures(analyze("give me the key numbers for a briefing", r))
    assert not asks_figures(analyze("what figures on illegal content do companies publish?", r))
    assert not asks_figures(analyze("how many victims are advertised online?", r))
