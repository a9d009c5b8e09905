"""A name the question ties to one institution that only another's documents ever use:
'eqnow holds up the US FOSTA-SESTA package as the model…' when FOSTA-SESTA appears only in
the OSCE brief. Whether a document uses a name is a plain fact of its text, so this is said
whatever the scores: 'Equality Now's documents never mention FOSTA-SESTA; the OSCE policy brief
(2022) does.'"""

from __future__ import annotations

import re

from assistant.answering.extractive.frame import source_label
from assistant.answering.question import Asked
from assistant.retrieval.retriever import Retriever
from assistant.retrieval.spelling import is_english
from ingest.text import STOPWORDS

# a word as users may type a name: 'FOSTA-SESTA', 'fosta-sesta', 'Lanzarote', 'facebook'
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
# a run of capitalised words the collection uses as a name: 'Tech Against Trafficking'
_PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,}s$")
_CAP_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")


def _in(word: str, text: str) -> str | None:
    """The word as ``text`` writes it, in any letter case, or None."""
    m = re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I)
    return m.group(0) if m else None


def _name_like(word: str, texts: dict[str, str]) -> bool:
    """The collection writes the word only capitalised: a name ('Lanzarote', 'FOSTA-SESTA'),
    not a common word at the start of a sentence."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])", re.I)
    found = [m.group(0) for text in texts.values() for m in pattern.finditer(text)]
    return bool(found) and all(f[:1].isupper() for f in found)


def _names_in(question: str, texts: dict[str, str], spans: list[tuple[int, int]],
              retriever: Retriever) -> list[str]:
    """The collection's names the question uses, not the institutions': capitalised runs of
    the collection ('Tech Against Trafficking') and words it only writes capitalised."""
    low = question.lower()
    acronyms = {a.upper() for a in retriever.vocab.acronym_forms}
    runs = {m.group(0) for text in texts.values() for m in _CAP_RUN.finditer(text)}
    out = [r for r in sorted(runs, key=len, reverse=True)
           if re.search(rf"(?<![\w-]){re.escape(r.lower())}(?![\w-])", low)
           and not retriever.institutions.named_in(r) and _name_like(r, texts)]
    for m in _WORD.finditer(question):
        word = m.group(0)
        if len(word) < 4 or word.lower() in STOPWORDS or any(a <= m.start() < b for a, b in spans) \
                or retriever.institutions.named_in(word) or any(word.lower() in r.lower() for r in out):
            continue
        if _PLURAL_ACRONYM.match(word) or word.upper() in acronyms:
            continue  # 'NGOs', 'THB': the collection's short forms of common nouns
        if _name_like(word, texts) and (not is_english(word.lower()) or "-" in word):
            out.append(word)  # not 'Leave', capitalised only where a sentence starts with it
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
    texts = {d: " ".join(c.text for c in store.chunks if c.doc_id == d) for d in store.documents}
    for word in _names_in(asked.corrected, texts, spans, retriever):
        found = {d: f for d, text in texts.items() if (f := _in(word, text))}
        if found and not mine & set(found):
            first = sorted(found, key=retriever.origins.rank)[0]
            label = source_label(store.meta(first))
            return (f"{name}'s documents never mention {found[first]}; "
                    f"{label[:1].lower() + label[1:]} does.", found[first], sorted(found))
    return None
