"""Stemming from several threads at once (a server answers questions in parallel threads)."""

from __future__ import annotations

import threading

from ingest.text import content_terms, stem, tokenize
from tests.conftest import CORPUS


def test_threads_stemming_at_once_get_the_stems_of_one_thread() -> None:
    words = sorted({w for p in CORPUS.glob("*.txt") for w in tokenize(p.read_text("utf-8"))
                    if w.isalpha()})
    assert len(words) > 500
    raw = stem.__wrapped__  # the stemmer itself, past the cache
    expected = {w: raw(w) for w in words}
    wrong: list[tuple[str, str]] = []
    failed: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for _ in range(3):
                for w in words[offset:] + words[:offset]:
                    got = raw(w)
                    if got != expected[w]:
                        wrong.append((w, got))
        except BaseException as exc:  # noqa: BLE001 - collected and asserted on below
            failed.append(exc)

    threads = [threading.Thread(target=work, args=(i * 37,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failed == [] and wrong == []


def test_a_word_run_into_a_number_also_yields_its_letters() -> None:
    assert "covid" in content_terms("accelerated by the COVID19 pandemic")
    assert content_terms("covid") == ["covid"]
    assert "g20" in content_terms("the G20 summit") and "g" not in content_terms("the G20 summit")
