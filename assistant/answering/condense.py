"""Deterministic follow-up rewriting for the extractive path (the LLM path uses a prompt)."""

from __future__ import annotations

import re

from assistant.core.models import Turn
from assistant.retrieval.names import speakers
from ingest.text import STOPWORDS, tokenize

_ANAPHORA = re.compile(
    r"\b(it|its|that|this|these|those|they|them|their|theirs|she|he|her|his|him|there|"
    r"else|also|more|other|same|such|above|former|latter)\b", re.I)
_LEADING = re.compile(r"^(and|but|so|also|what about|how about|and what|then)\b", re.I)
_BESIDES = re.compile(r"\b(?:besides|apart from|aside from|other than|beyond)\b", re.I)
# 'does GRETA agree?': a view on what was just said, with no object of its own.
_STANCE = re.compile(r"\b(?:agree|disagree|concur|differ|think so|say so)\W*$", re.I)
# ('closed some other way', 'another route' ask for a means, not for more material)
_MORE = re.compile(r"\b(else|more|(?:other|another)(?!\s+(?:ways?|means|routes?|methods?|approach(?:es)?)\b)|"
                   r"further|also|additionally)\b", re.I)


# A pronoun standing for a thing of the answer before, with no noun after it: 'running those
# -', 'is that meant…'; not the 'that' that opens a clause ('find that 3 in 4 victims…').
_BARE_POINTER = re.compile(r"\b(?:those|these)\s*(?:[-–—?,.!;:]|$)|"
                           r"\b(?:is|are|was|were)\s+(?:that|this|those|these)\s+(?:meant|supposed|"
                           r"intended|about|for|just|only|really|actually)\b", re.I)
SELF_CONTAINED = 7  # content words from which a question with no leading 'and…' stands alone


# 'interesting - any numbers?': an acknowledgement before the question says nothing of its topic
_INTERJECTION = re.compile(r"^\s*(?:ok(?:ay)?|interesting|great|thanks|thank you|cool|right|hmm+|"
                           r"i see|got it|sure|nice|good|wow|fine|understood|noted|perfect)\b"
                           r"[\s,.!:;–—-]*(?=\w)", re.I)
# 'can you give me the exact wording?', 'source?': asks about the answer before, not a topic
_META = frozenset(["give", "show", "tell", "exact", "wording", "words", "quote", "quotes",
                   "quotation", "source", "sources", "page", "pages", "citation", "citations",
                   "reference", "references", "link", "links", "detail", "details", "context",
                   "full", "text", "verbatim", "precisely", "exactly"])


def without_interjection(question: str) -> str:
    """The question without an acknowledgement before it ('ok, and equality now?')."""
    return _INTERJECTION.sub("", question)


def is_follow_up(question: str) -> bool:
    question = without_interjection(question)
    words = [w for w in tokenize(question) if w not in STOPWORDS]
    if words and all(w in _META for w in words):
        return True
    if _LEADING.search(question.strip()) or stance(question):
        return True
    if _BARE_POINTER.search(question):
        return True  # 'who's actually running those - police, charities…?', 'is that meant as…'
    if len(words) >= SELF_CONTAINED and not _PERSON.search(question):
        return False  # 'why did GRETA find that 3 in 4 victims…': 'that' points at nothing
    return bool(_ANAPHORA.search(question) or len(words) <= 1)


def person(question: str) -> bool:
    """Whether the question points at a person ('she', 'his')."""
    return bool(_PERSON.search(question))


def stance(question: str) -> bool:
    """'Does GRETA agree?': a view asked on what was just said, with no object of its own."""
    return bool(_STANCE.search(question))


def wants_more(question: str) -> bool:
    """'What else…', 'anything more…': the user wants material not shown already; not when
    the question names what it sets aside ('besides the problems, what else…'): what the
    answer before showed around the problems may be the answer."""
    return bool(_MORE.search(question)) and not _BESIDES.search(question)


# Connectives and question words that name nothing a follow-up could be about.
_FILLER = frozenset(["however", "despite", "fact", "moreover", "thus", "therefore", "indeed",
                     "although", "though", "furthermore", "nonetheless", "nevertheless",
                     "meanwhile", "hence", "well", "rather", "what's", "what’s"])


def _key_terms(text: str) -> list[str]:
    """Distinct content words of ``text`` in order of first use (case-insensitive), in one
    pass: a set remembers the words already taken, so long turns cost linear time."""
    out: list[str] = []
    seen: set[str] = set()
    for m in re.finditer(r"[A-Za-z][A-Za-z0-9\-’']*", text):
        w = m.group(0)
        low = w.lower()
        if low in seen or low in STOPWORDS or low in _FILLER or len(w) < 3 or \
                _ANAPHORA.fullmatch(w):
            continue
        seen.add(low)
        out.append(w)
    return out


