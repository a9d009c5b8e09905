"""The CLI contract: JSON shapes, batch mode, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli.main import app

pytestmark = pytest.mark.slow
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_search_json(corpus_index: Path) -> None:
    code, out, _ = run("search", "share of sex trafficking victims advertised online", "-k", "3",
                       "--json", "--index", str(corpus_index))
    assert code == 0
    data = json.loads(out)
    assert data["query"].startswith("share of")
    assert len(data["results"]) == 3
    first = data["results"][0]
    assert set(first) == {"doc_id", "chunk_id", "score", "title", "publisher", "locator", "text"}
    assert first["doc_id"] == "osce-press-release-2022" and "75%" in first["text"]


def test_search_batch_keeps_order(corpus_index: Path, tmp_path: Path) -> None:
    f = tmp_path / "q.jsonl"
    f.write_text('{"id": "a", "question": "age verification"}\n'
                 'not json\n'
                 '{"id": "b", "question": "Palermo Protocol"}\n', encoding="utf-8")
    code, out, _ = run("search", "--batch", str(f), "-k", "2", "--json", "--index", str(corpus_index))
    assert code == 0
    lines = [json.loads(x) for x in out.splitlines()]
    assert [x.get("id") for x in lines] == ["a", None, "b"]
    assert "invalid JSON" in lines[1]["error"]
    assert lines[2]["results"][0]["doc_id"] == "equality-now-icat-response-2019"


def test_ask_json_shape(corpus_index: Path) -> None:
    code, out, _ = run("ask", "What liability standard does the OSCE recommend?", "--json",
                       "--index", str(corpus_index))
    assert code == 0
    data = json.loads(out)
    assert {"id", "question", "standalone_question", "answer", "refused", "citations",
            "timings_ms"} <= set(data)
    c = data["citations"][0]
    assert {"marker", "doc_id", "chunk_id", "title", "publisher", "date", "locator", "excerpt",
            "supported"} <= set(c)
    assert "should have known" in c["excerpt"]


def test_ask_batch_with_history_and_a_bad_line(corpus_index: Path, tmp_path: Path) -> None:
    f = tmp_path / "b.jsonl"
    rows = [
        {"id": 1, "question": "What is the population of Brazil?"},
        {"id": 2, "question": "", "history": []},
        {"id": 3, "question": "Who should carry it out?",
         "history": [{"role": "user", "content": "What does the OSCE recommend about proactive monitoring?"},
                     {"role": "assistant", "content": "Proactive monitoring."}]},
        {"id": 4, "question": "x", "history": [{"role": "robot", "content": "?"}]},
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    code, out, _ = run("ask", "--batch", str(f), "--json", "--index", str(corpus_index))
    assert code == 0
    got = [json.loads(x) for x in out.splitlines()]
    assert [g["id"] for g in got] == [1, 2, 3, 4]
    assert got[0]["refused"] is True
    assert "type a question" in got[1]["error"]
    assert "monitoring" in got[2]["standalone_question"]
    assert "bad input" in got[3]["error"]


def test_missing_index_is_one_clean_line(tmp_path: Path) -> None:
    code, out, err = run("ask", "anything", "--index", str(tmp_path / "nowhere"))
    assert code == 1
    assert "no index in" in err and "policy-assistant ingest" in err
    assert "Traceback" not in out + err


def test_corpus_lists_documents(corpus_index: Path) -> None:
    code, out, _ = run("corpus", "--json", "--index", str(corpus_index))
    assert code == 0
    docs = {d["doc_id"]: d for d in json.loads(out)["documents"]}
    assert len(docs) == 5
    assert docs["hstoday-osce-study-2023"]["duplicate_of"] == "osce-press-release-2022"
    assert docs["osce-policy-brief-2022"]["chunks"] > 10


def test_ingest_exit_status_reports_failures(corpus_copy: Path, tmp_path: Path) -> None:
    idx = tmp_path / "idx"
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.7 nonsense")
    code, out, err = run("ingest", "--corpus", str(corpus_copy), "--index", str(idx))
    assert code == 1
    assert "skipped broken.pdf: corrupt or unreadable PDF" in " ".join(err.split())
    assert "Ingested 5 documents" in out
    (corpus_copy / "broken.pdf").unlink()
    code, out, _ = run("ingest", "--corpus", str(corpus_copy), "--index", str(idx))
    assert code == 0
