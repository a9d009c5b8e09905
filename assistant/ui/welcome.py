"""The welcome page (``chainlit.md``, generated from the index) and the starter questions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.ui.render import md_escape
from ingest.text import long_date

LOADING = ("*The list of documents appears here once the document index has loaded: close "
           "this page and open it again in a moment.*")


def _cell(text: str) -> str:
    return md_escape(text).replace("\n", " ")


def welcome_markdown(documents: list[dict[str, Any]] | None,
                     app_name: str = "Policy Assistant") -> str:
    """What the assistant is for, the collection (title, publisher, date), how answers cite.
    ``documents`` is ``Assistant.corpus()``, or None while the index is still loading."""
    main = [d for d in documents or [] if not d.get("duplicate_of")]
    dups = [d for d in documents or [] if d.get("duplicate_of")]
    main.sort(key=lambda d: (str(d.get("date") or ""), str(d.get("title") or "")), reverse=True)
    titles = {d["doc_id"]: d.get("title", d["doc_id"]) for d in documents or []}
    lines = [
        f"# {app_name}",
        "",
        "Ask questions about **technology-facilitated human trafficking** and the policy "
        "responses to it. Every answer is built from sentences quoted **verbatim** from a "
        "curated collection of policy documents, each with a citation you can check.",
        "",
        "## How answers cite",
        "",
        "- Each quoted sentence ends with a marker such as **[1]**. Click the marker, or the "
        "source listed under the answer, to open it in the side panel: title, publisher, date, "
        "where it is in the document (page, section, paragraph) and the passage, with the "
        "quoted sentence in bold.",
        "- The assistant answers **only from these documents**, not from the web or general "
        "knowledge. When they don't cover a question, it says so and shows the closest "
        "material instead of guessing.",
        "- Follow-up questions work: *And which conventions cover that?*",
        "",
    ]
    if documents is None:
        lines += ["## The collection", "", LOADING]
    else:
        lines += [f"## The collection ({len(main)} document{'s' if len(main) != 1 else ''})",
                  "", "| Title | Publisher | Date |", "|---|---|---|"]
    for d in main:
        lines.append(f"| {_cell(str(d.get('title', d['doc_id'])))} | "
                     f"{_cell(str(d.get('publisher', '')))} | "
                     f"{_cell(long_date(str(d.get('date') or '')) or 'undated')} |")
    if dups:
        lines += ["", "Republications merged with their original (cited as the original):", ""]
        for d in dups:
            orig = titles.get(str(d["duplicate_of"]), str(d["duplicate_of"]))
            lines.append(f"- *{_cell(str(d.get('title', '')))}* — {_cell(str(d.get('publisher', '')))}"
                         f", {_cell(long_date(str(d.get('date') or '')))} (same text as "
                         f"*{_cell(orig)}*)")
    lines += [
        "",
        "## Using the chat",
        "",
        "- **Settings** (the gear icon in the message box): restrict answers to some "
        "publishers or documents, choose how many sources to read, and the answer mode.",
        "- **Feedback**: thumbs up or down under an answer, with an optional comment.",
        "- **Briefs**: *Add to brief* collects an answer's cited excerpts; *Export brief* "
        "gives a Markdown and a Word (DOCX) file to download.",
        "",
    ]
    return "\n".join(lines)


def write_welcome(root: Path, documents: list[dict[str, Any]] | None) -> Path:
    """Write ``chainlit.md`` when its text changed; ``None`` while the index is loading."""
    text = welcome_markdown(documents)
    # chainlit_en-US.md too: the UI language is forced to en-US and Chainlit looks for it first
    for name in ("chainlit_en-US.md", "chainlit.md"):
        path = root / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return path