_PERSON = re.compile(r"\b(she|he|her|him|his|hers)\b", re.I)


def condense(question: str, history: list[Turn], pointing: bool = False,
             before: str | None = None) -> str:
    """Make a follow-up standalone by carrying over the key terms of the previous question
    (and, for 'she'/'he', the names of people in the previous answer); ``pointing``: the
    question points back ('the second one') though it reads as standalone; ``before``: the
    previous question as it was made standalone, when the caller knows it."""
    users = [t.content for t in history if t.role == "user"]
    if not users or not (pointing or is_follow_up(question)):
        return question
    present = {w.lower() for w in tokenize(question)}
    source = before if before is not None else _previous(history)
    turns = [t for t in history if t.role == "assistant"]
    answers = [t.content for t in turns]
    if _PERSON.search(question) and answers:
        source = " ".join(_people(answers[-1], source)) + " " + source
    carried = [w for w in _key_terms(source) if w.lower() not in present][:10]
    if _THING.search(question) and answers:
        # 'Who should carry it out?': 'it' is often what the last answer said, not what was
        # asked, so the statement of that answer it points at lends its words too.
        taken = present | {w.lower() for w in carried}
        # The answer's words in lower case: capitalised words it happens to put side by side
        # ('15 February 2022 – Trafficking…') are not a name the collection never uses.
        carried += [w if w.isupper() else w.lower()
                    for w in _key_terms(_pointed_at(question, turns[-1]))
                    if w.lower() not in taken][:ANSWER_TERMS]
    if not carried:
        return question
    return f"{question.rstrip()} ({' '.join(carried)})"


# A capitalised run that goes on with a hyphen is a modifier ('Enhance State-led'), not a name.
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b(?![-‐])")


def _people(answer: str, asked: str) -> list[str]:
    """Who 'he' or 'she' may be: the people the answer quotes ('…, said the OSCE Special
    Representative … Val Richey'), else its names ('Val Richey, who…'); of several, the one
    the question before asked about ('what did Helga Maria Schmid say?')."""
    people = list(dict.fromkeys(speakers(answer))) or _NAME.findall(answer)
    named = [p for p in people if p.split()[-1].lower() in asked.lower()]
    return named or people


def _previous(history: list[Turn]) -> str:
    """The last user turn, made standalone in its turn: after 'what transparency duties does
    the brief describe?' and 'do any companies publish that?', a third question about 'it'
    carries 'transparency' too."""
    last = max(i for i, t in enumerate(history) if t.role == "user")
    before = history[:last]
    question = history[last].content
    if any(t.role == "user" for t in before) and is_follow_up(question):
        return condense(question, before)
    return question


_THING = re.compile(r"\b(it|its|this|that|these|those|they|them|their)\b", re.I)
ANSWER_TERMS = 6  # words carried over from the previous answer
_ATTRIBUTION = re.compile(r"^According to [^,“\"]*(?:\([^)]*\))?,\s*")
# 'The Equality Now position paper (August 2019) recommends: “…': the engine's frame.
_FRAME = re.compile(r"^[^“\"\n]{0,200}?:\s*(?=[“\"])")


# 'that research', 'those measures': a demonstrative and the noun it points with.
_DEMONSTRATIVE = re.compile(r"\b(?:that|this|these|those)\s+([a-z]{4,})\b", re.I)
STEM = 5  # letters a noun and a word of the answer share to be the same word


def _pointed_at(question: str, turn: Turn) -> str:
    """The statement of the previous answer the question points at: the first sentence that
    names what 'that research' names (its excerpts in order), else its first statement."""
    nouns = [m.group(1).lower() for m in _DEMONSTRATIVE.finditer(question)
             if m.group(1).lower() not in STOPWORDS]
    excerpts = [c.excerpt for c in turn.citations] or [turn.content]
    for noun in nouns:
        for text in excerpts:
            for sentence in re.split(r"(?<=[.!?:])\s+", text):
                if any(w.startswith(noun[:STEM]) for w in tokenize(sentence)):
                    return _first_statement(sentence)
    return _first_statement(_quoted(turn))


def _quoted(turn: Turn) -> str:
    """What the previous answer said: its first excerpt, not the engine's frame around it."""
    if turn.citations:
        return turn.citations[0].excerpt
    return _FRAME.sub("", turn.content.strip(), count=1)


def _first_statement(answer: str) -> str:
    """The first sentence of an answer, without its attribution ('According to the OSCE…,')."""
    text = _ATTRIBUTION.sub("", answer.strip()).lstrip("“\"")
    text = re.sub(r"^(?:yes|no|indeed)\b[.,!]?\s*", "", text, flags=re.I)
    m = re.search(r"[.!?](?:[”\"]|\s|$)", text)
    text = text[: m.end()] if m else text
    return text[:1].lower() + text[1:]  # its first word is capitalised only as a sentence start
