"""CLI: ask (single or batch) and a terminal chat."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assistant.cli.common import (
    console,
    fail,
    load_assistant,
    print_json,
    read_jsonl,
    settings_with,
)
from assistant.core.enums import AnswerMode, StreamKind
from assistant.core.errors import QuestionError
from assistant.core.formatting import answer_json
from assistant.core.models import Answer, SearchFilters, Turn

if TYPE_CHECKING:
    from assistant.engine import Assistant


def print_sources(ans: Answer) -> None:
    cites = ans.citations or ans.closest
    if not cites:
        return
    console.print("\n[bold]Sources[/bold]" if ans.citations else "\n[bold]Closest material[/bold]")
    for c in cites:
        flag = "" if c.supported or not ans.citations else " [yellow](not supported)[/yellow]"
        console.print(f"[{c.marker}] {c.title} — {c.publisher}, {c.date} · {c.locator} "
                      f"[dim]({c.doc_id})[/dim]{flag}", highlight=False)
        console.print(f"    “{c.excerpt}”", markup=False, highlight=False)


def load_history(path: Path | None) -> list[Turn]:
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Turn(**t) for t in data]
    except (OSError, ValueError, TypeError) as exc:
        fail(f"history file {path}: expected a JSON list of {{role, content}} ({exc})")


def _ask_batch(a: Assistant, batch: Path, filters: SearchFilters, mode: AnswerMode | None,
               k: int | None) -> None:
    """One JSON line per input line: the answer, or the error for that line."""
    for _n, item in read_jsonl(batch, a.settings.max_batch_lines):
        if isinstance(item, str):
            print_json({"id": None, "error": item})
            continue
        qid = item.get("id")
        try:
            turns = [Turn(**t) for t in item.get("history") or []]
            print_json(answer_json(a.ask(str(item.get("question") or ""), turns, filters, mode, k),
                                   qid))
        except QuestionError as exc:
            print_json({"id": qid, "error": str(exc)})
        except (TypeError, ValueError) as exc:
            print_json({"id": qid, "error": f"bad input: {exc}"})


def ask(
    question: str = typer.Argument(None, help="The question"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    history: Path = typer.Option(None, help="JSON file: list of {role, content} turns"),
    batch: Path = typer.Option(None, help="JSONL file of {id, question, history} lines"),
    mode: AnswerMode = typer.Option(None, help="Answer engine (default: PA_ANSWERER)"),
    index: Path = typer.Option(None, help="Index folder"),
    k: int = typer.Option(None, "-k", min=1, max=20, help="Passages to read"),
    publisher: list[str] = typer.Option(None, "--publisher", help="Only these publishers"),
    doc: list[str] = typer.Option(None, "--doc", help="Only these doc_ids"),
) -> None:
    """Answer a question with verbatim, cited excerpts (or a grounded refusal)."""
    if question is None and batch is None:
        fail("give a QUESTION or --batch FILE")
    a = load_assistant(settings_with(index))
    filters = SearchFilters(doc_ids=doc or [], publishers=publisher or [])
    if batch is not None:
        _ask_batch(a, batch, filters, mode, k)
        return
    try:
        ans = a.ask(question, load_history(history), filters, mode, k)
    except QuestionError as exc:
        fail(str(exc))
    if as_json:
        print_json(answer_json(ans))
        return
    if ans.notice:
        console.print(f"[yellow]{ans.notice}[/yellow]")
    console.print(ans.answer, markup=False, highlight=False)
    print_sources(ans)


def _chat_turn(a: Assistant, question: str, history: list[Turn],
               mode: AnswerMode | None) -> Answer | None:
    """Stream one answer to the terminal; None when the question was not accepted."""
    final: Answer | None = None
    try:
        for ev in a.ask_stream(question, history, None, mode):
            if ev.kind is StreamKind.TOKEN:
                console.print(ev.text, end="", markup=False, highlight=False)
            elif ev.answer is not None:
                final = ev.answer
    except QuestionError as exc:
        console.print(f"[yellow]{exc}[/yellow]")
        return None
    console.print()
    return final


def chat(
    mode: AnswerMode = typer.Option(None, help="Answer engine (default: PA_ANSWERER)"),
    index: Path = typer.Option(None, help="Index folder"),
) -> None:
    """A conversation in the terminal, with streaming answers and readable sources."""
    a = load_assistant(settings_with(index))
    console.print("[bold]policy-assistant[/bold] — ask about the documents; empty line or "
                  "Ctrl-D to quit.")
    history: list[Turn] = []
    while True:
        try:
            q = console.input("[bold cyan]you>[/bold cyan] ")
        except (EOFError, KeyboardInterrupt):
            break
        if not q.strip():
            break
        t0 = time.perf_counter()
        final = _chat_turn(a, q, history, mode)
        if final is not None:
            if final.notice:
                console.print(f"[yellow]{final.notice}[/yellow]")
            print_sources(final)
            history += [Turn(role="user", content=q), Turn(role="assistant", content=final.answer)]
        console.print(f"[dim]{(time.perf_counter() - t0) * 1e3:.0f} ms[/dim]\n")


def register(app: typer.Typer) -> None:
    app.command()(ask)
    app.command()(chat)
