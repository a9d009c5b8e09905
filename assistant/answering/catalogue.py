"""Questions about the collection itself, not about what its documents say: which documents it
holds ('what documents do you have?'), when one was published or which came out first ('which
came out first - eqnow's paper or the osce one? dates pls'), who published one, and what one is
called ('eqnow 2019 paper full title'). Their answer is the catalogue (each document's kind,
date, title and publisher), which no passage states: searching the text for it quotes sentences
that merely share its words. Each document is cited by the sentence of it that carries its
date, or else its opening sentence, so the reader can open it from the answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from assistant.answering.answer_type import SPELLED_Q
from assistant.answering.base import quotable
from assistant.core.citations import doc_label, make_citation
from assistant.core.enums import AnswerMode, CitationRole
from assistant.core.models import Answer, AnswerSentence, Citation
from assistant.retrieval.retriever import Retriever
from ingest.documents import DocumentMeta
from ingest.text import content_terms, long_date


class Catalogue(StrEnum):
    """What a question asks of the catalogue."""

    LIST = "list"  # which documents the collection holds
    DATES = "dates"  # when documents were published, or in what order
    PUBLISHER = "publisher"  # who published a document
    TITLE = "title"  # what a document is called


_DOC = (r"(?:documents?|sources?|papers?|reports?|stud(?:y|ies)|briefs?|releases?|articles?|"
        r"summar(?:y|ies)|publications?|pieces?|texts?|files?|ones?|repl(?:y|ies)|responses?|"
        r"reposts?)")
# 'a (one-line) summary of each document' asks for summaries; it does not name the GRETA summary
_SUMMARY_OF = re.compile(r"\b(?:(?:short|brief|quick|[\w]+[- ]line)\s+)?summar(?:y|ies)\s+of\b", re.I)
_ONE_DOC = re.compile(rf"\b(?:the|this|that|its|their)\s+(?:[\w-]+\s+){{0,3}}?(?!\w+s\b){_DOC}\b|"
                      rf"^\s*(?:[\w-]+\s+){{0,3}}?(?!\w+s\b){_DOC}\b", re.I)
_LIST = re.compile(
    rf"\b(?:what|which)\s+(?:{_DOC}|docs)\s+(?:do|does|are|r|is|can)\s+(?:you|u|we|i|there|in|this|"
    r"the)\b(?!\s+(?:oldest|newest|latest|earliest|most\s+recent)\b)"  # 'which one is the newest
    r"|\b(?:list|show)\s+(?:of\s+)?(?:me\s+)?(?:all\s+)?(?:the\s+|your\s+)?(?:documents|docs|sources)\b"
    r"|\bwhat(?:'s|’s|\s+is)\s+in\s+(?:the|this|your)\s+(?:collection|library|corpus)\b"
    r"|\bhow\s+many\s+(?:documents|sources)\b", re.I)
_DATES = re.compile(
    r"\bwh?en\s+(?:was|were|did|is)\b[^?.]*?\b(?:publish|releas|issu|writ|dated|came out|"
    r"come out|put out)"
    r"|\b(?:came|come|was|were|is|are)\s+(?:out|published|released|issued|written)\s+"
    r"(?:first|last|earl|later|more recently|most recently)"
    r"|\b(?:which|what)(?:\s+(?:document|doc|paper|report|one|source|file)s?)?(?:'s|’s|\s+"
    r"(?:is|are|was|were))?\s+(?:the\s+)?(?:oldest|newest|latest|earliest|most\s+recent)\b"
    r"|\b(?:newer|older)\s+than\b"
    r"|\b(?:publication|release)\s+dates?\b"
    rf"|\bhow\s+(?:old|recent|new|up[- ]to[- ]date)\s+(?:is|are)\s+(?:\w+\s+){{0,3}}?{_DOC}\b"
    r"|(?:^|[-–:,]\s*)dates?\s*(?:\?|pls|please|$)"
    r"|\bdates?\s+on\s+(?:the\s+|this\s+|that\s+|its\s+)?(?:page|it)\b"
    rf"|\b(?:what|which)\s+date\s+(?:is|was)\s+(?:the\s+|this\s+|that\s+)?(?:[\w-]+\s+){{0,3}}?{_DOC}\s*\??\s*$",
    re.I)
_PUBLISHER = re.compile(rf"\bwho\s+(?:published|wrote|put out|issued|authored|released)\s+"
                        rf"(?:\w+\s+){{0,4}}?{_DOC}\b|\b(?:who(?:'s|’s|\s+is|\s+was)?|"
                        r"(?:what|which)(?:'s|’s|\s+is|\s+was)?\s+(?:the\s+)?(?:organi[sz]ation|"
                        r"body|institution|group|outfit|publisher|author))\s+behind\s+"
                        rf"(?:\w+\s+){{0,4}}?{_DOC}\b|\b(?:which|what)\s+(?:part|office|unit|"
                        r"department|branch|section|arm|body)\s+of\s+(?:the\s+)?[\w-]+\s+(?:\w+\s+)?"
                        r"(?:wrote|published|produced|authored|issued|put out)\b", re.I)
# 'eqnow 2019 paper full title', 'what is the OSCE brief called?', 'name of the greta report'
_TITLE = re.compile(rf"\b(?:titles?|headline)\b(?!\s+(?:[IVX]+|\d+)\b)|\bwhat(?:'s|’s|\s+is|\s+was)\s+(?:the\s+)?"
                    rf"(?:\S+\s+){{0,4}}?{_DOC}\s+called\b|\bname\s+of\s+(?:the\s+)?(?:\S+\s+){{0,3}}?"
                    rf"{_DOC}\b", re.I)
_NOT_A_DOCUMENT = re.compile(r"\b(?:convention|protocol|treaty|act|directive|law|bill|package|"
                             r"full\s+name|job|role|post|position(?!\s+paper))\b", re.I)
_HEADED = re.compile(r"(?<!job\s)\b(?:titles?|headline)\b", re.I)
# A question about what documents say is about their content, even when it names their dates
# ('what does the latest OSCE report say about liability?').
_CONTENT = re.compile(r"\b(?:say|says|said|recommend\w*|finds?|found|argues?|argued|propos\w*|"
                      r"calls?\s+for|think|thinks|wants?|conclude\w*|about|on\s+(?:the\s+)?"
                      r"(?:topic|issue|subject)\b)", re.I)
_NAME = re.compile(r"\b(?:[A-Z]{2,}|[A-Z][a-z]+)\b")  # an acronym or a capitalised word
_ON_TOPIC = re.compile(r"\b(?:on|covering|regarding|concerning|mentioning|discussing|that "
                       r"(?:cover|discuss|mention))\s+(?!(?:the\s+)?(?:collection|list|file)\b)\w",
                       re.I)
_FIRST = re.compile(r"\b(?:first|oldest|earliest|older)\b", re.I)
_LAST = re.compile(r"\b(?:last|newest|latest|most\s+recent(?:ly)?|newer|more\s+recently)\b",
                   re.I)


def asks(question: str) -> Catalogue | None:
    """What ``question`` asks of the catalogue, or None when it asks about the documents'
    content. A document noun must be in it for a date ('when was the study launched?' is an
    event the text reports, not a publication date)."""
    content = _CONTENT.search(question)
    if content and not (content.group(0).lower() == "about" and _HEADED.search(question)):
        return None  # but 'the headline of the release about the study' asks for its title
    if _LIST.search(question):
        # 'what documents are there on encryption?' asks which ones cover a topic
        return None if _ON_TOPIC.search(question) else Catalogue.LIST
    if _PUBLISHER.search(question):
        return Catalogue.PUBLISHER
    if _TITLE.search(question) and not _NOT_A_DOCUMENT.search(question):
        return Catalogue.TITLE  # not a treaty's title nor a person's
    if _DATES.search(question) and re.search(rf"\b{_DOC}\b|\bpublish|\breleas", question, re.I):
        return Catalogue.DATES
    return None


def documents_asked(question: str, retriever: Retriever) -> list[str]:
    """The documents ``question`` names: those of the institutions it names, narrowed to the
    kind of document it names where that leaves any ('eqnow's paper', 'the policy brief');
    every document when it names neither."""
    store, insts = retriever.store, retriever.institutions
    words = set(content_terms(_SUMMARY_OF.sub(" ", question)))
    spans = [(a, b) for _, a, b in insts.mentions(question)]
    others = [m for m in _NAME.finditer(question)
              if m.start() > 0 and not any(a <= m.start() < b for a, b in spans)]
    if others:
        return []  # 'who wrote the ICAT issue brief?': a source the collection does not hold
    out: list[str] = []
    named: list[str | None] = [*insts.named_in(question)] or [None]
    for name in named:
        own = [d for d in sorted(store.documents) if name is None or insts.of_doc(d) == name]
        out += [d for d in own if words & set(content_terms(store.meta(d).kind))] or own
    # 'the hstoday osce article' is one document: the only one of its kind among those named
    kind = [d for d in out if words & set(content_terms(store.meta(d).kind))]
    if len(kind) == 1 and _ONE_DOC.search(question) and \
            len(re.findall(rf"\b{_DOC}\b", question, re.I)) == 1:
        return kind
    return out


@dataclass
class Listed:
    """One document of the answer, with the sentence that cites it."""
    meta: DocumentMeta
    row: int  # passage
    start: int
    end: int


def _date_key(date: str) -> tuple[int, int, int]:
    parts = [int(p) for p in date.split("-") if p.isdigit()] if date else []
    return (parts + [99, 99, 99])[0], (parts + [99, 99])[1], (parts + [99, 99, 99])[2]


def _cited(doc_id: str, retriever: Retriever) -> Listed | None:
    """The document's sentence that carries its date, or else its first quotable one."""
    store = retriever.store
    meta = store.meta(doc_id)
    when = long_date(meta.date) if meta.date and len(meta.date) > 4 else None
    first: Listed | None = None
    for row, c in enumerate(store.chunks):
        if c.doc_id != doc_id:
            continue
        for s, e in c.sentences:
            if not quotable(c.text[s:e]):
                continue
            if when and when in c.text[s:e]:
                return Listed(meta, row, s, e)
            first = first or Listed(meta, row, s, e)
    return first


def _label(meta: DocumentMeta) -> str:
    label = doc_label(meta)
    return label[:1].upper() + label[1:]


def _dated(meta: DocumentMeta, note: str = ", year only") -> str:
    """'15 February 2022'; '2022, year only' when the catalogue gives no month."""
    if not meta.date:
        return "undated"
    return long_date(meta.date) + (note if len(meta.date) == 4 else "")


def _line(kind: Catalogue, meta: DocumentMeta, retriever: Retriever) -> str:
    line = f"{_label(meta)} ({_dated(meta)})"
    if kind is Catalogue.TITLE:
        line += f": “{meta.title}”"
    elif kind is Catalogue.LIST:
        line += f": “{meta.title}”, published by {meta.publisher}"
    elif kind is Catalogue.PUBLISHER:
        line += f", published by {meta.publisher}"
    if meta.duplicate_of and meta.duplicate_of in retriever.store.documents:
        line += f", a republication of {doc_label(retriever.store.meta(meta.duplicate_of))}"
    return line


def _lead(kind: Catalogue, question: str, listed: list[Listed]) -> str:
    n = len(listed)
    if kind is Catalogue.LIST:
        return f"The collection holds {n} document{'s' if n != 1 else ''}:"
    if kind is Catalogue.PUBLISHER and n == 1:
        m = listed[0].meta
        return f"{_label(m)} ({_dated(m)}) was published by {m.publisher}."
    if kind is Catalogue.PUBLISHER:
        return "The documents and who published them, oldest first:"
    if kind is Catalogue.TITLE and n == 1:
        m = listed[0].meta
        return f"{_label(m)} ({_dated(m)}) is titled “{m.title}”."
    if kind is Catalogue.TITLE:
        return "The documents' titles, oldest first:"
    if n == 1:
        m = listed[0].meta
        return (f"{_label(m)} is dated {_dated(m, '')}"
                + ("; the collection's catalogue gives the year only." if len(m.date) == 4 else "."))
    ends = [x for x in (listed[0] if _FIRST.search(question) else None,
                        listed[-1] if _LAST.search(question) else None) if x is not None]
    said = " ".join(f"{_label(x.meta)} ({_dated(x.meta)}) is the "
                    f"{'oldest' if x is listed[0] else 'most recent'} of them." for x in ends)
    return (said + " " if said else "") + "By the dates in the collection's catalogue, oldest first:"


_SPELLING = frozenset(content_terms("full ful long proper official complete name title form stand "
                                    "stands short acronym abbreviation mean means"))


_RUNS = re.compile(r"(?:^|[-–:,]\s*)who\s+(?:publishes|puts\s+out|produces|is\s+behind)\b", re.I)


def _named_only_in_catalogue(question: str, retriever: Retriever) -> Catalogue | None:
    """'what is GRETA?', 'what does GRETA stand for?' about an institution whose name no
    passage spells out: its documents' publisher, from the catalogue, is its full name."""
    mentions = retriever.institutions.mentions(question)
    if len(mentions) != 1:
        return None
    name, a, b = mentions[0]
    if _RUNS.search(question):
        return Catalogue.PUBLISHER  # 'who publishes hstoday?'
    # 'what's greta?' asks as 'what is GRETA?' does
    if not SPELLED_Q.search(question[:a] + question[a:b].upper() + question[b:]):
        return None
    if set(content_terms(re.sub(r"[’']s\b", " is", question[:a]) + " " + question[b:])) - _SPELLING:
        return None  # asks the name of something else ('the body behind the HSToday repost')
    names = [name]
    if any(f"({names[0]})" in c.text for c in retriever.store.chunks):
        return None  # the text spells it out: quoted from there
    return Catalogue.PUBLISHER


def _only_mentioned(question: str, retriever: Retriever) -> bool:
    """The question names a document the collection only mentions ('the osce occasional
    paper', which its brief summarises), not one of its own: no document's kind or title has
    the words, and the text does. Its title is then read from the text, not the catalogue."""
    store = retriever.store
    own = " ".join(f"{store.meta(d).kind} {store.meta(d).title}" for d in store.documents).lower()
    for m in re.finditer(rf"\b([a-z]+)\s+({_DOC})\b", question.lower()):
        phrase = f"{m.group(1)} {m.group(2)}"
        if m.group(1) not in _NOT_KIND and not retriever.institutions.named_in(m.group(1)) \
                and phrase not in own and retriever.vocab.says(phrase):
            return True
    return False


# words before a document noun that do not name a kind of document ('the paper', 'its brief');
# nor does an institution's name ('osce brief'), checked against the institutions themselves
_NOT_KIND = frozenset(["the", "a", "an", "this", "that", "its", "their", "his", "her", "our",
                       "your", "which", "what", "whose", "each"])


def catalogue_answer(question: str, retriever: Retriever
                     ) -> tuple[str, list[Citation], list[AnswerSentence]] | None:
    """The answer's text, citations and sentences, or None when ``question`` does not ask
    about the catalogue or names no document of it."""
    question = retriever.vocab.speller.correct(question)  # 'wich part of the osce wrote…'
    kind = asks(question) or _named_only_in_catalogue(question, retriever)
    if kind is None or _only_mentioned(question, retriever):
        return None
    docs = documents_asked(question, retriever) if kind is not Catalogue.LIST \
        else sorted(retriever.store.documents)
    listed = sorted((x for x in (_cited(d, retriever) for d in docs) if x is not None),
                    key=lambda x: (_date_key(x.meta.date), x.meta.doc_id))
    if not listed:
        return None
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    lines: list[str] = []
    for n, x in enumerate(listed, start=1):
        chunk = retriever.store.chunks[x.row]
        cit = make_citation(n, chunk, x.meta, x.start, x.end).model_copy(
            update={"role": CitationRole.DOCUMENT})
        citations.append(cit)
        sentences.append(AnswerSentence(text=cit.excerpt, markers=[n]))
        lines.append(f"- {_line(kind, x.meta, retriever)} [{n}]")
    lead = _lead(kind, question, listed)
    if len(listed) == 1 and kind is not Catalogue.LIST:
        return f"{lead} [1]", citations, sentences
    return "\n".join([lead, "", *lines]), citations, sentences


def catalogue_reply(question: str, standalone: str, retriever: Retriever,
                    mode: AnswerMode) -> Answer | None:
    """:func:`catalogue_answer` as an :class:`Answer` of ``mode``'s engine, or None. Both
    engines give it as it is: a model has nothing to write from a catalogue."""
    found = catalogue_answer(standalone, retriever)
    if found is None:
        return None
    text, citations, sentences = found
    return Answer(question=question, standalone_question=standalone, answer=text,
                  citations=citations, sentences=sentences, mode=mode)
