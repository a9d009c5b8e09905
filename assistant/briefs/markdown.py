"""Markdown rendering of a :class:`~assistant.briefs.build.Brief` or :class:`~assistant.briefs.build.Comparison`.

Citations are numbered links (``[[3]](#ref-3)``) to anchors in the references section.
"""

from __future__ import annotations

import re

from assistant.briefs.model import (
    Brief,
    Comparison,
    Excerpt,
    InstitutionView,
    Reference,
    SourceDoc,
    human_stamp,
)
from assistant.briefs.sources import scope_sentence

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def esc(text: str) -> str:
    """Escape the characters Markdown would read as markup (quotations stay word for word)."""
    return _SPECIAL.sub(r"\\\1", text)


def kind_text(kind: str) -> str:
    """'report summary (web page)' -> 'report summary, web page'."""
    return re.sub(r"\s*\(([^)]*)\)", r", \1", kind).strip()


def marker(ref: int) -> str:
    return f"[[{ref}]](#ref-{ref})"


def _quote(e: Excerpt) -> list[str]:
    body = "\n> ".join(re.sub(r"^(\s*)([#+\-]|\d+[.)])(\s)", r"\1\\\2\3", ln) if i else ln
                        for i, ln in enumerate(esc(e.text).split("\n")))
    lines = [f"> “{body}” {marker(e.ref)}", ">",
             f"> — {esc(e.label[:1].upper() + e.label[1:])}, {esc(e.locator)}", ""]
    return lines


def _scope(docs: list[SourceDoc], as_of: str) -> list[str]:
    searched = [d for d in docs if d.searched]
    out = ["## Scope", "",
           esc(scope_sentence(docs, as_of)), ""]
    for d in searched:
        when = f", {d.date}" if d.date else ""
        out.append(f"- *{esc(d.title)}* — {esc(d.publisher)}{when} ({esc(kind_text(d.kind))})")
    others = [d for d in docs if not d.searched]
    if others:
        out += ["", "Not searched separately:", ""]
        out += [f"- *{esc(d.title)}* — {esc(d.publisher)}: {esc(d.note)}" for d in others]
    return [*out, ""]


def _views(views: list[InstitutionView], docs: list[SourceDoc], threshold: float,
           level: str) -> list[str]:
    out = ["| Institution | Documents searched | Sentences quoted | Best sentence score |",
           "|---|---|---|---|"]
    for v in views:
        quoted = str(len(v.excerpts)) if v.excerpts else "none (says nothing on this)"
        best = f"{v.best_score:.2f}" if v.best_score is not None else "–"
        out.append(f"| {esc(v.institution)} | {len(v.doc_ids)} | {quoted} | {best} |")
    out.append("")
    titles = {d.doc_id: f"{d.title} ({d.date})" if d.date else d.title for d in docs}
    for v in views:
        searched = "; ".join(titles.get(i, i) for i in v.doc_ids)
        out += [f"{level} {esc(v.institution)}", "", f"*Documents searched: {esc(searched)}*", ""]
        if v.excerpts:
            for e in v.excerpts:
                out += _quote(e)
        else:
            closest = (f" Its closest sentence scores {v.best_score:.2f}, below the evidence "
                       f"threshold of {threshold:.2f}." if v.best_score is not None else "")
            out += [f"**{esc(v.statement)}**{closest}", ""]
    return out


def _references(refs: list[Reference]) -> list[str]:
    out = ["## References", ""]
    if not refs:
        return [*out, "No passage is quoted.", ""]
    for r in refs:
        kind = kind_text(r.kind)
        kind = f"{esc(kind[:1].upper() + kind[1:])}, " if kind else ""
        url = f"<{r.url}>" if r.url else "No URL recorded in the collection."
        also = "".join(f" Also published by {esc(a)}." for a in r.also_published_in)
        out += [f'<a id="ref-{r.number}"></a>**[{r.number}]** {esc(r.publisher)}. '
                f"*{esc(r.title)}*. {kind}{esc(r.date or 'undated')}. {esc(r.locator)}. {url}"
                f"{also} Document ID: `{r.doc_id}`.", ""]
    return out


def to_markdown(doc: Brief | Comparison) -> str:
    kind = "Brief" if isinstance(doc, Brief) else "Comparison"
    lines = [f"# {esc(doc.title)}", "",
             f"*{kind} generated {human_stamp(doc.generated)} by policy-assistant. Every quotation "
             f"is verbatim text of its source; numbers in brackets link to the references.*", ""]
    lines += _scope(doc.documents, doc.as_of)
    lines += [f"**Method.** {esc(doc.method)}", ""]
    if isinstance(doc, Comparison):
        lines += ["## What each institution says", ""]
        lines += _views(doc.views, doc.documents, doc.threshold, "##")
        lines += _references(doc.references)
        return "\n".join(lines).rstrip() + "\n"
    if doc.comparison is not None:
        c = doc.comparison
        lines += ["## Key points by institution", "", f"*{esc(c.method)}*", ""]
        lines += _views(c.views, doc.documents, c.threshold, "###")
    else:
        lines += ["## Key points", ""]
        if not doc.key_points:
            lines += ["No passage in the collection meets the evidence threshold for this topic.", ""]
        for n, k in enumerate(doc.key_points, start=1):
            quotes = " ".join(f"“{esc(e.text)}” {marker(e.ref)}" for e in k.excerpts)
            who = k.excerpts[0].label
            where = f" *(section {k.section})*" if k.section else ""
            lines.append(f"{n}. **{esc(who[:1].upper() + who[1:])}:** {quotes}{where}")
        lines.append("")
    for s in doc.sections:
        lines += [f"## {s.number}. {esc(s.heading)}", ""]
        if s.query:
            lines += [f"*Searched for:* {esc(s.query)}", ""]
        for e in s.excerpts:
            lines += _quote(e)
        if s.note:
            lines += [f"*{esc(s.note)}*", ""]
    lines += _references(doc.references)
    return "\n".join(lines).rstrip() + "\n"
