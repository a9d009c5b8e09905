"""What kind of answer a question expects, and whether a sentence offers one (classic QA cues).

"When…" wants a date, "Who…" a named person or body, "How many / what share…" a figure. A
sentence carrying the expected kind of answer gets a small boost; nothing here knows any
particular question or document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.answering import measures
from assistant.answering.focus import counted
from assistant.retrieval.names import country_names, places_in
from ingest.text import content_terms

_MONTHS = (r"(?:January|February|March|April|May|June|July|August|September|October|November|"
           r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
DATE = re.compile(rf"\b(?:\d{{1,2}}\s+{_MONTHS}\s+\d{{4}}|{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|{_MONTHS}\s+\d{{4}}|"
                  rf"{_MONTHS}\s+\d{{1,2}}(?!\d)|\d{{1,2}}\s+{_MONTHS}|"  # a day without its year
                  rf"(?:19|20)\d{{2}}|today|yesterday)\b", re.I)
NUMBER = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|per\s*cent|percent)|\b\d{2,}\b|\b(?:half|third|quarter|"
                    r"majority|minority|most|few)\b", re.I)
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z][a-z]+|of|for|and|the))*\s+[A-Z][a-z]+\b")
# ('…give the launch date…', 'reply - date?': a date named as what is asked about)
_WHEN = re.compile(r"^\s*(when|what (date|year|day|month))\b|\bwhat time\b|\bon what date\b|"
                   r"\b(?:the|its|their|which)\s+(?:[\w-]+\s+)?dates?\b|(?:^|[-–:]\s*)dates?\s*\??\s*$", re.I)
_WHO = re.compile(r"^\s*(who|whom|whose)\b|\b(?:which|what) (?:[\w-]+ ){0,2}?(person|official|organi[sz]ations?|"
                  r"body|bodies|laws?|acts?|legislation|initiatives?|publications?|paper|reports?|office|"
                  r"agency|agencies|country|countries|courts?|conventions?|treaty|treaties|directives?|"
                  r"compan(?:y|ies)|events?|programmes?|programs?|instruments?|agreements?|protocols?)\b|"
                  r"\b(?:are|is)\s+any\b[^?]*?\b(?:named|mentioned\s+by\s+name)\b|\bnames?\s+any\b", re.I)
# 'Who spoke at the launch?' wants the people quoted: a name with a verb of speech.
_SPEAKER_Q = re.compile(r"\bwho\b(?:\s+[\w’'-]+){0,4}?\s+(?:spoke|speak|speaks|said|says|talked|"
                        r"addressed|presented|stated|commented)\b|\b(?:named|senior)\s+officials?\b", re.I)
SPEECH = re.compile(r"\b(?:said|says|stated|states|told|added|noted|explained|warned|"
                    r"emphasi[sz]ed|stressed|highlighted)\b")
# "What has X led to?" wants a consequence; a sentence stating one says 'resulted in', 'led to'…
_EFFECT_Q = re.compile(r"\b(led to|leads? to|result(?:ed|s)? in|consequences?|effects?|impacts?|outcomes?)\b", re.I)
EFFECT = re.compile(r"\b(result(?:ed|s|ing)? in|led to|lead(?:s|ing)? to|caus(?:e|ed|es|ing)|consequen\w*|"
                    r"thereby|as a result)\b", re.I)
# 'Has any other country done something similar?', 'which states…' wants a place; a sentence
# offering one names a country (pycountry's list, as the scope check reads them).
_PLACE_Q = re.compile(r"\b(?:which|what|any|another|other)\s+(?:other\s+)?(?:countr(?:y|ies)|"
                      r"nations?|jurisdictions?)\b", re.I)
# 'What's in the way of X?' wants an obstacle: 'challenged', 'barrier', 'hampering', 'inability'…
_OBSTACLE_Q = re.compile(r"\b(?:(?:get(?:s|ting)?|stand(?:s|ing)?) in the way|obstacles?|barriers?|"
                         r"hurdles?|hold(?:s|ing)? (?:it|them|things) back|stopping|hamper\w*|"
                         r"hinder\w*|imped\w*|stumbling blocks?)\b", re.I)
OBSTACLE = re.compile(r"\b(?:challeng(?:e|es|ed|ing)|barriers?|obstacles?|hamper\w*|hinder\w*|"
                      r"imped\w*|inability|lack of|difficult\w*|at odds|not yet been implemented)"
                      r"\b", re.I)
# 'What does X propose / want / call for…' wants a recommendation; a sentence making one says
# 'should', 'must', 'calls for', 'there is a need'… (the frame's verbs come from the same cues).
_PROPOSAL_Q = re.compile(r"\b(propos(?:e|es|ing|als?)|recommend(?:s|ing|ations?)?|call(?:s|ing)? "
                         r"for|want(?:s|ing)?|suggest(?:s|ing)?|urg(?:e|es|ing)|advocat(?:e|es|ing)|"
                         r"push(?:es|ing)? for|favou?r(?:s|ed)?|in favou?r of|comes? down on|"
                         r"which side|stance)\b", re.I)
RECOMMENDS = re.compile(r"\b(should|must|ought to|recommend(?:s|ed|ations?)?|urges?|deserves "
                        r"increased|needs? to be|it is imperative)\b", re.I)
CALLS_FOR = re.compile(r"\b(call(?:s|ed|ing)? (?:for|on)|there is a need|need for|requires? "
                       r"strong|is (?:much )?needed|are needed|is required|believe in the "
                       r"importance)\b", re.I)
ORDINAL_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
                   "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10}
_ORDINALS = {**ORDINAL_NUMBERS, "last": -1, "final": -1}  # -1: the list's last
_ORDINAL_Q = re.compile(r"\b(" + "|".join(_ORDINALS) + r")\s+(?:\w+\s+|of\s+(?:the\s+)?"
                        r"(?:[\w’'-]+\s+){0,3})?(recommendation|point|question|"
                        r"step|measure|item|principle|priority|issue|area|pillar|obligation|example|"
                        r"challenge|finding|topic|wave)s?\b", re.I)
ROMAN = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x")
# ('what hard numbers…', 'which statistics…': a figure, with a word before it or plural)
_HOW_MUCH = re.compile(r"^\s*(how (many|much))\b|\b(what|which) (?:[a-z]+ )?(share|proportion|"
                       r"percentage|number|fraction|figure|statistic)s?\b|\bwhat per ?cent", re.I)

CONNECTIVE = re.compile(
    r"^(?:One example|For example|For instance|This|These|Such|Those|It|They|Its|Their|Here|"
    r"Thus|Therefore|However|Moreover|Again|In short|Second|Third|Finally|Nonetheless|Nevertheless|"
    r"Yet|But|Instead|Indeed|In addition|Furthermore|Similarly|Likewise|Accordingly|Consequently|"
    r"As a result|Hence)\b")
# A short sentence that answers the one before it ('We completely agree, but add that…').
RESPONSE = re.compile(
    r"^(?:(?:We|I)\s+(?:\w+ly\s+)?(?:agree|disagree|welcome|support|concur|endorse|add|note)|"
    r"This|These|That|Such|It|They)\b")  # not 'However…', 'Moreover…': those add a new claim
RESPONSE_MAX_WORDS = 25


# A figure as an answer: a percentage, a count (not a year, not a list number) or a number word.
FIGURE = re.compile(r"\d+(?:[.,]\d+)?\s*(?:%|per\s*cent|percent)|(?<![\d.])(?!(?:19|20)\d{2}\b)"
                    r"\d{1,3}(?:,\d{3})+\b|(?<![\d.§])(?!(?:19|20)\d{2}\b)\d{2,}(?![.)]\s)\b|\b(?:two|three|"
                    r"four|five|six|seven|eight|nine|ten|twelve|twenty|fifty|hundreds?|thousands?|"
                    r"millions?|billions?|dozens?|half|third|quarter|majority|doubled|tripled)\b",
                    re.I)
# Questions that only a figure answers: 'how many…', 'what share…', 'by how much…'.
_FIGURE_Q = re.compile(r"\bhow many\b|\bby how much\b|\bhow much (?:money|funding)\b|"
                       r"\b(?:what|which) (?:share|proportion|percentage|fraction|number)\b|"
                       r"\bwhat per ?cent|\bwhat\s*%|\bstat(?:s|istics?)\b|\b(?:hard )?(?:numbers|figures) "
                       r"(?:on|for|about)\b|\bhard numbers\b", re.I)
# Whether figures exist at all ('do we have decent figures on…'): that there are none answers it.
_EXISTS = re.compile(r"^\s*(?:do|does|did|are|is|have)\s+(?:we|you|they|there|anyone|any)\b"
                     r"(?:\s+\w+){0,7}?\s+(?:figures|numbers|stats|statistics|data|estimates)\b",
                     re.I)
_DATE_Q = re.compile(r"^\s*when\s+(?:did|was|were|is|are|will|does|do|has|have)\b|"
                     r"\b(?:what|which) (?:date|year|month|day)\b|\bin what year\b", re.I)


NEAR_FIGURE = 60  # characters after a figure (or before it) where the thing it counts is named


def _counts(sentence: str, what: str) -> bool:
    """The sentence gives a figure of ``what``: '75% of sex trafficking victims' counts victims,
    not people at an event."""
    stems = set(content_terms(what))
    for m in FIGURE.finditer(sentence):
        around = sentence[max(0, m.start() - NEAR_FIGURE // 2) : m.end() + NEAR_FIGURE]
        if stems & set(content_terms(around)):
            return True
    return False


# A condition before the question proper ('if firms publish numbers, who is that meant to help?')
_CONDITION = re.compile(r"^\s*(?:if|when|once|where|given that|assuming)\b[^,?]{3,}?,\s*(?=\w)", re.I)


def missing_kind(question: str, quoted: list[str]) -> str | None:
    """What the question proper (after any condition) asks for that no quoted sentence gives:
    'figure' for 'how many…' answered with no number, 'date' for 'when…' answered with no date,
    a sum of money, a length of time or a provision's number (:mod:`~.measures`)."""
    question = _CONDITION.sub("", question, count=1)
    if (measure := measures.missing_measure(question, quoted)) is not None:
        return measure  # a sum of money, an age
    if _FIGURE_Q.search(question) and not _EXISTS.search(question) \
            and not any(FIGURE.search(q) for q in quoted):
        return "figure"
    if (what := counted(question)) is not None and not any(_counts(q, what) for q in quoted) \
            or measures.missing_total(question, quoted):
        return "figure"  # of something else ('75% of victims' for 'how many attended') or a share
    # 'held today' in a dated release is a date; 'Today technology is…' opening a sentence is not
    dated = (m.start() > 0 or m.group(0).lower() not in ("today", "yesterday") for q in quoted
             for m in DATE.finditer(q))
    if _DATE_Q.search(question) and not any(dated):
        return "date"
    if measures.missing_period(question, quoted):
        return "length of time"
    if measures.missing_provision(question, quoted):
        return "provision number"
    return None


