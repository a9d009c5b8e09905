"""CLI: ``brief`` (evidence on a topic, organised and cited) and ``compare`` (by institution)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.cli.common import err_console, fail, load_assistant, settings_with
from assistant.core.errors import QuestionError

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def read_questions(path: Path) -> list[str]:
    """One sub-question per line; blank lines, '#' comments and list bullets are ignored."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        fail(f"cannot read the questions file {path}: {exc.strerror or exc}")
    out = [_BULLET.sub("", ln).strip() for ln in text.splitlines()]
    out = [q for q in out if q and not q.startswith("#")]
    if not out:
        fail(f"{path} holds no questions (one per line)")
    return out


def split_publishers(values: list[str] | None) -> list[str]:
    """'--publishers OSCE --publishers "Equality Now"' or '--publishers OSCE,GRETA'."""
    return [p.strip() for v in values or [] for p in v.split(",") if p.strip()]


def _check_publishers(a: Any, wanted: list[str]) -> None:
    known = a.publishers()
    for w in wanted:
        if not any(w.lower() in p.lower() for p in known):
            fail(f"no publisher in the collection matches '{w}'. Publishers: {'; '.join(known)}")


def _emit(doc: Any, out: Path | None) -> None:
    from assistant.briefs import to_markdown, write_docx

    if out is None:
        sys.stdout.write(to_markdown(doc))
        return
    suffix = out.suffix.lower()
    if suffix == ".docx":
        write_docx(doc, out)
    elif suffix in (".md", ".markdown"):
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(to_markdown(doc), encoding="utf-8")
    else:
        fail(f"--out must end in .md or .docx (got '{out.name}')")
    n_refs = len(doc.references)
    err_console.print(f"Wrote {out} ({n_refs} reference{'s' if n_refs != 1 else ''}).")


_Publishers = Annotated[list[str] | None, typer.Option(
    "--publishers", "--publisher", help="Only these publishers (repeat or comma-separate)")]
_Index = Annotated[Path | None, typer.Option(help="Index folder")]


def brief(
    topic: Annotated[str, typer.Argument(help="The topic, e.g. 'platform liability'")],
    questions: Annotated[Path | None, typer.Option(
        "--questions", help="Text file: one sub-question per line")] = None,
    publishers: _Publishers = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="brief.md or brief.docx (default: Markdown on stdout)")] = None,
    compare: Annotated[bool, typer.Option(
        "--compare", help="Key points by institution, side by side")] = False,
    index: _Index = None,
) -> None:
    """A brief on a topic: key points, a section per sub-question, numbered references.

    Every quotation is verbatim text of its source."""
    from assistant.briefs import build_brief

    qs = read_questions(questions) if questions is not None else None
    wanted = split_publishers(publishers)
    a = load_assistant(settings_with(index))
    _check_publishers(a, wanted)
    try:
        doc = build_brief(a, topic, qs, wanted or None, compare_institutions=compare)
    except QuestionError as exc:
        fail(str(exc))
    _emit(doc, out)

def compare_cmd(
    topic: Annotated[str, typer.Argument(help="The topic, e.g. 'age verification'")],
    publishers: _Publishers = None,
    out: Annotated[Path | None, typer.Option(
        "--out", help="comparison.md or .docx (default: Markdown on stdout)")] = None,
    index: _Index = None,
) -> None:
    """What each institution in the collection says on a topic, side by side, or that it says
    nothing on it."""
    from assistant.briefs import compare as compare_topic

    wanted = split_publishers(publishers)
    a = load_assistant(settings_with(index))
    _check_publishers(a, wanted)
    try:
        doc = compare_topic(a, topic, wanted or None)
    except QuestionError as exc:
        fail(str(exc))
    _emit(doc, out)


def register(app: typer.Typer) -> None:
    app.command()(brief)
    app.command(name="compare")(compare_cmd)
