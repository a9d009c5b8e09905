"""Sources the collection only reports on: 'what did the ICAT issue brief tell banks to do?'
asks about a document the collection does not hold; what it holds is another document that
quotes it ('ICAT recommends that…', 'as the ICAT brief points out…'). 'What did Val Richey say
about crypto?' asks about a person the collection quotes. Such a question is answered from the
sentences that name the source (and the quotation they open), scored on what is asked of it,
and refused, with that reason, when none of them is on the topic: the rest of the collection is
no evidence of what that source said."""

from __future__ import annotations

import re

from assistant.answering.answer_type import continues_quotation
from assistant.answering.condense import person
from assistant.answering.extractive.distinct import uses
from assistant.answering.extractive.scoring import ScoredSentence, SentenceScorer
from assistant.answering.question import Asked
from assistant.core.models import Turn
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms, fold

_DOC = (r"(?:issue\s+)?(?:brief|report|study|paper|guidelines?|guidance|toolkit|review|survey|"
        r"strategy|resolution|protocol)")
_SOURCE = re.compile(rf"\b(?P<name>[A-Z][A-Za-z]*[A-Z][A-Za-z]*|[A-Z]{{2,}})(?:'s|’s)?\s+"
                     rf"(?:(?:19|20)\d{{2}}\s+)?(?:[a-z][\w-]*\s+)?{_DOC}\b")


def reported_source(asked: Asked, retriever: Retriever) -> str | None:
    """The name of a source the question asks about that no document in the collection is
    from, though the collection mentions it ('ICAT' in 'the ICAT issue brief'); else None."""
    if asked.institutions:
        return None
    m = _SOURCE.search(asked.corrected)
    if m is None:
        return _instrument(asked, retriever)
    name = m.group("name")
    if retriever.institutions.named_in(name) or fold(name) not in retriever.vocab.known_terms:
        return None
    return name


def _instrument(asked: Asked, retriever: Retriever) -> str | None:
    """A named instrument the collection only mentions ('the Palermo Protocol'), asked about
    as a source."""
    text = asked.corrected.lower()
    return next((name for name in retriever.vocab.instruments
                 if re.search(rf"\b{re.escape(name.lower())}\b", text)), None)


def is_instrument(source: str) -> bool:
    """A source :func:`reported_source` found is an instrument ('Palermo Protocol'), the
    document itself, rather than an author ('ICAT') whose document is meant."""
    return " " in source


_SAID = re.compile(r"\b(?:say|says|said|think|thinks|thought|argue[sd]?|want(?:s|ed)?|"
                   r"call(?:s|ed)? for|warn(?:s|ed)?|tell|told|mean|believe[sd]?|views?|"
                   r"position|stance)\b", re.I)


def quoted_person(asked: Asked, retriever: Retriever) -> tuple[str, str] | None:
    """(surname, name) of a person the collection quotes whom the question asks what they
    said ('what did val richey say about…'); else None."""
    if not _SAID.search(asked.corrected):
        return None
    # 'schmid said at the launch that X. in legal terms, what does the brief say…?': what is
    # asked is the last sentence's, and it asks the brief, neither her nor 'she'
    asking = last_sentence(asked.corrected)
    for surname, name in retriever.vocab.people_in(asked.corrected):
        if re.search(rf"\b{re.escape(surname)}\b", asking, re.I) or person(asking):
            return surname, name
    return None


def last_sentence(text: str) -> str:
    """The question's last sentence, where a question opens with context ('X said Y. What
    does the brief say…?'); a follow-up's carried words in parentheses stay with it."""
    m = re.search(r"\s*\([^()]*\)\s*$", text)
    body, carried = (text[: m.start()], text[m.start():]) if m else (text, "")
    return re.split(r"(?<=[.!?])\s+", body.strip())[-1] + carried



def without_person(topic: str, name: str) -> str:
    """The topic without the person's name, whole or the surname alone."""
    rest = re.sub(rf"\b{re.escape(name)}(?:'s|’s)?", "", topic, flags=re.I)
    rest = re.sub(rf"\b{re.escape(name.split()[-1])}(?:'s|’s)?", "", rest, flags=re.I)
    return " ".join(rest.split())


def asked_of(rest: str, retriever: Retriever) -> set[str]:
    """The terms of what is asked of a source that not every document shares ('crypto',
    'money' in 'what did … say about traffickers moving money through crypto?'), the verbs of
    saying aside."""
    said = {t for w in _SAID.findall(rest) for t in content_terms(w)}
    # where it was said, or that more is wanted ('what does the press release say about val
    # richey?', 'what else did he say?'), is not what is asked of the source
    where = retriever.vocab.kind_terms | _WHERE
    return {t for t in content_terms(rest)
            if t not in retriever.vocab.common_terms and t not in said and t not in where}


