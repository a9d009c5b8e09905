"""CLI: ingest, corpus."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from assistant.cli.common import (
    ExitCode,
    console,
    err_console,
    fail,
    print_json,
    settings_with,
)
from assistant.core.enums import StoreKind
from assistant.core.settings import Settings

if TYPE_CHECKING:
    from ingest.config import IngestConfig
    from ingest.lock import Holder
    from ingest.report import IngestReport


def _say(*parts: str | tuple[str, str]) -> None:
    """One line on stderr; file names and reasons are printed literally (no console markup)."""
    err_console.print(Text.assemble(*parts), highlight=False)


def _waiting(holder: Holder | None) -> None:
    who = holder.describe() if holder else "holder unknown"
    _say(("waiting:", "yellow"), f" another ingest is running on this index ({who}); this one "
         "starts when it has finished (Ctrl-C to stop; --no-wait to exit instead)")


def _summary(report: IngestReport) -> Text:
    state = ("unchanged" if report.unchanged
             else f"{report.embedded} passages embedded, {report.reused} reused")
    merged = "".join(f" [{a} → {b}]" for a, b in report.duplicates)
    return Text(
        f"Ingested {report.documents} documents into {report.chunks} passages ({state}); "
        f"{len(report.duplicates)} duplicate documents merged{merged}, "
        f"{report.passages_deduplicated} repeated passages dropped; "
        f"{len(report.skipped)} files skipped; {len(report.kept)} kept at their previous "
        f"version; {report.seconds:.1f} s.")


class _Rate(ProgressColumn):
    """Passages (or files) per second, once there is a rate to show."""

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit", "")
        return Text(f"{task.speed:.1f} {unit}/s" if task.speed and unit else "", style="cyan")


class _PlainProgress:
    """Progress as plain lines on stderr when it is not a terminal (a log, CI): a line about
    every ``every`` seconds while passages are embedded, and one at the end of a long run."""

    def __init__(self, every: float = 10.0) -> None:
        self.every = every
        self.start = 0.0
        self.last = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != "passages" or total <= 0:
            return
        now = time.monotonic()
        if not self.start:
            self.start = self.last = now
            return
        elapsed = now - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        if done >= total:
            if self.last > self.start:  # only after a run long enough to have said something
                _say(f"embedding: {total} passages in {elapsed:.0f} s ({rate:.1f} passages/s)")
            self.start = 0.0
        elif now - self.last >= self.every:
            left = f"about {(total - done) / rate:.0f} s left" if rate else "starting"
            _say(f"embedding: {done}/{total} passages ({100 * done / total:.0f}%), "
                 f"{rate:.1f} passages/s, {left}")
            self.last = now


def _run(config: IngestConfig, rebuild: bool, quiet: bool, wait: bool) -> IngestReport:
    from ingest.pipeline import run_ingest

    if quiet or not err_console.is_terminal:
        plain = None if quiet else _PlainProgress()
        return run_ingest(config, rebuild=rebuild, progress=plain, wait=wait, on_wait=_waiting)
    labels = {"load": ("reading files", "files"), "passages": ("embedding passages", "passages"),
              "index": ("writing the index", "")}
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(),
                  TimeRemainingColumn(), TimeElapsedColumn(), console=err_console,
                  transient=True) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in labels:  # "embed" counts texts; the bar shows passages
                return
            if stage not in tasks:
                label, unit = labels[stage]
                tasks[stage] = bar.add_task(label, total=total, unit=unit)
            bar.update(tasks[stage], completed=done, total=total)

        return run_ingest(config, rebuild=rebuild, progress=progress, wait=wait, on_wait=_waiting)


def do_ingest(corpus: Path | None, index: Path | None, rebuild: bool, quiet: bool = False,
              wait: bool = True) -> int:
    from ingest.lock import IndexNotWritableError, IngestBusyError

    config_settings = settings_with(index, corpus)
    config = config_settings.ingest_config()
    try:
        report = _run(config, rebuild, quiet, wait)
    except FileNotFoundError as exc:
        fail(str(exc))
    except IngestBusyError as exc:
        fail(str(exc), ExitCode.INGEST_BUSY)
    except IndexNotWritableError as exc:
        fail(str(exc), ExitCode.INDEX_NOT_WRITABLE)
    for w in report.warnings:
        _say(("warning:", "yellow"), " ", w)
    for name, reason in report.skipped:
        _say(("skipped", "red"), f" {name}: {reason}")
    for name, reason in report.kept:
        _say(("kept", "yellow"), f" the previous version of {name} (the new file cannot be "
             f"used: {reason})")
    if report.query_export:
        _say("wrote the embedding model's ONNX export for questions to ", report.query_export)
    console.print(_summary(report), highlight=False)
    if config_settings.store is StoreKind.POSTGRES:
        publish_to_database(config_settings)
    return ExitCode.FILES_FAILED if report.failed else ExitCode.OK


def publish_to_database(settings: Settings) -> str:
    """Copy the folder's live version into PA_DATABASE_URL and make it live there."""
    from ingest.index import IndexError_, load_index
    from ingest.pgstore import publish

    if not settings.database_url:
        fail("PA_STORE=postgres needs PA_DATABASE_URL (see: policy-assistant db start)")
    try:
        store = load_index(settings.index_dir, settings.embedding_model_id)
    except IndexError_ as exc:
        fail(str(exc))
    started = time.perf_counter()
    version = publish(settings.database_url, store)
    console.print(f"Published {version} ({len(store.chunks)} passages) to PostgreSQL and made "
                  f"it live; {time.perf_counter() - started:.1f} s.", highlight=False)
    return version


def ingest(
    corpus: Path = typer.Option(None, help="Folder of documents (default: PA_CORPUS_DIR or ./corpus)"),
    index: Path = typer.Option(None, help="Index folder (default: PA_INDEX_DIR or ./index)"),
    rebuild: bool = typer.Option(False, help="Re-embed everything instead of reusing vectors"),
    no_wait: bool = typer.Option(False, "--no-wait",
                                 help="If another ingest is running on the index, exit (status 3) "
                                 "instead of waiting for it"),
) -> None:
    """Build or update the search index from the corpus (only changed files are re-embedded).

    Exit status: 0 done; 1 a file could not be ingested (the others still are; a file ingested
    before keeps its previous version); 3 another ingest is running (--no-wait); 4 the index
    folder is not writable or full."""
    raise typer.Exit(do_ingest(corpus, index, rebuild, wait=not no_wait))


def corpus(index: Path = typer.Option(None, help="Index folder"),
           as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """List the documents in the index with their metadata and passage counts."""
    from ingest.index import IndexError_, load_index

    settings = settings_with(index)
    try:
        store = load_index(settings.index_dir)
    except IndexError_ as exc:
        fail(str(exc))
    docs = [{**d["meta"], "chunks": d.get("n_chunks", 0), "stale": d.get("stale")}
            for d in store.documents.values()]
    if as_json:
        print_json({"documents": docs})
        return
    table = Table("doc_id", "title", "publisher", "date", "kind", "passages", "note")
    for d in docs:
        note = f"republication of {d['duplicate_of']}" if d.get("duplicate_of") else ""
        if d.get("also_published_in"):
            note = "also in " + ", ".join(x["doc_id"] for x in d["also_published_in"])
        if d.get("stale"):
            note = f"stale: its file is unusable, previous version kept ({d['stale']})"
        cells = (d["doc_id"], d["title"][:60], d["publisher"][:40], d["date"], d["kind"],
                 str(d["chunks"]), note)
        table.add_row(*(Text(c) for c in cells))  # titles and names printed literally
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command()(ingest)
    app.command()(corpus)
