"""Stage 2 — clean: strip site boilerplate, repair PDF artefacts, find structure.

Every rule here is general (a pattern of scraped pages or multi-column PDFs), never a
per-file fix. The cleaned text keeps a character map back to the raw text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.collect import Loaded
from ingest.mapped import Block, MText
from ingest.report import Failures
from ingest.rules import (
    CMS_IDENT,
    CTA,
    DATELINE,
    LIST_ITEM,
    PUBLISHER_BOX,
    TEASER_END,
    TRAILER_CUT,
    TRAILER_LINE,
    WEATHER,
    attested_compounds,
    classify_heading,
    dehyphenate,
    stitch_columns,
)


@dataclass
class CleanDocument:
    text: str
    origin: list[int]
    blocks: list[tuple[int, int, str]]  # (start, end, kind) in text
    removed: list[str] = field(default_factory=list)


def _lines(raw: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for line in raw.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _drop_boilerplate_lines(raw: str, spans: list[tuple[int, int]], removed: list[str]) -> list[bool]:
    keep = [True] * len(spans)
    text = [raw[a:b].strip() for a, b in spans]
    nonblank = [i for i, t in enumerate(text) if t]

    def drop(i: int, why: str) -> None:
        if keep[i] and text[i]:
            removed.append(f"{why}: {text[i][:60]}")
        keep[i] = False

    # Site header: a weather reading, then a short place line and a dateline.
    for n, i in enumerate(nonblank[:4]):
        if WEATHER.match(text[i]):
            drop(i, "weather")
            for j in nonblank[n + 1 : n + 3]:
                if DATELINE.match(text[j]) or len(text[j].split()) <= 4:
                    drop(j, "site header")
    for i in nonblank:
        if DATELINE.match(text[i]):
            drop(i, "dateline")
    # "Related articles" & co: everything after is site furniture.
    for i in nonblank:
        if TRAILER_CUT.match(text[i]):
            for j in range(i, len(spans)):
                drop(j, "trailer")
            break
    for i in nonblank:
        t = text[i]
        if TRAILER_LINE.match(t) or CTA.match(t):
            drop(i, "call-to-action")
        elif PUBLISHER_BOX.match(t):
            drop(i, "publisher box")
            # The blurb paragraph that follows the name+url line.
            nxt = [j for j in nonblank if j > i][:1]
            if nxt and len(text[nxt[0]].split()) > 12:
                drop(nxt[0], "publisher blurb")
    # Runs of CMS type names (post, page, nav_menu_item, wp_template ...).
    run: list[int] = []
    for i in nonblank + [-1]:
        if i >= 0 and CMS_IDENT.match(text[i]):
            run.append(i)
            continue
        if len(run) >= 3:
            for j in run:
                drop(j, "cms type names")
        run = []
    # Teaser listings of other resources: "...Read More" plus their title/tag lines.
    for n, i in enumerate(nonblank):
        if TEASER_END.search(text[i]):
            drop(i, "resource listing")
            back = nonblank[max(0, n - 3) : n]
            for j in reversed(back):
                if not keep[j] or len(text[j].split()) > 30 or text[j].endswith("."):
                    break
                drop(j, "resource listing")
    return keep


def _blocks(raw: str, spans: list[tuple[int, int]], keep: list[bool]) -> list[Block]:
    """Group kept lines into blocks and rejoin hard-wrapped lines."""
    blocks: list[Block] = []
    cur: list[MText] = []
    col_break = False

    def flush() -> None:
        nonlocal cur, col_break
        if cur and _leading_heading(cur):
            blocks.append(Block(cur[0], col_break=col_break))
            cur = cur[1:]
        if cur:
            blocks.append(Block(_rejoin(cur), col_break=col_break))
        cur, col_break = [], False

    for (a, b), k in zip(spans, keep, strict=True):
        line = raw[a:b]
        if not k or not line.strip():
            flush()
            continue
        starts_col = bool(re.match(r"^ (?! )\S", line))
        if starts_col or LIST_ITEM.match(line.strip()):
            flush()
            col_break = starts_col
        cur.append(MText.from_raw(raw, a, b).strip())
    flush()
    return blocks


def _leading_heading(lines: list[MText]) -> bool:
    """A short title line glued on top of a hard-wrapped paragraph ('Introduction')."""
    if len(lines) < 3:
        return False
    first, second = lines[0].text, lines[1].text
    lengths = sorted(len(ln.text) for ln in lines)
    median = lengths[len(lengths) // 2]
    return (
        len(first.split()) <= 5
        and first[:1].isupper()
        and not re.search(r"[.?!:;,]$", first)
        and (second[:1].isupper() or second[:1] == "(")
        and len(first) < 0.6 * median
    )


def _rejoin(lines: list[MText]) -> MText:
    out = lines[0]
    for ln in lines[1:]:
        if out.text.endswith("-") and ln.text[:1].islower():
            out = out + ln  # a compound hyphen at the line end: keep it, no space
        else:
            out = out + MText.literal(" ") + ln
    return out


# Words before a dead link ('[text](#)') that its text repeats: a scrape that kept both the
# sentence's own words and the link laid over them ('a new study [a new OSCE study](#)').
_ECHOED = re.compile(r"((?:\b[\w’'-]+\s+){1,6})(?=\[([^\]]+)\]\(#\))")


def _echo(m: re.Match[str]) -> str:
    before, link = m.group(1), [w.lower() for w in m.group(2).split()]
    starts = [w.start() for w in re.finditer(r"\S+", before)]
    for at in starts:  # the longest tail first: the same words, or all but one of them
        tail = before[at:].lower().split()
        if tail == link or (len(tail) > 1 and any(link[:j] + link[j + 1 :] == tail
                                                  for j in range(len(link)))):
            return before[:at]
    return before


def _inline(t: MText) -> MText:
    t = t.sub(r"\*\*(.+?)\*\*", r"\1")
    t = t.sub(r"\*\*", "")
    t = t.sub(_ECHOED, _echo)
    t = t.sub(r"\[([^\]]+)\]\((?:#|https?://[^)]*)\)", r"\1")
    t = t.sub(r"^#{1,6}\s+", "")
    t = t.sub(r"<(https?://[^>]+)>", r"\1")
    t = t.sub(r"[ \t\u00a0]{2,}", " ")
    return t.strip()


FOOTNOTE = re.compile(r"^(\d{1,2}) (?=[“\"A-Z])")


def _footnotes(blocks: list[Block]) -> list[Block]:
    """Mark footnote blocks and remove their reference numbers from the running text."""
    numbers: set[str] = set()
    for b in blocks:
        m = FOOTNOTE.match(b.s)
        if m and b.kind == "para" and not LIST_ITEM.match(b.s):
            ref = re.compile(rf"[a-z.)”\"’]{m.group(1)}(?=\s|$)")
            if any(ref.search(o.s) for o in blocks if o is not b):
                b.kind = "footnote"
                numbers.add(m.group(1))
    if numbers:
        alt = "|".join(sorted(numbers, key=len, reverse=True))
        rx = re.compile(rf"(?<=[a-z.)”\"’])(?:{alt})(?=\s|$)")
        for b in blocks:
            if b.kind != "footnote":
                b.text = b.text.sub(rx, "")
    return blocks


def _hard_wrapped(raw: str) -> bool:
    """Text extracted from a laid-out page: many short lines inside paragraphs."""
    lines = [ln for ln in raw.split("\n") if ln.strip()]
    if len(lines) < 20:
        return False
    short = sum(1 for ln in lines if len(ln) < 70)
    return short / len(lines) > 0.6


def clean_text(raw: str, vocabulary: set[tuple[str, str]] | None = None) -> CleanDocument:
    """Clean one document. ``vocabulary`` holds hyphenated compounds attested in the corpus."""
    removed: list[str] = []
    spans = _lines(raw)
    keep = _drop_boilerplate_lines(raw, spans, removed)
    blocks = [b for b in _blocks(raw, spans, keep) if b.s]
    for b in blocks:
        b.text = _inline(b.text)
    blocks = [b for b in blocks if b.s]
    compounds = set(vocabulary or set()) | attested_compounds(raw)
    wrapped = _hard_wrapped(raw)
    for b in blocks:
        b.text = dehyphenate(b.text, compounds, joined_words=wrapped)
    blocks = _footnotes(blocks)
    for i, b in enumerate(blocks):
        if b.kind == "para":
            nxt = blocks[i + 1].s if i + 1 < len(blocks) else ""
            b.kind = classify_heading(b.s, nxt, is_first=i == 0, col_break=b.col_break)
    blocks = stitch_columns(blocks)
    body = [b for b in blocks if b.kind != "footnote"]
    notes = [b for b in blocks if b.kind == "footnote"]
    ordered = body + notes
    parts: list[MText] = []
    spans_out: list[tuple[int, int, str]] = []
    pos = 0
    for b in ordered:
        parts.append(b.text)
        spans_out.append((pos, pos + len(b.s), b.kind))
        pos += len(b.s) + 2
    joined = MText.join(parts, "\n\n")
    return CleanDocument(text=joined.text, origin=joined.origin, blocks=spans_out, removed=removed)


@dataclass
class Cleaned:
    loaded: Loaded
    doc: CleanDocument


def clean_all(docs: list[Loaded], failures: Failures) -> list[Cleaned]:
    """Clean every loaded document. Hyphenated compounds written out anywhere in the corpus
    decide which words that lost their hyphen at a line break get it back."""
    vocabulary: set[tuple[str, str]] = set()
    readable: list[Loaded] = []
    for d in docs:
        try:
            vocabulary |= attested_compounds(d.raw.text)
            readable.append(d)
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failures.record(d.meta.file, "reading its vocabulary", exc)
    out: list[Cleaned] = []
    for d in readable:
        try:
            out.append(Cleaned(d, clean_text(d.raw.text, vocabulary)))
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
            failures.record(d.meta.file, "cleaning", exc)
    return out
