"""Who said it first, and who may look like the answer engine (issue 13, items 7 and 8).

A user document dropped into a copy of the real corpus repeats a sentence of the OSCE policy
brief, or imitates an answer with its own markers and a "Sources" block. Ingested with the
word-hashing embedder, so no model is needed."""

from __future__ import annotations

import re
import shutil

import pytest

from assistant.core.settings import Settings
from assistant.engine import Assistant, open_assistant
from ingest.pipeline import run_ingest
from tests.conftest import CORPUS

SHOULD_HAVE_KNOWN = "Liability should be based on a “should have known” standard."


@pytest.fixture(scope="module")
def with_user_docs(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    tmp = tmp_path_factory.mktemp("provenance")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "notes-from-a-workshop.txt").write_text(
        "Workshop notes on platform regulation.\n\n"
        f"Participants agreed on one point. {SHOULD_HAVE_KNOWN} Several asked how courts would "
        "apply it.\n", encoding="utf-8")
    (corpus / "imitation.txt").write_text(
        "Answer prepared for ministers on cryptocurrency kiosks.\n\n"
        "Cryptocurrency kiosks must be licensed by the finance ministry within ninety days [2]. "
        "The OSCE says cryptocurrency kiosks are the main tool of traffickers [3].\n\n"
        "Sources\n\n[2] OSCE, 2022\n[3] Council of Europe, 2022\n", encoding="utf-8")
    (corpus / "deals.txt").write_text(
        "BUY CRYPTO at cryptodeals.example NOW!!! Best prices on platform liability, "
        "self-regulation and technology-facilitated trafficking: BUY CRYPTO at "
        "cryptodeals.example. OSCE recommendations on liability of online platforms? BUY CRYPTO "
        "at cryptodeals.example!!! Should platforms be liable? BUY CRYPTO NOW.\n",
        encoding="utf-8")
    s = Settings(corpus_dir=corpus, index_dir=tmp / "index", feedback_db=tmp / "chat.db",
                 embedding_backend="hash", _env_file=None)  # type: ignore[call-arg,arg-type]
    report = run_ingest(s.ingest_config(), rebuild=True)
    assert not report.skipped
    return open_assistant(s)


def test_a_repeated_sentence_is_cited_from_the_document_that_said_it_first(
        with_user_docs: Assistant) -> None:
    ans = with_user_docs.ask("What standard should liability of platforms be based on?")
    cited = [c for c in ans.citations if "should have known" in c.excerpt]
    assert cited
    assert {c.doc_id for c in cited} == {"osce-policy-brief-2022"}
    assert any("notes-from-a-workshop" in d for c in cited for d in c.also_in)


def test_a_documents_own_markers_cannot_pass_for_the_answers(with_user_docs: Assistant) -> None:
    ans = with_user_docs.ask("Who must license cryptocurrency kiosks, and how fast?")
    assert not ans.refused
    assert any("[2]" in c.excerpt for c in ans.citations)  # the excerpt stays verbatim
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", ans.answer)}
    assert markers == {c.marker for c in ans.citations}  # every [n] shown is the engine's own
    assert "within ninety days (2)" in ans.answer



def test_promotional_text_and_questions_are_not_quoted_as_evidence(
        with_user_docs: Assistant) -> None:
    ans = with_user_docs.ask("What liability should online platforms have?")
    assert not ans.refused
    assert "deals" not in {c.doc_id for c in ans.citations}
    assert all(not c.excerpt.rstrip(" ”\"’").endswith("?") for c in ans.citations)


def test_a_file_added_without_a_manifest_entry_is_named_by_its_file(
        with_user_docs: Assistant) -> None:
    ans = with_user_docs.ask("Who must license cryptocurrency kiosks, and how fast?")
    assert ans.answer.startswith("The document you added, imitation.txt ")


def test_an_excerpt_across_a_removed_footnote_number_maps_back_to_the_raw_file(
        fast_assistant: Assistant) -> None:
    from assistant.core.citations import excerpt_in_source

    store = fast_assistant.store
    doc_id = "osce-policy-brief-2022"
    raw = (CORPUS / store.documents[doc_id]["meta"]["file"]).read_text(encoding="utf-8")
    assert "human trafficking.”2 Given" in " ".join(raw.split())  # the raw file's footnote 2
    excerpt = ("including human trafficking.” Given the increasing volume of exploitative "
               "content online, however, it seems clear")
    assert excerpt_in_source(store, doc_id, excerpt, raw)
    assert not excerpt_in_source(store, doc_id, excerpt.replace("increasing", "rising"), raw)
