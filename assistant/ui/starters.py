"""Starter questions drawn from the collection: one per institution (then more from the largest
ones), each asking what that institution's document says about one of its own topics: its
largest section heading, or its title when it has none. Made from the index, so a document a
user adds brings its own starter and a removed one takes its starter with it."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from assistant.core.citations import publisher_short

MAX_STARTERS = 4
LABEL_WORDS = 5
# Headings that name a part of any document rather than what it is about.
GENERIC = re.compile(r"^(introduction|foreword|preface|summary|executive summary|abstract|"
                     r"contents|table of contents|footnotes|endnotes|notes|references|"
                     r"bibliography|annex(es)?|appendix|acknowledg\w*|conclusions?"
                     r"(?: and recommendations)?|recommendations|about( us)?)\b", re.I)
UNKNOWN_PUBLISHER = "Unknown publisher"


def topic(text: str) -> str:
    """A heading or title as the object of a question: the part before a colon, without a
    bracketed kind ('(policy brief)'), in lower case but for acronyms (all of a heading in
    capitals)."""
    text = re.sub(r"\s*\([^)]*\)\s*$", "", text.split(":")[0]).strip(" .")
    words = text.split()
    capital = [w for w in words if len(w) > 3 and w[:1].isupper()]
    if text.isupper():  # a heading in capitals: all lower case (its acronyms too)
        words = [w.lower() for w in words]
    elif len(capital) * 2 >= len([w for w in words if len(w) > 3]):  # Title Case: sentence case
        words = [w if w.isupper() else w.lower() for w in words]
    elif words and not words[0].isupper():
        words[0] = words[0].lower()
    return " ".join(words)


def _topics(doc: dict[str, Any], headings: Counter[str]) -> list[str]:
    """A document's topics, most passages first: its section headings, else its title."""
    found = [topic(h) for h, _n in headings.most_common() if h and not GENERIC.match(h.strip())]
    found = [t for t in found if len(t.split()) >= 2]
    return found or [topic(str(doc.get("title") or ""))]


def _who(doc: dict[str, Any], institution: str) -> str:
    if str(doc.get("publisher") or "") in ("", UNKNOWN_PUBLISHER):
        return f"“{doc.get('title') or doc['doc_id']}”"
    return institution


def starters(documents: list[dict[str, Any]], headings: dict[str, Counter[str]],
             limit: int = MAX_STARTERS) -> list[tuple[str, str, str]]:
    """(label, question, doc_id) of up to ``limit`` starters. ``documents`` is
    ``Assistant.corpus()``; ``headings`` counts the passages under each section heading of
    each document (by doc_id)."""
    main = [d for d in documents if not d.get("duplicate_of") and d.get("chunks")]
    pubs = sorted({str(d.get("publisher") or "") for d in main})
    by_inst: dict[str, list[dict[str, Any]]] = {}
    for d in sorted(main, key=lambda x: (-int(x.get("chunks") or 0), str(x["doc_id"]))):
        by_inst.setdefault(publisher_short(str(d.get("publisher") or ""), pubs), []).append(d)
    queues = {inst: [(d, t) for d in docs for t in _topics(d, headings.get(d["doc_id"],
                                                                          Counter()))]
              for inst, docs in by_inst.items()}
    order = sorted(queues, key=lambda i: (-sum(int(d.get("chunks") or 0) for d in by_inst[i]), i))
    out: list[tuple[str, str, str]] = []
    while len(out) < limit and any(queues.values()):
        for inst in order:
            if queues[inst] and len(out) < limit:
                d, t = queues[inst].pop(0)
                who = _who(d, inst)
                words = t.split()
                short = " ".join(words[:LABEL_WORDS]) + ("…" if len(words) > LABEL_WORDS else "")
                label = f"{inst if who == inst else 'Your document'}: {short}"
                question = f"What is {who} about?" if who != inst \
                    and t == topic(str(d.get("title") or "")) else f"What does {who} say about {t}?"
                out.append((label[:1].upper() + label[1:], question, str(d["doc_id"])))
    return out


def headings_by_document(store: Any) -> dict[str, Counter[str]]:
    """Passages per section heading of each document of a loaded index."""
    out: dict[str, Counter[str]] = {}
    for c in store.chunks:
        out.setdefault(c.doc_id, Counter())[str(c.locator.section or "")] += 1
    return out