_WHERE = frozenset(content_terms("else more also further other document documents report study "
                                 "paper article brief release page piece text"))


def on_topic(quoted: list[ScoredSentence], terms: set[str]) -> list[ScoredSentence]:
    """The quoted sentences that use a term of what is asked (all of them when nothing
    particular is asked: 'what did Schmid say?')."""
    if not terms:
        return quoted
    return [s for s in quoted if terms & set(content_terms(s.text))]


def quoting(scored: list[ScoredSentence], surname: str) -> list[ScoredSentence]:
    """The sentences that name the person, and those that go on with a quotation they open."""
    pattern = re.compile(rf"\b{re.escape(surname)}\b", re.I)
    named = {s.row for s in scored if pattern.search(s.text)}
    by_row = {s.row: s for s in scored}
    out = []
    for s in scored:
        prev = by_row.get(s.row - 1)
        if s.row in named or (prev is not None and prev.row in named
                              and prev.result.index == s.result.index
                              and continues_quotation(prev.text, s.text)):
            out.append(s)
    return out


def without_source(topic: str, name: str) -> str:
    """The topic without 'the <name> issue brief': what is asked of the source."""
    doc = "" if is_instrument(name) else rf"\s+{_DOC}\b"  # 'the Palermo Protocol' is a name
    return re.sub(rf"\b(?:the\s+)?{re.escape(name)}(?:'s|’s)?{doc}\s*", "", topic,
                  flags=re.I).strip()


def naming(scored: list[ScoredSentence], name: str) -> list[ScoredSentence]:
    """The sentences that name the source (as a word: 'ICAT', 'ICAT’s')."""
    pattern = re.compile(rf"\b{re.escape(name)}\b", re.I if is_instrument(name) else 0)
    return [s for s in scored if pattern.search(s.text)]


def quoted_before(asked: Asked, quoted: list[ScoredSentence], retriever: Retriever
                  ) -> tuple[int, int] | None:
    """(the newest year of the documents quoting a source, the year asked about) when a
    document of that year is asked for ('ICAT's 2021 follow-up brief') and every document
    quoting the source is older: none of them can hold it."""
    if not asked.doc_years or not quoted:
        return None
    years = [int(d[:4]) for d in (retriever.store.meta(s.result.chunk.doc_id).date
                                   for s in quoted) if d and d[:4].isdigit()]
    asked_year = min(asked.doc_years)
    if not years or max(years) >= asked_year:
        return None
    return max(years), asked_year


_SUBJECT = re.compile(r"\b(?:about|on|regarding|concerning|when it comes to|in relation to|"
                      r"with regard to|as regards)\s+(.+)$", re.I)


def subject_of(question: str) -> str:
    """What a question asks about ('online recruitment' in 'what does the Palermo Protocol say
    about online recruitment?'), or '' when it names no subject ('what's the catch with it?')."""
    m = _SUBJECT.search(question.rstrip(" ?.!"))
    return m.group(1) if m else ""


def mentioning(scored: list[ScoredSentence], subject: str, retriever: Retriever,
               scorer: SentenceScorer) -> list[ScoredSentence]:
    """The sentences that use a term of ``subject`` the collection knows and not every
    document shares (an abbreviation read as what it stands for: 'THB' is trafficking); all of
    them when no such term is asked about."""
    bm25 = retriever.store.bm25.vocab
    terms = {t for t in asked_of(subject, retriever) if t in bm25}
    if not terms:
        return scored
    return [s for s in scored if uses(s, terms, scorer)]


_AND_WHO = re.compile(r"^\s*(?:and|but|what about|how about|and what about)\s+(?:the\s+)?"
                      r"(?P<who>[^?.!,;]{3,60}?)\s*[?.!]*\s*$", re.I)


def swapped_speaker(question: str, history: list[Turn], retriever: Retriever) -> str | None:
    """'and the secretary general?' after 'what did he say?' (of Val Richey): what the person
    the follow-up names by title or name said, not the person before."""
    m = _AND_WHO.match(question)
    users = [t.content for t in history if t.role == "user"]
    if m is None or not users or not (_SAID.search(users[-1]) or person(users[-1])):
        return None
    asked = set(content_terms(m.group("who")))
    if not asked:
        return None
    # the words of institutions' names do not tell one speaker from another
    institutional = {t for name in retriever.institutions.all for t in content_terms(name)}
    runs = [r for r in retriever.vocab.speaker_runs
            if asked <= set(content_terms(r)) - institutional]
    return f"what did the {runs[0]} say?" if len(runs) == 1 else None
