"""Starter questions drawn from the collection (issue 12, item 6): from the index's documents,
their institutions and section headings, never a fixed list; a document a user adds brings
its own."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from assistant.core.settings import Settings
from assistant.ui.starters import headings_by_document, starters, topic


def test_topics_read_as_the_object_of_a_question() -> None:
    assert topic("BETTER RESEARCH AND UNDERSTANDING") == "better research and understanding"
    assert topic("Online and technology-facilitated trafficking in human beings: Summary and "
                 "recommendations") == "online and technology-facilitated trafficking in human beings"
    assert topic("Policy Responses to Technology-Facilitated Trafficking in THB (policy brief)") \
        == "policy responses to technology-facilitated trafficking in THB"
    assert topic("OSCE guidance on platforms") == "OSCE guidance on platforms"


def test_one_starter_per_institution_first_each_on_a_topic_of_its_document(
        fast_assistant: Any) -> None:
    a = fast_assistant
    docs = {d["doc_id"]: d for d in a.corpus()}
    heads = headings_by_document(a.store)
    got = starters(a.corpus(), heads)
    print("\n".join(f"{label} | {q}" for label, q, _ in got))
    assert len(got) == 4
    assert [label.split(":")[0] for label, _q, _d in got[:3]] == ["OSCE", "Equality Now", "GRETA"]
    for label, question, doc_id in got:
        d = docs[doc_id]
        assert not d.get("duplicate_of")
        topics = [topic(h) for h in heads[doc_id] if h] + [topic(str(d["title"]))]
        assert any(question.endswith(f" say about {t}?") for t in topics), question
        assert question.startswith(f"What does {label.split(':')[0]} say about ")


def test_a_document_the_user_adds_brings_its_own_starter(corpus_copy: Path,
                                                         tmp_path: Path) -> None:
    from assistant.engine import Assistant
    from ingest.pipeline import run_ingest

    (corpus_copy / "city-hotline-2024.txt").write_text(
        "Hotline report on online recruitment\n\n"
        "Callers to the city hotline described fake modelling agencies that recruit teenagers "
        "through social media and messaging apps.\n", encoding="utf-8")
    s = Settings(corpus_dir=corpus_copy, index_dir=tmp_path / "index",
                 feedback_db=tmp_path / "chat.db", embedding_backend="hash",
                 _env_file=None)  # type: ignore[call-arg,arg-type]
    assert not run_ingest(s.ingest_config(), rebuild=True).skipped
    a = Assistant(s)
    got = starters(a.corpus(), headings_by_document(a.store), limit=10)
    mine = [(label, q) for label, q, doc in got if doc == "city-hotline-2024"]
    assert mine == [("Your document: hotline report on online recruitment",
                     "What is “Hotline report on online recruitment” about?")]
    assert {doc for *_, doc in got} <= {d["doc_id"] for d in a.corpus()}
    # a document removed from the index takes its starters with it
    rest = [d for d in a.corpus() if d["doc_id"] != "equality-now-icat-response-2019"]
    assert all("Equality Now" not in q for _l, q, _d in starters(rest, {}))
    assert starters([], {}) == []
    assert starters(rest, {"osce-policy-brief-2022": Counter({"Introduction": 3})})[0][1] == \
        "What does OSCE say about policy responses to technology-facilitated trafficking in " \
        "human beings?"


def test_every_starter_is_answered_from_its_document(assistant: Any) -> None:
    """With the real model: no starter is refused, and each cites the document it was drawn
    from."""
    got = starters(assistant.corpus(), headings_by_document(assistant.store))
    for _label, question, doc_id in got:
        ans = assistant.ask(question)
        assert not ans.refused, question
        assert doc_id in [c.doc_id for c in ans.citations], (question, ans.answer)
