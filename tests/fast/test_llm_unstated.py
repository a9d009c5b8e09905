"""The 'words the cited passage does not use' and 'relative date' checks of generated sentences
(assistant/answering/llm/unstated.py), on sentences the local 1.5B model wrote
(evals/llm_labels.jsonl) against the passages they cite, quoted from the corpus."""

from __future__ import annotations

from assistant.answering.llm.checked import check_sentence
from assistant.answering.llm.unstated import WordSense, relative_dates, unstated_words
from assistant.engine import Assistant
from ingest.embedding import BaseEmbedder
from tests.fast.evidence import results_with

DEBATE = ("Permeating these key topics are debates on the appropriate relationship between "
          "combating exploitation and fostering safety online on one hand, and upholding "
          "other rights and freedoms on the other.")
BARRIER = ("Another barrier to the collection of evidence is the general inability of law "
           "enforcement to covertly access devices as part of an investigation.")
LAUNCH = ("Addressing this gap is at the heart of a new OSCE study on policy responses to "
          "technology-facilitated trafficking in human beings, which was presented at a virtual "
          "launch event held today.")


def test_a_word_the_passage_never_uses_is_named() -> None:
    s = "The OSCE says that other rights must be balanced against online safety."
    assert unstated_words(s, DEBATE) == ["balanced"]


def test_a_number_word_must_be_in_the_passage_as_a_word_or_a_figure() -> None:
    s = "The OSCE brief identifies two barriers to the collection of evidence."
    assert unstated_words(s, BARRIER) == ["two"]  # "barriers" meets "barrier" by stem
    assert unstated_words("One barrier is access to devices.", BARRIER) == ["One"]  # "another"
    assert unstated_words("Two threshold questions apply.", "2 threshold questions apply") == []


def test_the_speaker_frame_and_reporting_words_are_not_checked() -> None:
    # "The OSCE brief identifies" is the frame (the speaker check judges it); "cited" and
    # "evidence" only frame what the passage says
    s = "The OSCE brief identifies another barrier to the collection of evidence."
    assert unstated_words(s, BARRIER) == []
    s = "The evidence cited names the inability of law enforcement to access devices."
    assert unstated_words(s, BARRIER) == []
    assert unstated_words("The inability of police to access devices.", BARRIER) == ["police"]


def test_a_stance_verb_is_checked_as_a_claim() -> None:
    s = "The OSCE wants combating exploitation and upholding other rights."
    assert unstated_words(s, DEBATE) == ["wants"]


def test_press_release_is_a_source_not_a_licence_for_pressing() -> None:
    s = "The press release says there is a pressing need for other rights."
    assert unstated_words(s, DEBATE) == ["pressing", "need"]


def test_a_relative_date_outside_quotation_marks_is_named() -> None:
    assert relative_dates("The study was launched at a virtual event held today.") == ["today"]
    assert relative_dates("Last year the OSCE published a study.") == ["Last year"]
    assert relative_dates('Schmid said "The OSCE today shows it has expertise."') == []


def test_the_checker_flags_both_on_the_real_passages(fast_assistant: Assistant) -> None:
    a = fast_assistant
    others = sorted({d["meta"]["publisher"] for d in a.store.documents.values()})
    results, n = results_with(a, "OSCE study presented at a virtual launch event", LAUNCH[:60])
    launch = check_sentence("The OSCE study was launched at a virtual launch event held today.",
                            results[n - 1], a.retriever, others)
    assert any(f.startswith("a relative date the reader cannot place: today (the passage is "
                            "dated 2022-02-15)") for f in launch.flags)
    results, n = results_with(a, "debates on combating exploitation and other rights", DEBATE[:60])
    debate = check_sentence("The OSCE says that other rights must be balanced against safety "
                            "online.", results[n - 1], a.retriever, others)
    assert "words the cited passage does not use: balanced" in debate.flags
    verbatim = check_sentence(DEBATE, results[n - 1], a.retriever, others)
    assert verbatim.flags == []


class _Letters:
    """An embedder whose word vectors are alike when the words share their first letter."""

    def encode(self, texts: list[str]) -> list[list[float]]:
        out = []
        for t in texts:
            v = [0.0] * 26
            v[ord(t[0].lower()) - 97] = 1.0
            out.append(v)
        return out


def test_a_word_of_like_meaning_in_the_passage_counts_as_stated() -> None:
    sense = WordSense(_Letters())  # type: ignore[arg-type]
    s = "The OSCE says that other rights must be balanced against online safety."
    assert unstated_words(s, DEBATE, sense) == []  # 'balanced' is like 'between' here
    assert unstated_words("Two rights are at stake.", DEBATE, sense) == ["Two"]  # numbers: never


def test_the_real_embedder_hears_web_in_internet(embedder: BaseEmbedder) -> None:
    sense = WordSense(embedder)
    passage = "ICT – and the internet specifically – facilitates connectivity among perpetrators."
    assert sense.close("web", passage)
    assert not sense.close("bound", passage)