# 'how did the OSCE's envoy sum up…', 'what did the Council of Europe's top official say…': a
# person's words are asked for.
PERSON_SAID = re.compile(r"\b(?:officials?|representative|envoy|secretary(?:[- ]general)?|director|"
                         r"head|chief|spokes(?:person|man|woman)|minister|president|"
                         r"chair(?:person)?|commissioner)(?:'s|’s)?\b[^?]*?\b(?:say|said|tell|told|"
                         r"state|stated|sum(?:med)? up|summari[sz]ed?|describe|put it|call)\b",
                         re.I)


def asks_who_spoke(question: str) -> bool:
    """'Who spoke at the launch?': everyone quoted is wanted ('what did the envoy say' asks
    for one person's words)."""
    return bool(_SPEAKER_Q.search(question)) and not PERSON_SAID.search(question)


# 'what's the full name of the body behind…', 'what does THB stand for?': a name spelled out.
SPELLED_Q = re.compile(r"\b(?:full?|long|proper|official|complete)\s+(?:name|title|form)\b|"
                        r"\bstands?\s+for\b|\bshort\s+for\b|\bacronym\b|\babbreviation\b|"
                        r"\bwhat\s+(?:does|do|is)\s+(?-i:[A-Z]{2,6})\s+(?:mean|short)\b|"
                        r"^\s*(?:what|who)(?:'s|’s|\s+is|\s+are)\s+(?:the\s+)?(?-i:[A-Z]{2,6})\s*\??\s*$",
                        re.I)
