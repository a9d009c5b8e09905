"""What a republication adds to the document it republishes: 'what does hstoday add?', 'is the
hstoday article just a copy of the osce release?'. The collection keeps a republication's own
sentences (those the original does not have) and cites the original for the shared ones, so
the answer is those sentences, under a line saying whose text it republishes."""

from __future__ import annotations

import re

from assistant.answering.base import quotable
from assistant.answering.extractive.compose import Shape, by_institution
from assistant.answering.extractive.frame import source_label
from assistant.answering.extractive.institutional import kind_named
from assistant.answering.extractive.overview import asks_whole, sentence_at
from assistant.answering.question import Asked
from assistant.core.citations import doc_label
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

# what a copy adds or changes: 'what does X add', 'is X just a copy', 'how does X differ'
_ADDS = re.compile(r"\b(?:adds?|added|different|differs?|copy|copies|copied|same|identical|"
                   r"verbatim|reprint\w*|repost\w*|republish\w*)\b", re.I)


_ASIDE = frozenset(content_terms("just only simply merely really actually anything what else "
                                 "more original piece text version"))


def republication(asked: Asked, retriever: Retriever) -> Shape | None:
    """The own sentences of the republication the question names, when it asks what it adds
    or what it says as a whole."""
    adds = bool(_ADDS.search(asked.corrected))
    if not adds and not asks_whole(asked, retriever):
        return None  # 'what does the hstoday article say?' asks for the same: what only it says
    store = retriever.store
    # named by who published it, or by its kind alone ('what does the article add?')
    docs = [d for name in asked.institutions for d in retriever.institutions.all[name].doc_ids] \
        or sorted(kind_named(asked, retriever))
    topic = _ADDS.sub(" ", re.sub(r"\([^)]*\)|[’']s\b", " ", asked.topic))
    if adds and set(content_terms(topic)) - retriever.vocab.kind_terms - _ASIDE:
        return None  # asks about something in it ('do they give the launch date the same way?')
    copies = [d for d in docs if store.meta(d).duplicate_of]
    if not copies or (not adds and len(copies) < len(docs)):
        return None  # 'what does the osce say?' is about its own documents too
    doc = copies[0]
    meta = store.meta(doc)
    original = store.meta(meta.duplicate_of or "")
    own = [sentence_at(retriever, row, k) for row, c in enumerate(store.chunks) if c.doc_id == doc
           for k, (a, b) in enumerate(c.sentences) if quotable(c.text[a:b])]
    if not own:
        return None  # nothing of its own: asked as any other question
    shape = by_institution(own, retriever)
    shape.preface = [f"{source_label(meta)} republishes {doc_label(original)}; these are the "
                     "sentences only it has."]
    return shape
