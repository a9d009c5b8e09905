"""What a question asks, read the way a user types it: typos fixed against the collection's own
words, institutions recognised by any name the user gives them ('CoE', 'EqNow', 'equalty now'),
and the topic left once those names are set aside.

The topic is what sentences are scored on: 'what does EqNow say about X' is a question about X,
asked of Equality Now's documents, and a sentence about X in another institution's document is
evidence of who does say it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answering.answer_type import SPELLED_Q as _SPELLED_Q
from assistant.answering.focus import asked_for, focus_reason
from assistant.answering.measures import uncited_provision, unexpanded_acronym
from assistant.answering.since import after_documents, holds_post_now
from assistant.retrieval.institutions import Institutions
from assistant.retrieval.names import country_names, owned_law, places_in
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms, stem

_COMPARE = re.compile(r"\b(compare[sd]?|comparison|versus|vs\.?|differ\w*|each|both|all (?:of )?"
                      r"(?:them|three|the)|agree|disagree|same (?:view|line|position)|"
                      r"where do .{1,40} stand|side by side|and how does)\b", re.I)
_YEAR = re.compile(r"\b(19[89]\d|20[0-4]\d)\b")
# A year set as a target ('the 2030 goals', 'by 2030', 'Agenda 2030'), not one of a document.
_TARGET_YEAR = re.compile(r"\bYEAR\s+(?:(?:sustainable\s+)?(?:development\s+)?(?:goals?|agenda|"
                          r"targets?|deadline|strategy|vision|commitments?|pledges?)|sdgs?)\b|"
                          r"\b(?:by|until|agenda|horizon)\s+YEAR\b", re.I)
# A word after an institution's name that names its document or people, not the topic:
# 'the OSCE paper', 'the CoE experts', "Equality Now's reply".
_ITS = re.compile(r"^(?:[’']s)?\s+(?:(?:19|20)\d{2}\s+)?(?:own\s+)?(?:paper|brief|report|study|experts?|release|response|"
                  r"reply|document|view|position|recs|recommendations)\b(?:[’']s)?", re.I)
# Words that say how much of a list is wanted, not what about ('the full list of…').
_WHICH_LIST = frozenset(stem(w) for w in ["list", "full", "whole", "complete", "numbered", "order"])
# An institution's name before these is what is asked about, not who is asked:
# 'which Council of Europe treaties…', 'OSCE participating States'.
_AS_TOPIC = re.compile(r"^(?:[’']s)?\s+(?:treat(?:y|ies)|conventions?|laws?|standards|member|"
                       r"participating|states|countries|framework|protocol|rules|bodies|body|"
                       r"institutions|committee|court|parliament|assembly|secretariat|"
                       r"ministers)\b", re.I)
# A year that dates a document ('its 2019 study', 'the 2021 reply'): which document is meant, not
# what it says, so it is kept out of what sentences are scored on (a wrong one is a premise).
_DATING = re.compile(r"\b(?:19|20)\d{2}\s+(?=(?:[\w-]+\s+){0,2}?(?:paper|brief|report|study|"
                     r"release|response|reply|document|publication|article|summary)\b)", re.I)
_DATED_AFTER = re.compile(r"\b(?:paper|brief|report|study|release|response|reply|document|"
                          r"publication|article|summary)\s+(?:(?:dates|dating|is|was)\s+from|from|of|in|"
                          r"dated)\s+((?:19|20)\d{2})\b", re.I)
# 'Do all three organisations back X?', 'where do all the institutions stand…': every
# institution is asked ('each of them' points into the conversation instead).
_EVERY = re.compile(r"\b(?:all|each|every)\s+(?:of\s+)?(?:the\s+|these\s+|those\s+)?"
                    r"(?:(?:two|three|four|five)\s+)?(?:organi[sz]ations?|institutions?|bodies|"
                    r"groups|authors|publishers)\b|\bthe\s+(?:two|three|four|five)\s+"
                    r"(?:organi[sz]ations|institutions|bodies|groups)\b|"
                    r"\b(?:which|any|none|either|neither)\s+of\s+the\s+(?:organi[sz]ations|"
                    r"institutions|bodies|groups|authors|publishers)\b", re.I)
_GLUE = re.compile(r"^[\s,;:/&-]*(?:and|or|the|of)?[\s,;:/&-]*$", re.I)


# A statement put before the question ('greta says the terms are working - any proof?', 'eqnow
# thinks X, right?'): an institution's view asserted, not asked about. A question that opens
# with a wh-word or an auxiliary ('what does GRETA say…', 'has GRETA said…') is not one.
_VERB = (r"(?:says|said|finds|found|claims|claimed|argues|argued|reckons|believes|thinks|states|"
         r"stated|reports|reported|shows|showed|concludes|concluded|credits|credited|blames|"
         r"blamed|wants|wanted|recommends|recommended|calls for|called for|urges|urged|"
         r"proposes|proposed|insists|insisted|demands|demanded)")
_STATES = re.compile(r"^(?!\s*(?:what|which|who|whom|whose|when|where|why|how|does|do|did|is|"
                     r"are|was|were|has|have|had|can|could|should|would|will|may)\b)"
                     rf"(?P<source>[^?]*?)\b{_VERB}\b(?=\s*[\w“\"'‘:])", re.I)
# The same view given as the ground of the question: 'Since Europol found that X, what…'.
_GROUND = re.compile(rf"^\s*(?:since|given that|now that|because|as|if)\s+(?P<source>[^,?]{{1,80}}?)"
                     rf"\s+{_VERB}\b", re.I)


def stated_source(question: str) -> tuple[int, int] | None:
    """Where a question that opens by asserting someone's view names who holds it ('GRETA's
    2024 report' in 'GRETA's 2024 report says X - what else?'), or None."""
    m = _STATES.search(question) or _GROUND.search(question)
    return m.span("source") if m else None


# A question tag's words: 'doesn't it', 'isn't that', 'aren't they'.
_TAG_WORDS = r"\w+n[’']?t\s+(?:it|they|he|she|there|that|we|you|i)"


def stated_view(question: str) -> str | None:
    """The view a question opens by asserting ('platforms should self-regulate' in 'equality
    now says platforms should self-regulate - why?'), up to the question it goes on to ask."""
    m = _STATES.search(question) or _GROUND.search(question)
    if m is None:
        return None
    view = re.split(r"\s+[-–—]\s+|[?;]|,\s+(?:so|but|and|what|why|how|is|does|right|correct|"
                    rf"true|surely|yes|no)\b|,?\s+{_TAG_WORDS}\s*(?:[?.!]|$)", question[m.end():],
                    maxsplit=1)[0]
    return re.sub(r"^\s*(?:that\b|:)?\s*", "", view).strip() or None


def states_a_view(question: str) -> bool:
    """The question opens by asserting what someone says ('greta says X - any proof?')."""
    return stated_source(question) is not None


# A question that takes something as given: 'why did the OSCE launch its study in 2024?',
# 'how come GRETA found that…'. What it takes as given is a premise, corrected if wrong.
_PRESUMES = re.compile(r"^\s*(?:why|how come)\b|\b(?:found|finds|said|says|claimed|claims|"
                       r"argued|argues|stated|states|reported|concluded|showed|shows) that\b", re.I)


def presumes(question: str) -> bool:
    """The question asserts a view or takes an event as given (a premise to correct)."""
    return states_a_view(question) or bool(_PRESUMES.search(question))


@dataclass(frozen=True)
class Asked:
    text: str  # the standalone question
    corrected: str  # typos fixed
    search: str  # corrected, with each institution named by its full name (for retrieval)
    topic: str  # corrected, without the institutions' names: what is asked about
    institutions: list[str] = field(default_factory=list)  # named, in order
    comparison: bool = False  # asks how several institutions compare
    years: list[int] = field(default_factory=list)
    doc_years: list[int] = field(default_factory=list)  # years that date a document asked about
    stated: bool = False  # opens by asserting someone's view ('GRETA says X - any proof?')
    presumed: bool = False  # takes a view or an event as given ('why did X do Y in 2024?')
    # Names the collection never mentions that only say whose view the question asserts
    # ('Since Europol found that X, what…'): set aside, and said to be unchecked, not refused.
    unverified: list[str] = field(default_factory=list)

    @property
    def scoped(self) -> bool:
        """Asked of particular institutions (one, or each of several)."""
        return bool(self.institutions)


# Words that only tied a name into the sentence: 'according to the [OSCE]', '[OSCE] vs [GRETA]'.
_BEFORE_NAME = re.compile(r"(?:\s*(?:\b(?:the|according to|in the view of|vs\.?|versus|and|or)\b|"
                          r"[,/&]))+\s*$", re.I)


def _strip(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in spans:
        out.append(_BEFORE_NAME.sub(" ", text[last:a]))
        last = b
    out.append(text[last:])
    topic = re.sub(r"\s+", " ", " ".join(p for p in out if not _GLUE.match(p))).strip()
    topic = re.sub(r"\(\s+", "(", re.sub(r"\s*\(\s*\)", "", topic))  # '(osce brief)' without 'osce'
    topic = re.sub(r"\s+([,?.!;:])", r"\1", topic)
    topic = re.sub(r"[,;:]+(?=[?.!]|$)", "", topic)
    return re.sub(r"^(?:[,;:/&-]\s*)+", "", topic)


_N_IN_M = re.compile(r"\b([1-9]) (?:in|out of) ([2-9]|10)\b")


def _percent(m: re.Match[str]) -> str:
    """'3 in 4' -> '3 in 4 (75%)': documents state shares as percentages."""
    a, b = int(m.group(1)), int(m.group(2))
    return f"{m.group(0)} ({round(100 * a / b)}%)" if a < b else m.group(0)


def _unverified(text: str, retriever: Retriever) -> list[str]:
    """The names of an asserted view's holder the collection never mentions, when they are
    the only names in the question it never mentions."""
    span = stated_source(text)
    if span is None:
        return []
    unknown = retriever.vocab.unknown(text)
    held = retriever.vocab.unknown(text[span[0]:span[1]])
    return held if unknown and set(unknown) <= set(held) else []


def _without(text: str, names: list[str]) -> str:
    """``text`` without the names (and a 'the' or possessive with them)."""
    for name in names:
        text = re.sub(rf"(?:\bthe\s+)?\b{re.escape(name)}(?:[’']s)?\b", " ", text, flags=re.I)
    return re.sub(r"\s+", " ", text).strip()


def _asked_of(insts: Institutions, text: str) -> list[tuple[str, int, int]]:
    """Each institution the question asks (its first mention that is not a topic: in 'victims
    in CoE member states, per greta', 'CoE' names member states and 'greta' who is asked)."""
    out: list[tuple[str, int, int]] = []
    for name, a, b in insts.mentions(text):
        while _AS_TOPIC.match(text[b:]):
            later = [(x, y) for n, x, y in insts.mentions(text[b:]) if n == name]
            if not later:
                break
            a, b = b + later[0][0], b + later[0][1]
        else:
            out.append((name, a, b))
    return out


# A request for a source to cite asks for the passage that says it: what follows is the topic.
_TO_CITE = re.compile(r"^\s*(?:which|what)\s+(?:document|source|paper|report|publication|passage)s?\s+"
                      r"(?:should|can|could|do|would|shall)\s+(?:i|we)\s+(?:cite|quote|use|reference)"
                      r"\s+(?:for|on|about|regarding)\s+", re.I)


# A question tag after an assertion: 'the osce says X, doesn't it?', '…, right?', '… - is that
# right?'. It asks whether the assertion holds, as the assertion with a question mark does.
_TAG = re.compile(r"(?<=[\w%)’'\"”])\s*(?:,|\s[-–—])\s*(?:"
                  rf"{_TAG_WORDS}|"
                  r"right|correct|true|surely|is\s+that\s+(?:right|true|correct|so)|"
                  r"am\s+i\s+right)\s*\?\s*$", re.I)


def analyze(question: str, retriever: Retriever) -> Asked:
    corrected = _N_IN_M.sub(_percent, retriever.vocab.hyphenated(
        retriever.vocab.speller.correct(question)))
    corrected = _TO_CITE.sub("", corrected) or corrected  # 'which document should I cite for X?'
    corrected = _TAG.sub("?", corrected) or corrected  # '…, doesn't it?' asks what '…?' asks
    if _SPELLED_Q.search(cased := retriever.vocab.cased(corrected)):
        corrected = cased  # 'what is the osce?' asks, as 'what is the OSCE?' does, for its name
    insts = retriever.institutions
    # 'what does OSCE stand for?' asks about the name itself, not what the OSCE says
    mentions = [] if _SPELLED_Q.search(corrected) else _asked_of(insts, corrected)
    names = [n for n, _, _ in mentions]
    search = corrected
    for name, a, b in sorted(mentions, key=lambda m: -m[1]):
        full = insts.all[name].full_name
        said = corrected[a:b]
        if said.lower().rstrip("’'s") not in full.lower():
            search = search[:a] + f"{said} ({full})" + search[b:]
    spans = []
    for _, a, b in mentions:
        m = _ITS.match(corrected[b:])
        spans.append((a, b + (m.end() if m else 0)))
    topic = _DATING.sub("", _strip(corrected, spans) if mentions else corrected)
    if mentions and not [t for t in content_terms(topic) if t not in _WHICH_LIST]:
        # 'what are the OSCE's recommendations?', 'the full list of the OSCE's recommendations':
        # the document or view word is all it asks about
        topic = _DATING.sub("", _strip(corrected, [(a, b) for _, a, b in mentions]))
    search = _DATING.sub("", search)
    if not names and _EVERY.search(corrected):
        names = list(insts.authors)  # who is asked is every author: not what is asked about
        topic = re.sub(r"\s+", " ", _EVERY.sub(" ", topic)).strip()
    comparison = len(names) >= 2 or (len(names) == 1 and bool(_COMPARE.search(corrected))
                                      and "other" in corrected.lower())
    years = [int(y) for y in _YEAR.findall(corrected)
             if not _TARGET_YEAR.search(corrected.replace(y, "YEAR"))]
    doc_years = [int(m.group(0)[:4]) for m in _DATING.finditer(corrected)] + \
        [int(y) for y in _DATED_AFTER.findall(corrected)]
    unverified = _unverified(corrected, retriever)
    search, topic = _without(search, unverified), _without(topic, unverified)
    search, topic = retriever.vocab.spell_out(search), retriever.vocab.spell_out(topic)
    extra = retriever.expander.expand(corrected)
    if extra:
        search = f"{search} ({' '.join(extra)})"
        topic = f"{topic} ({' '.join(extra)})"
    return Asked(text=question, corrected=corrected, search=search, topic=topic or corrected,
                 institutions=names, comparison=comparison, years=years, doc_years=doc_years,
                 stated=states_a_view(corrected), presumed=presumes(corrected),
                 unverified=unverified)


# What should be done ('what should the UK government do?'): the documents' recommendations
# answer it in general terms, for a country they never name too.
_SHOULD = re.compile(r"\b(?:should|ought\s+to|needs?\s+to|must|recommend\w*|what\s+can)\b", re.I)


def elsewhere(asked: Asked, unknown: list[str]) -> bool:
    """The names the collection never mentions are all countries, and the question asks what
    should be done: answered in general, saying so, not refused; not a country's own law
    ('under the uk online safety act, must platforms…?'), which the collection does not hold."""
    return bool(unknown) and bool(_SHOULD.search(asked.corrected)) and all(
        places_in(u, country_names()) and not owned_law(u, asked.corrected) for u in unknown)


def out_of_range(asked: Asked, retriever: Retriever) -> str | None:
    """Why the collection cannot hold the answer, whatever its sentences score: the question
    names something it never mentions, asks about a year after its newest document, or asks
    for a thing (its wh-phrase's head) the collection has no word for."""
    vocab = retriever.vocab
    unknown = vocab.unknown(asked.topic)
    if unknown and not elsewhere(asked, unknown):
        return "the collection never mentions " + ", ".join(f"“{w}”" for w in unknown)
    if (cited := uncited_provision(asked.corrected, vocab.finds)) is not None:
        return f"no document cites {cited}"
    if short := unexpanded_acronym(asked.corrected, vocab.acronym_forms, vocab.proper_name,
                                    vocab.finds):
        return f"the documents use {short} but never spell it out"
    if (after := after_documents(asked.corrected, retriever)) is not None:
        return after
    newest = vocab.newest_year
    if (now := holds_post_now(asked.corrected, vocab.people, newest)) is not None:
        return now
    later = [y for y in asked.years if newest is not None and y > newest]
    if later and not asked.presumed:
        # Asked what a later document says, as opposed to taking it as given (a premise the
        # answer corrects: 'GRETA's 2024 report says X - what else?', 'why did the OSCE launch
        # its study in 2024?').
        return f"its newest document is from {newest}, before {later[0]}"
    # An institution's name ('what worries eqnow about…') is who is asked, not what is asked for.
    if (head := asked_for(asked.corrected)) and retriever.institutions.named_in(head):
        return None
    return focus_reason(asked.corrected, vocab.known_terms, retriever.expander.closest)