# A name given with its acronym: 'the Organization for Security and Cooperation in Europe (OSCE)'.
SPELLED = re.compile(r"\b[A-Z][a-z]+(?:[\s-]+(?:[A-Z][a-z]+|and|for|of|on|in|the|against|to)){1,9}"
                     r"\s+\([A-Z]{2,}[a-z]?[A-Z]*\)")


def spelled_acronyms(question: str, known: Iterable[str]) -> list[str]:
    """The names a question asks to have spelled out: acronyms ('THB' in 'what does thb stand
    for?': words in capitals, or any word the collection defines as an acronym), or the short
    name of an instrument ('what is the Budapest Convention?')."""
    if (m := _WHAT_IS_NAMED.search(question)) is not None:
        return [m.group(1)]
    if not SPELLED_Q.search(question) or re.search(r"\btitle", question, re.I):
        return []  # a document's title is asked for, not what a name stands for
    defined = {k.lower(): k for k in known}
    words = re.findall(r"\b[A-Za-z]{2,8}\b", question)
    return list(dict.fromkeys(defined.get(w.lower(), w) for w in words
                              if w.lower() in defined or (w.isupper() and len(w) <= 6)))


# 'what is the Budapest Convention?': a capitalised name of two to four words asked about alone
_WHAT_IS_NAMED = re.compile(r"^\s*what(?:'s|’s|\s+is|\s+are)\s+(?:the\s+)?"
                            r"((?-i:[A-Z][\w-]+)(?:\s+(?-i:[A-Z][\w-]+)){1,3})\s*\??\s*$", re.I)


