"""Helpers shared by the CLI command modules (loading, errors, output)."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from assistant.core.errors import NotReadyError
from assistant.core.settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.engine import Assistant

# Long lines wrap in the terminal, not in the text: a message stays one line when piped.
console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


class ExitCode(IntEnum):
    """Exit statuses of the ``policy-assistant`` commands (listed in the README)."""

    OK = 0
    FILES_FAILED = 1  # ingest: a file could not be ingested; other commands: a one-line error
    USAGE = 2  # a wrong option or argument (Typer's own)
    INGEST_BUSY = 3  # another ingest holds the index's lock and --no-wait was given
    INDEX_NOT_WRITABLE = 4  # the index folder is read-only, missing rights, or full
    UNSAFE_SERVE = 5  # serve: would listen beyond this machine without login


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, the message printed literally (file names may hold brackets)."""
    err_console.print(Text.assemble(("error:", "red"), " ", message), highlight=False)
    raise typer.Exit(code)


def settings_with(index: Path | None = None, corpus: Path | None = None) -> Settings:
    s = get_settings()
    updates: dict[str, Any] = {}
    if index is not None:
        updates["index_dir"] = index
    if corpus is not None:
        updates["corpus_dir"] = corpus
    return s.model_copy(update=updates) if updates else s


def load_assistant(settings: Settings) -> Assistant:
    """The Assistant, or a clean one-line error telling the user how to fix the index."""
    from assistant.engine import open_assistant  # the model stack loads only when needed

    try:
        return open_assistant(settings)
    except NotReadyError as exc:
        fail(str(exc))


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def read_jsonl(path: Path, limit: int) -> list[tuple[int, dict[str, Any] | str]]:
    """Lines of a JSONL file: (line number, object) or (line number, error message)."""
    if not path.exists():
        fail(f"batch file not found: {path}")
    out: list[tuple[int, dict[str, Any] | str]] = []
    with path.open(encoding="utf-8", errors="replace") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            if len(out) >= limit:
                fail(f"{path}: more than {limit:,} lines; split the file (PA_MAX_BATCH_LINES)")
            try:
                obj = json.loads(line)
                out.append((n, obj if isinstance(obj, dict) else f"line {n}: not a JSON object"))
            except json.JSONDecodeError as exc:
                out.append((n, f"line {n}: invalid JSON ({exc.msg})"))
    return out
