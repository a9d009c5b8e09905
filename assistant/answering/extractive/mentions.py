"""Which documents mention a name: 'which documents mention the palermo protocol?', 'who else
mentions it?' (after a question about it), 'does anyone else cite fosta-sesta?'. Whether a
document uses a name is a plain fact of its text (the collection's proper names, indexed once
per version), so the answer opens by saying which do, then quotes them."""

from __future__ import annotations

import re

from assistant.answering.extractive.frame import source_label
from assistant.answering.extractive.scoring import ScoredSentence, with_passages
from assistant.retrieval.names import country_names, places_in
from assistant.retrieval.retriever import Retriever, SearchResult

_WHO_MENTIONS = re.compile(
    r"\b(?:which|what)\s+(?:other\s+)?(?:documents?|sources?|papers?|reports?|ones?)\s+"
    r"(?:also\s+)?(?:mentions?|cites?|refers?\s+to|names?|brings?\s+up|talks?\s+about)\b"
    r"|\bwho\s+(?:else\s+)?(?:also\s+)?(?:mentions?|cites?|refers?\s+to|brings?\s+up)\b"
    r"|\b(?:does|do)\s+(?:anyone|anybody|any\s+other\s+\w+|any\s+of\s+(?:them|the\s+others))"
    r"(?:\s+else)?\s+(?:also\s+)?(?:mention|cite|refer\s+to|bring\s+up)\b"
    # 'the americans crop up in both…', 'where does australia come up?'
    r"|\b(?:crops?|cropped|comes?|came|pops?|popped)\s+up\b(?!\s+with\b)", re.I)


NAMED_SCORE = 1.0  # a sentence that uses the name asked about: it answers, whatever else it says
# a name that takes 'the': 'the Palermo Protocol', 'the Lanzarote Convention'
_GENERIC = re.compile(r"\b(?:Protocol|Convention|Act|Principles|Guidelines|Compact|Goals|Package|"
                      r"Declaration|Charter|Directive|Assembly|Office|Committee|Brief)$")


def _named(question: str, retriever: Retriever) -> tuple[str, frozenset[str]] | None:
    """The longest of the collection's names the question uses, with the documents using it."""
    names = retriever.vocab.proper_names
    for key in names.runs_in(question):
        if not retriever.institutions.named_in(key) and (found := names.get(key)):
            return found
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+|[A-Z]{2,}[A-Za-z-]*", question):
        found = names.get(m.group(0))
        if found and not retriever.institutions.named_in(m.group(0)):
            return found  # 'fosta-sesta', 'ICAT'
    for country, _form in places_in(question, country_names()):
        if found := names.get(country):
            return found  # 'the americans', 'the usa': the name the documents use
    return None


def with_mentioned(question: str, results: list[SearchResult], retriever: Retriever
                   ) -> list[SearchResult]:
    """``results``, with the passages that use the name a 'which documents mention…' question
    asks about, or the name of a person asked who they are, which a search on the rest of its
    words may not bring."""
    if people := _identity_asked(question, retriever):
        return with_passages(results, retriever, lambda c: any(p in c.text for p in people))
    if not _WHO_MENTIONS.search(question) or (found := _named(question, retriever)) is None:
        return results
    name = found[0].lower()
    return with_passages(results, retriever,
                         lambda c: c.doc_id in found[1] and name in c.text.lower())


# who someone is: 'schmid - full name + exact title?', 'what is richey's role?', 'who is schmid?'
_IDENTITY = re.compile(r"\b(?:full\s+name|title|job|role|position|post)\b"
                       r"|\bwho\s*(?:is|was|[’']s)\b", re.I)


# who is quoted: 'who are the two speakers quoted in the press release?', 'who spoke at the launch?'
_WHO_QUOTED = re.compile(r"\bwho\b[^?]{0,40}\b(?:quoted|spoke|speakers?)\b|\b(?:which|what)\s+"
                         r"(?:officials|speakers|people)\b[^?]{0,30}\b(?:quoted|spoke)\b", re.I)


def _identity_asked(question: str, retriever: Retriever) -> list[str]:
    """The full names of the people the collection quotes whom the question asks who they
    are ('who is schmid?'), or asks after as those quoted ('who are the speakers quoted in the
    press release?'): all of them."""
    people = retriever.vocab.people
    if _WHO_QUOTED.search(question):
        return list(people.values())
    if not _IDENTITY.search(question):
        return []
    return [name for _, name in retriever.vocab.people_in(question)][:1]


def lift_identity(question: str, scored: list[ScoredSentence], retriever: Retriever
                  ) -> list[ScoredSentence]:
    """For 'who is schmid?', the sentences giving the person's full name (with the title
    before it) lead, whatever words they share with the question."""
    if not (people := _identity_asked(question, retriever)):
        return scored
    for s in scored:
        if any(p in s.text for p in people):
            s.score = s.own = max(s.score, NAMED_SCORE)
    return sorted(scored, key=lambda x: -x.score)


def mentioned_by(question: str, scored: list[ScoredSentence], retriever: Retriever
                 ) -> tuple[str, list[ScoredSentence]] | None:
    """For a question asking which documents mention a name: the line saying which do, and
    the scored sentences of those documents that use it first; None for other questions."""
    if not _WHO_MENTIONS.search(question) or (found := _named(question, retriever)) is None:
        return None
    form, docs = found
    if _GENERIC.search(form) or form.startswith("United "):
        form = f"the {form}"  # 'the Palermo Protocol', 'the United States', not 'ICAT'
    originals = [d for d in sorted(docs, key=retriever.origins.rank)
                 if (retriever.store.meta(d).duplicate_of or "") not in docs]
    if len(originals) == 1:
        line = (f"Only {source_label(retriever.store.meta(originals[0]), mid_sentence=True)} "
                f"mentions {form}.")
    else:
        labels = [source_label(retriever.store.meta(d), mid_sentence=i > 0)
                  for i, d in enumerate(originals)]
        line = f"{', '.join(labels[:-1])} and {labels[-1]} mention {form}."
    using = [s for s in scored if s.result.chunk.doc_id in docs]
    first = [s for s in using if form.lower().removeprefix("the ") in s.text.lower()]
    if not first:
        return line, scored  # the search found none of its sentences: said, not quoted
    for s in first:  # the sentences using the name are the evidence, whatever words they share
        s.score = s.own = NAMED_SCORE
    return line, sorted(using, key=lambda x: -x.score)
