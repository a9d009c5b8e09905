"""The comparison of institutions on a topic: what each one's documents say, or a plain
statement that they say nothing on it.

"Says nothing": an institution says nothing on a topic when none of its sentences reaches the
engine's evidence threshold. Its sentences are scored against the topic as the passages rank in
the *whole* collection (the rank bonus the engine gives the top passages is not handed to an
institution just because a filter left it alone in the results).
"""

from __future__ import annotations

from typing import Any

from assistant.briefs.evidence import Evidence
from assistant.briefs.model import Comparison, InstitutionView, now_stamp
from assistant.briefs.sources import collection_as_of, excerpt_from, number_references, source_docs
from assistant.core.citations import publisher_short
from assistant.core.models import SearchFilters
from assistant.engine import Assistant

ADDRESS_SHARE = 0.5  # share of the collection's best evidence an institution's best must reach


def institutions(documents: list[dict[str, Any]],
                 publishers: list[str] | None = None) -> list[tuple[str, list[str], list[str]]]:
    """(institution, its publisher names, its searchable doc_ids), alphabetically. Publishers
    are grouped by their short name (the OSCE and its Office are one institution)."""
    wanted = [p.lower() for p in publishers or []]
    groups: dict[str, tuple[list[str], list[str]]] = {}
    for d in sorted(documents, key=lambda x: str(x.get("date", ""))):
        if d.get("duplicate_of") or not d.get("chunks"):
            continue
        pub = str(d.get("publisher", ""))
        name = publisher_short(pub)
        if wanted and not any(w in pub.lower() or w == name.lower() for w in wanted):
            continue
        pubs, ids = groups.setdefault(name, ([], []))
        if pub not in pubs:
            pubs.append(pub)
        ids.append(d["doc_id"])
    return [(name, *groups[name]) for name in sorted(groups, key=str.lower)]


def compare_with(ev: Evidence, topic: str, publishers: list[str] | None = None) -> Comparison:
    documents = ev.assistant.corpus()
    groups = institutions(documents, publishers)
    qvec = ev.embed(topic)
    # Rank in the whole collection; add each institution's own best passages at the end.
    pool = ev.search(topic, qvec, k=ev.candidate_k, filters=SearchFilters())
    seen = {r.index for r in pool}
    for _name, _pubs, ids in groups:
        for r in ev.search(topic, qvec, filters=SearchFilters(doc_ids=ids)):
            if r.index not in seen:
                pool.append(r)
                seen.add(r.index)
    scored = ev.scorer.score(topic, qvec, pool)
    # An institution "addresses" the topic when its best sentence reaches the evidence threshold
    # and is at least half as strong as the best evidence anywhere in the collection: a passing
    # word overlap ("age of majority" for "age verification") is not a position on the topic.
    bar = max(ev.threshold, ADDRESS_SHARE * scored[0].score) if scored else ev.threshold
    views: list[InstitutionView] = []
    for name, pubs, ids in groups:
        mine = [s for s in scored if s.result.chunk.doc_id in ids]
        cites = ev.take(ev.gather([s for s in mine if s.score >= bar]))
        views.append(InstitutionView(
            institution=name, publishers=pubs, doc_ids=ids,
            excerpts=[excerpt_from(c, ev.meta(c.doc_id)) for c in cites],
            best_score=round(mine[0].score, 3) if mine else None,
            statement="" if cites else f"No passage from {name} addresses {topic}.",
        ))
    searched = {i for _n, _p, ids in groups for i in ids}
    method = (f"Each institution's sentences are scored against the topic with the answer engine's "
              f"scoring, as their passages rank in the whole collection. An institution is quoted "
              f"only where a sentence reaches the engine's evidence threshold ({ev.threshold:.2f}) "
              f"and half the strength of the best evidence in the collection (here {bar:.2f}); "
              f"otherwise the brief says that no passage from it addresses the topic.")
    title = topic[:1].upper() + topic[1:]
    comparison = Comparison(topic=topic, title=f"{title}: what each institution says",
                            generated=now_stamp(),
                            as_of=collection_as_of(documents, ev.store.manifest.get("created")),
                            documents=source_docs(documents, searched), method=method,
                            threshold=bar, views=views)
    comparison.references = number_references([e for v in views for e in v.excerpts], documents)
    return comparison


def compare(assistant: Assistant, topic: str, publishers: list[str] | None = None) -> Comparison:
    """What each institution in the collection says on ``topic``, side by side."""
    topic = assistant.validate(topic)
    return compare_with(Evidence(assistant, publishers), topic, publishers)
