"""CLI: search (the passages that best match a query, with scores)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from assistant.cli.common import (
    console,
    fail,
    load_assistant,
    print_json,
    read_jsonl,
    settings_with,
)
from assistant.core.enums import RetrievalMode
from assistant.core.errors import QuestionError
from assistant.core.models import SearchFilters, SearchResult


def result_json(r: SearchResult) -> dict[str, Any]:
    c = r.chunk
    return {"doc_id": c.doc_id, "chunk_id": c.chunk_id, "score": round(r.score, 6),
            "title": c.title, "publisher": c.publisher, "locator": c.locator.render(),
            "text": c.text}


def search(
    query: str = typer.Argument(None, help="What to search for"),
    k: int = typer.Option(5, "-k", min=1, max=50, help="How many passages"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    batch: Path = typer.Option(None, help="JSONL file of {id, question} lines"),
    index: Path = typer.Option(None, help="Index folder"),
    doc: list[str] = typer.Option(None, "--doc", help="Only these doc_ids"),
    publisher: list[str] = typer.Option(None, "--publisher", help="Only these publishers"),
    date_from: str = typer.Option(None, help="Earliest date (YYYY[-MM[-DD]])"),
    date_to: str = typer.Option(None, help="Latest date (YYYY[-MM[-DD]])"),
    mode: RetrievalMode = typer.Option(None, help="Retrieval mode (default: PA_RETRIEVAL_MODE)"),
) -> None:
    """Show the passages that best match a query, with scores."""
    if query is None and batch is None:
        fail("give a QUERY or --batch FILE")
    a = load_assistant(settings_with(index))
    try:
        filters = SearchFilters(doc_ids=doc or [], publishers=publisher or [],
                                date_from=date_from, date_to=date_to)
        a.retriever.mask(filters)
    except ValueError as exc:
        fail(str(exc))
    if batch is not None:
        for _n, item in read_jsonl(batch, a.settings.max_batch_lines):
            if isinstance(item, str):
                print_json({"id": None, "error": item})
                continue
            question = item.get("question")
            if not isinstance(question, str):
                print_json({"id": item.get("id"), "error": "'question' must be a string"})
                continue
            try:
                rs = a.search(question, k, filters, mode)
                print_json({"id": item.get("id"), "results": [result_json(r) for r in rs]})
            except QuestionError as exc:
                print_json({"id": item.get("id"), "error": str(exc)})
        return
    try:
        results = a.search(query, k, filters, mode)
    except QuestionError as exc:
        fail(str(exc))
    if as_json:
        print_json({"query": query, "results": [result_json(r) for r in results]})
        return
    for i, r in enumerate(results, start=1):
        c = r.chunk
        console.print(f"[bold]{i}. {c.title}[/bold] — {c.publisher}, {c.date} · {c.locator.render()} "
                      f"[dim](score {r.score:.4f}, {c.doc_id})[/dim]")
        console.print(c.text, markup=False, highlight=False)
        console.print()


def register(app: typer.Typer) -> None:
    app.command()(search)
