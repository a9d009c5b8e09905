"""'What else do they insist on for that research?': the statement of the answer before that
'that research' points at lends its words, and the sentence after what was quoted comes next,
also when it opens the next passage."""

from __future__ import annotations

from assistant.answering.condense import condense, wants_more
from assistant.answering.extractive.scoring import ScoredSentence, continue_from
from assistant.core.models import SearchResult, Turn
from assistant.engine import Assistant
from ingest.documents import Chunk, Locator

ANSWER = ("The Equality Now position paper (August 2019) recommends: “The brief also mentions "
          "the insufficiency of existing legal frameworks.” [1]\n\nIt also calls for action: "
          "“There is a need to do more in increasing understanding - through research and "
          "analysis - on:\n\n- how online platforms are used,” [2]")


def test_a_demonstrative_points_at_the_statement_that_names_its_noun() -> None:
    history = [Turn(role="user", content="which gaps does equality now want studied more?"),
               Turn(role="assistant", content=ANSWER)]
    out = condense("what else do they insist on for that research?", history)
    assert "understanding" in out and "analysis" in out
    assert "insufficiency" not in out
    # 'it' names nothing: the answer's first statement lends its words, as before.
    assert "insufficiency" in condense("who is it for?", history)


def _sentence(chunk: Chunk, k: int, score: float) -> ScoredSentence:
    start, end = chunk.sentences[k]
    return ScoredSentence(SearchResult(chunk=chunk, score=1.0), 0, start, end, 0, k, 0.0, 0.0,
                          score)


def _chunk(cid: str, text: str, start: int) -> Chunk:
    return Chunk(doc_id="d", chunk_id=cid, text=text, title="t", publisher="p", date="2019",
                 locator=Locator(), start=start, end=start + len(text),
                 sentences=[(0, len(text))])


def test_the_sentence_opening_the_next_passage_continues_what_was_quoted() -> None:
    shown = _chunk("a", "- what legal and tech solutions are working.", 0)
    after = _chunk("b", "Most importantly this research MUST be informed by survivors.",
                   len(shown.text) + 2)
    far = _chunk("c", "The brief also mentions gaps in legal systems.", 500)
    scored = [_sentence(shown, 0, 0.5), _sentence(far, 0, 0.45), _sentence(after, 0, 0.4)]
    out = continue_from(scored, [f"“{shown.text}” [1]"])
    assert out[0].text.startswith("Most importantly")
    assert out[-1].text.startswith("The brief")


def test_what_else_sets_aside_what_was_shown_unless_the_question_names_what_it_sets_aside(
        ) -> None:
    assert wants_more("what else do they insist on for that research?")
    assert not wants_more("besides the problems, what else does it look into?")
    assert not wants_more("what else would platforms have to do, apart from prevention?")


def test_he_is_a_person_the_answer_before_names_not_a_capitalised_modifier() -> None:
    asked = Turn(role="user", content="at the osce launch, what did the special representative "
                                      "say states have to do?")
    listed = Turn(role="assistant", content="The OSCE policy brief (2022) recommends: “2. "
                                            "Enhance State-led regulatory frameworks.” [1]")
    out = condense("and what did he want the web to turn into?", [asked, listed])
    assert "Enhance" not in out and "special representative" in out
    quoted = Turn(role="assistant", content="“‘The current system is broken’, said the OSCE "
                                            "Special Representative for Combating Trafficking "
                                            "Val Richey.” [1]")
    assert "Val Richey" in condense("and what did he want the web to turn into?", [asked, quoted])


def test_connectives_are_not_carried_as_key_terms() -> None:
    history = [Turn(role="user", content="what's at the heart of the greta study?"),
               Turn(role="assistant", content="“However, despite the fact that it is rare.” [1]")]
    out = condense("what sources did they draw on for it?", history)
    assert "greta" in out and "what's" not in out
    assert "However" not in out and "despite" not in out and "fact" not in out


def test_when_that_was_published_asks_after_the_document_the_answer_before_quoted(
        fast_assistant: Assistant) -> None:
    quoted = ("The Equality Now position paper (August 2019) says: “Tech companies can be a force "
              "for good and do more than just avoid liability, they can provide solutions.” [1]")
    history = [Turn(role="user", content="what does equality now say about tech as a force for good?"),
               Turn(role="assistant", content=quoted)]
    ans = fast_assistant.ask("when was that published?", history=history)
    assert ans.standalone_question == "when was the Equality Now position paper published?"
    assert ans.answer == "The Equality Now position paper is dated August 2019. [1]"
    history += [Turn(role="user", content="when was that published?"),
                Turn(role="assistant", content=ans.answer)]
    who = fast_assistant.ask("who wrote it?", history=history)
    assert who.answer == ("The Equality Now position paper (August 2019) was published by "
                          "Equality Now. [1]")
    # a pointer that asks about what was quoted, not the catalogue, is left to the search
    still = fast_assistant.ask("is that still true?", history=history[:2])
    assert "Equality Now position paper" not in still.standalone_question
    # 'when?' on its own asks when the document quoted came out
    for q in ("when?", "and when was that?", "when did they say it?"):
        when = fast_assistant.ask(q, history=history[:2])
        assert when.answer == "The Equality Now position paper is dated August 2019. [1]", q
    assert "dated" not in fast_assistant.ask("when will it happen?", history=history[:2]).answer


def test_another_way_asks_for_a_means_not_for_more_material() -> None:
    assert not wants_more("does the brief want it extended, or the gap closed some other way?")
    assert not wants_more("is there another route to the same end?")
    assert wants_more("what other measures does it want?")
    assert wants_more("anything else?")
