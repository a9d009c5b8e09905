"""A name the question ties to one institution that only another's documents ever use:
'eqnow holds up the US FOSTA-SESTA package as the model…' when FOSTA-SESTA appears only in
the OSCE brief. Whether a document uses a name is a plain fact of its text, so this is said
whatever the scores: 'Equality Now's documents never mention FOSTA-SESTA; the OSCE policy brief
(2022) does.'"""

from __future__ import annotations

import re

from assistant.answering.extractive.frame import source_label
from assistant.answering.question import Asked
from assistant.retrieval.proper_names import WORD
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.spelling import is_english
from ingest.text import STOPWORDS

_PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,}s$")


def _names_in(question: str, spans: list[tuple[int, int]], retriever: Retriever) -> list[str]:
    """The collection's names the question uses, not the institutions': its capitalised runs
    ('Tech Against Trafficking') and the words it only writes capitalised, neither an English
    word capitalised where a sentence starts ('Leave') nor a short form of a common noun
    ('NGOs', 'THB')."""
    names, insts = retriever.vocab.proper_names, retriever.institutions
    out = [r for r in names.runs_in(question) if not insts.named_in(r)]
    acronyms = {a.upper() for a in retriever.vocab.acronym_forms}
    for m in WORD.finditer(question):
        word = m.group(0)
        if len(word) < 4 or word.lower() in STOPWORDS or any(a <= m.start() < b for a, b in spans) \
                or insts.named_in(word) or any(word.lower() in r for r in out):
            continue
        if _PLURAL_ACRONYM.match(word) or word.upper() in acronyms:
            continue
        if names.get(word) is not None and (not is_english(word.lower()) or "-" in word):
            out.append(word)
    return out


def unmentioned_name(asked: Asked, retriever: Retriever
                     ) -> tuple[str, str, list[str]] | None:
    """The one institution the question names never uses a name the question gives it, and
    another institution's documents do: what to say, the name as they write it, and they."""
    if len(asked.institutions) != 1:
        return None
    insts, store = retriever.institutions, retriever.store
    name = asked.institutions[0]
    mine = set(insts.all[name].doc_ids)
    spans = [(a, b) for _, a, b in insts.mentions(asked.corrected)]
    for word in _names_in(asked.corrected, spans, retriever):
        found = retriever.vocab.proper_names.get(word)
        if found is None or mine & found[1] or any(retriever.origins.uses(d, found[0]) for d in mine):
            continue  # a republication uses what it shares with its original ('Richey')
        form, docs = found
        first = sorted(docs, key=retriever.origins.rank)[0]
        label = source_label(store.meta(first), mid_sentence=True)
        return f"{name}'s documents never mention {form}; {label} does.", form, sorted(docs)
    return None
