"""The general cleaning rules: patterns of scraped web pages and multi-column PDF text."""

from __future__ import annotations

import re

from ingest.mapped import Block, MText

_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

WEATHER = re.compile(r"^-?\d{1,3}(?:\.\d)?\s*°?\s*[FC]$")
DATELINE = re.compile(rf"^{_DAY},?\s+{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}$|^{_DAY},?\s+\d{{1,2}}\s+{_MONTH}\s+\d{{4}}$")
TRAILER_CUT = re.compile(r"^(related articles|latest articles|related posts|you may also like|more stories|recommended for you)$", re.I)
TRAILER_LINE = re.compile(r"^(-\s*)?advertisement(\s*-)?$|^share (this|on)\b.{0,40}$|^tags:$", re.I)
CTA = re.compile(
    r"^(read (more|the (full )?(report|study|article|paper|brief))\b.{0,60}"
    r"|for pdf attachments\b.*|click here\b.{0,80}|subscribe\b.{0,80}"
    r"|.{10,300}\s(download|download pdf)$)$",
    re.I,
)
PUBLISHER_BOX = re.compile(r"^[A-Z][\w&'’ .,-]{2,80}?https?://\S+$")
CMS_IDENT = re.compile(r"^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$")
TEASER_END = re.compile(r"(\.\.\.|…)\s*Read More$", re.I)
LIST_ITEM = re.compile(r"^(?:[-•*▪]\s+|\(?\d{1,2}[.)]\s+|\(?[a-h][.)]\s+|\(?(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)]\s+)")
MONTH_YEAR = re.compile(rf"^{_MONTH}\s+\d{{4}}$", re.I)
_TERMINAL = re.compile(r"[.?!:;,]$|[.?!][”\"’)]$")


def attested_compounds(text: str) -> set[tuple[str, str]]:
    """Hyphenated compounds written out in full somewhere, as (left, right) lower-case pairs."""
    return {(a.lower(), b.lower()) for a, b in re.findall(r"\b([A-Za-z]{2,})-([A-Za-z]{2,})\b", text)}


def dehyphenate(t: MText, compounds: set[tuple[str, str]], joined_words: bool = True) -> MText:
    """Restore hyphens lost at line breaks ('technologyfacilitated' -> 'technology-facilitated')
    and close 'technology- facilitated', but only where the hyphenated form is attested."""
    if not compounds:
        return t
    lefts: dict[str, set[str]] = {}
    for a, b in compounds:
        lefts.setdefault(a, set()).add(b)
    rights = {b for _, b in compounds}

    def fix_split(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(2)
        return f"{a}-{b}" if (a.lower(), b.lower()) in compounds else m.group(0)

    t = t.sub(r"\b([A-Za-z]{2,})- ([a-z]{2,})\b", fix_split)
    if not joined_words:
        return t

    def fix_joined(m: re.Match[str]) -> str:
        w = m.group(0)
        low = w.lower()
        for i in range(3, len(w) - 2):
            a, b = low[:i], low[i:]
            if a in lefts and (b in lefts[a] or b in rights):
                return f"{w[:i]}-{w[i:]}"
        return w

    return t.sub(r"\b[A-Za-z]{6,}\b", fix_joined)


def classify_heading(text: str, following: str, is_first: bool, col_break: bool = False) -> str:
    """'heading', 'meta' (a bare date) or 'para' for a block of running text."""
    words = text.split()
    if MONTH_YEAR.match(text):
        return "meta"
    if not words or len(words) > 14 or _TERMINAL.search(text) or LIST_ITEM.match(text):
        return "para"
    if text[0].islower() or not re.search(r"[A-Za-z]", text):
        return "para"
    if is_first or col_break or text.isupper() or not following or following[:1].isupper() or following[:1] in "“\"":
        return "heading"
    return "para"


def _dangling(b: Block) -> bool:
    """A paragraph that stops mid-sentence (the column went on elsewhere)."""
    return b.kind == "para" and len(b.s.split()) >= 6 and not _TERMINAL.search(b.s)


def _orphan(b: Block) -> bool:
    """A paragraph that starts mid-sentence (the continuation of a cut column)."""
    return b.kind == "para" and b.s[:1].islower() and not LIST_ITEM.match(b.s)


def stitch_columns(blocks: list[Block]) -> list[Block]:
    """Join passages that a multi-column extraction cut apart.

    Each paragraph that stops mid-sentence is paired with the paragraph that starts mid-sentence
    and best continues it: the pair of words across the join is attested elsewhere in the text,
    and nearer continuations after the cut are preferred.
    """
    ends = [i for i, b in enumerate(blocks) if _dangling(b)]
    starts = [i for i, b in enumerate(blocks) if _orphan(b)]
    if not ends or not starts:
        return blocks
    full = " ".join(b.s for b in blocks).lower()
    words = re.findall(r"[a-z]+", full)
    bigrams: dict[tuple[str, str], int] = {}
    unigrams: dict[str, int] = {}
    for x, y in zip(words, words[1:], strict=False):
        bigrams[(x, y)] = bigrams.get((x, y), 0) + 1
        unigrams[x] = unigrams.get(x, 0) + 1
    scored: list[tuple[float, int, int]] = []
    for e in ends:
        last = re.findall(r"[a-z]+", blocks[e].s.lower())[-1:]
        for s in starts:
            if s == e:
                continue
            first = re.findall(r"[a-z]+", blocks[s].s.lower())[:1]
            pair = (last[0], first[0]) if last and first else ("", "")
            # How strongly the last word predicts the first (P(first | last) in this text).
            score = 3.0 * bigrams.get(pair, 0) / max(1, unigrams.get(pair[0], 0))
            gap = s - e
            score += 1.5 / gap if gap > 0 else 0.3 / (1 - gap)
            scored.append((score, e, s))
    used_e: set[int] = set()
    used_s: set[int] = set()
    joins: dict[int, int] = {}
    for _score, e, s in sorted(scored, reverse=True):
        if e in used_e or s in used_s:
            continue
        # Do not close a loop (a -> b -> a).
        cur, loop = s, False
        while cur in joins:
            cur = joins[cur]
            loop = loop or cur == e
        if loop:
            continue
        joins[e] = s
        used_e.add(e)
        used_s.add(s)
    consumed = set(joins.values())
    out: list[Block] = []
    for i, b in enumerate(blocks):
        if i in consumed:
            continue
        cur_i = i
        while cur_i in joins:
            nxt = joins[cur_i]
            b.text = b.text + MText.literal(" ") + blocks[nxt].text
            cur_i = nxt
        out.append(b)
    return out
