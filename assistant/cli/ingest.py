"""CLI: ingest, corpus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from assistant.cli.common import (
    console,
    err_console,
    fail,
    print_json,
    settings_with,
)


def do_ingest(corpus: Path | None, index: Path | None, rebuild: bool, quiet: bool = False) -> int:
    from ingest.pipeline import run_ingest

    config = settings_with(index, corpus).ingest_config()
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=err_console, disable=quiet, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            report = run_ingest(config, rebuild=rebuild, progress=progress)
        except FileNotFoundError as exc:
            fail(str(exc))
    for w in report.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {w}")
    for name, reason in report.skipped:
        err_console.print(f"[red]skipped[/red] {name}: {reason}")
    state = "unchanged" if report.unchanged else f"{report.embedded} passages embedded, {report.reused} reused"
    console.print(
        f"Ingested {report.documents} documents into {report.chunks} passages ({state}); "
        f"{len(report.duplicates)} duplicate documents merged"
        + "".join(f" [{a} → {b}]" for a, b in report.duplicates)
        + f", {report.passages_deduplicated} repeated passages dropped; "
        f"{len(report.skipped)} files skipped; {report.seconds:.1f} s."
    )
    return 1 if report.failed else 0


def ingest(
    corpus: Path = typer.Option(None, help="Folder of documents (default: PA_CORPUS_DIR or ./corpus)"),
    index: Path = typer.Option(None, help="Index folder (default: PA_INDEX_DIR or ./index)"),
    rebuild: bool = typer.Option(False, help="Re-embed everything instead of reusing vectors"),
) -> None:
    """Build or update the search index from the corpus (only changed files are re-embedded).

    Exit status 1 when any file could not be ingested (the others still are)."""
    raise typer.Exit(do_ingest(corpus, index, rebuild))

def corpus(index: Path = typer.Option(None, help="Index folder"),
           as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """List the documents in the index with their metadata and passage counts."""
    from ingest.index import IndexError_, load_index

    settings = settings_with(index)
    try:
        store = load_index(settings.index_dir)
    except IndexError_ as exc:
        fail(str(exc))
    docs = [{**d["meta"], "chunks": d.get("n_chunks", 0)} for d in store.documents.values()]
    if as_json:
        print_json({"documents": docs})
        return
    table = Table("doc_id", "title", "publisher", "date", "kind", "passages", "note")
    for d in docs:
        note = f"republication of {d['duplicate_of']}" if d.get("duplicate_of") else ""
        if d.get("also_published_in"):
            note = "also in " + ", ".join(x["doc_id"] for x in d["also_published_in"])
        table.add_row(d["doc_id"], d["title"][:60], d["publisher"][:40], d["date"], d["kind"],
                      str(d["chunks"]), note)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(corpus)