def defines(sentence: str, name: str) -> bool:
    """The sentence gives ``name`` as the short form of what it spells out: '… (THB)', '…
    Cybercrime (the Budapest Convention)', '… (also known as the “Lanzarote Convention”)'."""
    return re.search(rf"\((?:the\s+|also known as (?:the\s+)?)?[“\"‘']?{re.escape(name)}"
                     rf"[”\"’']?\)", sentence) is not None


def expected_type(question: str) -> str | None:
    if SPELLED_Q.search(question) and not re.search(r"\btitle", question, re.I):
        return "spelled"
    if _SPEAKER_Q.search(question) or PERSON_SAID.search(question):
        return "speaker"
    if _WHEN.search(question):
        return "date"
    if _HOW_MUCH.search(question):
        return "number"
    if _PLACE_Q.search(question):
        return "place"
    if _WHO.search(question):
        return "name"
    if _EFFECT_Q.search(question):
        return "effect"
    if _OBSTACLE_Q.search(question):
        return "obstacle"
    if _PROPOSAL_Q.search(question):
        return "proposal"
    return None


def wanted_ordinal(question: str) -> int | None:
    """'the OSCE's third recommendation' -> 3 (the item a numbered list gives as '3.' or 'c)')."""
    m = _ORDINAL_Q.search(question)
    return _ORDINALS[m.group(1).lower()] if m else None


def wanted_list(question: str) -> str | None:
    """The kind of list an ordinal question points into: 'recommendation' for 'the first of
    the brief's recommendations'."""
    m = _ORDINAL_Q.search(question)
    return m.group(2).lower() if m else None


def is_item(sentence: str, n: int) -> bool:
    """The sentence opens item ``n`` of a list: '3.', '3)', 'c.', 'iii.' or 'Third,'."""
    head = sentence.lstrip()[:12].lower()
    word = next(w for w, k in _ORDINALS.items() if k == n)
    marks = (str(n), chr(ord("a") + n - 1), ROMAN[n - 1])
    return any(re.match(rf"\(?{re.escape(m)}[.)]\s", head) for m in marks) or head.startswith(word + ",")


def offers(sentence: str, kind: str | None) -> bool:
    if kind == "date":
        return bool(DATE.search(sentence))
    if kind == "number":
        return bool(NUMBER.search(sentence))
    if kind == "speaker":
        return bool(SPEECH.search(sentence) and NAME.search(sentence))
    if kind == "spelled":
        return bool(SPELLED.search(sentence))
    if kind == "name":
        return bool(NAME.search(sentence[1:]))  # a capitalised run not at the very start
    if kind == "effect":
        return bool(EFFECT.search(sentence))
    if kind == "obstacle":
        return bool(OBSTACLE.search(sentence))
    if kind == "place":
        return bool(places_in(sentence, country_names()))
    if kind == "proposal":
        return bool(RECOMMENDS.search(sentence) or CALLS_FOR.search(sentence))
    return False


_CONTRAST = re.compile(r"^(?:However|Nonetheless|Nevertheless|Yet|But|Instead)\b")


def inherited_share(sentence: str) -> float:
    """How much of the previous sentence's relevance a sentence opening with a connective
    shares: most of it for one that points back ('This approach…', 'One example is…'), less
    for one that turns to a new, contrasting claim ('However, …')."""
    if not CONNECTIVE.match(sentence):
        return 0.0
    return 0.8 if _CONTRAST.match(sentence) else 0.95


def responds_to_previous(sentence: str) -> bool:
    """A short follow-on that completes the sentence before it; quoted together with it."""
    return bool(RESPONSE.match(sentence)) and len(sentence.split()) <= RESPONSE_MAX_WORDS


def continues_quotation(sentence: str, following: str) -> bool:
    """``following`` goes on with what ``sentence`` quotes someone saying ('…', said Val
    Richey. ‘States need to…’): it opens a quotation and names no speaker of its own."""
    return bool(SPEECH.search(sentence) and NAME.search(sentence)) and \
        following.lstrip()[:1] in "‘“\"'" and not SPEECH.search(following)


def continues_list(sentence: str) -> bool:
    """An item that runs on into the next one ('…; and', '…;', '…,')."""
    t = sentence.rstrip()
    return t.endswith((";", ":", ",")) or bool(re.search(r"[;,]\s*(and|or)$", t))


def is_lead_in(sentence: str) -> bool:
    """A sentence that announces a list ('…including:')."""
    return sentence.rstrip().endswith(":")
