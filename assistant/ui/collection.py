"""A compact view of the collection for the landing page: how many documents, from which
institutions (each with its offices), and the dates they span. Made from ``Assistant.corpus()``;
republications merged with their original are counted apart."""

from __future__ import annotations

from typing import Any

from assistant.core.citations import publisher_short
from ingest.text import long_date


def collection_summary(documents: list[dict[str, Any]]) -> dict[str, Any]:
    main = [d for d in documents if not d.get("duplicate_of") and d.get("chunks")]
    pubs = sorted({str(d.get("publisher") or "") for d in main})
    institutions: dict[str, dict[str, Any]] = {}
    for d in sorted(main, key=lambda x: str(x.get("date") or ""), reverse=True):
        pub = str(d.get("publisher") or "")
        inst = institutions.setdefault(publisher_short(pub, pubs),
                                       {"name": publisher_short(pub, pubs), "publishers": [],
                                        "documents": []})
        if pub not in inst["publishers"]:
            inst["publishers"].append(pub)
        inst["documents"].append({"title": str(d.get("title") or d["doc_id"]),
                                  "date": long_date(str(d.get("date") or "")) or "undated"})
    dates = sorted(str(d.get("date")) for d in main if d.get("date"))
    span = ""
    if dates:
        first, last = long_date(dates[0]), long_date(dates[-1])
        span = first if first == last else f"{first} to {last}"
    n, k = len(main), len(institutions)
    line = (f"{n} document{'s' if n != 1 else ''} from {k} institution{'s' if k != 1 else ''}"
            + (f", dated {span}" if span else ""))
    republished = sum(1 for d in documents if d.get("duplicate_of"))
    if republished:
        line += f" (and {republished} republication{'s' if republished != 1 else ''} of them)"
    return {"line": line, "documents": n, "span": span,
            "institutions": sorted(institutions.values(), key=lambda i: str(i["name"]))}


def searched_documents(documents: list[dict[str, Any]], publishers: list[str],
                       doc_ids: list[str]) -> list[dict[str, Any]]:
    """The documents a filter lets through, as the search applies it (a publisher entry
    matches every publisher whose name contains it, so an institution covers its offices)."""
    wanted = [p.lower() for p in publishers]
    out = []
    for d in documents:
        if d.get("duplicate_of") or not d.get("chunks"):
            continue
        if doc_ids and d["doc_id"] not in doc_ids:
            continue
        if wanted and not any(w in str(d.get("publisher") or "").lower() for w in wanted):
            continue
        out.append(d)
    return out


def scope_line(documents: list[dict[str, Any]], publishers: list[str],
               doc_ids: list[str]) -> str:
    """What an answer searched when a filter is on ('' when none is): the institutions and
    the documents by title, out of how many."""
    if not publishers and not doc_ids:
        return ""
    total = sum(1 for d in documents if not d.get("duplicate_of") and d.get("chunks"))
    hits = searched_documents(documents, publishers, doc_ids)
    which = []
    if publishers:
        which.append(", ".join(publishers))
    if doc_ids:
        which.append(f"{len(doc_ids)} chosen document{'s' if len(doc_ids) != 1 else ''}")
    titles = "; ".join(sorted(str(d.get("title") or d["doc_id"]) for d in hits)) or "no document"
    return (f"Filter on: only {' and '.join(which)}. Searched {len(hits)} of {total} documents: "
            f"{titles}.")
