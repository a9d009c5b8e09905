"""Questions that only a measure or a reference answers, a sum of money, a length of time or a
provision's number: 'how long must intermediaries keep the material they delete?' is not
answered by a sentence saying that they should keep it, 'how big are the fines…' by one saying
that fines exist, nor 'which article of the convention…' by one naming the convention."""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.answering.focus import counted
from ingest.text import content_terms

# Questions that only a sum of money answers: 'how big are the fines…', 'how much money do
# traffickers make…'; a sentence giving one names a currency or a sum.
_MONEY_Q = re.compile(r"\bhow (?:big|large|high|steep|heavy|much)\b(?:\s+[\w’']+){0,3}?\s+(?:fines?|"
                      r"penalt(?:y|ies)|sums?|budgets?|costs?|profits?|revenues?|earnings?|"
                      r"income|funding)\b|\bhow much (?:money|funding|revenue|profit)\b|\bhow much "
                      r"(?:do|does|did)\b[^?]*?\b(?:make|earn|cost|pay|spend|charge)\b|\bwhat(?:'s|’s| is| was|"
                      r"| are| were) (?:the |its |their )?(?:[a-z]+ ){0,2}?(?:budget|revenue|turnover|price|"
                      r"profit|earning|income)s?\b(?!\s+motive)|\b(?:dollar|euro|monetary)\s+(?:figure|amount|value|"
                      r"estimate|sum)s?\b", re.I)
MONEY = re.compile(r"[$€£¥]\s?\d|\b(?:dollars?|euros?|pounds?|francs?|USD|EUR|GBP)\b|"
                   r"\b\d[\d,.]*\s*(?:million|billion|bn)\b", re.I)
# 'how long must…', 'for how many months…', 'what retention period…'; not 'how long ago' (a
# date) nor 'how long is the brief' (its length)
_PERIOD_Q = re.compile(r"\bhow\s+long\b(?!\s+ago\b)(?!\s+(?:is|was)\s+(?:the|this|that|its|their)\s+"
                       r"(?:[\w-]+\s+){0,2}(?:brief|report|paper|document|study|summary|release|article|page)\b)|"
                       r"\bfor\s+how\s+many\s+(?:hours|days|weeks|months|years)\b|"
                       r"\b(?:retention|storage|limitation|time)\s+(?:period|limit|frame)s?\b", re.I)
_NUMBER = (r"(?:\d+(?:[.,]\d+)?|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
           r"fifteen|twenty|thirty|forty|fifty|sixty|ninety|several|a\s+few|many)")
# '24 hours', 'six months', 'a year', 'indefinitely', 'without delay', 'within a reasonable time'
PERIOD = re.compile(rf"\b{_NUMBER}[\s-]+(?:hours?|days?|weeks?|months?|years?|decades?)\b|"
                    r"\b(?:indefinitely|permanently|immediately|promptly|expeditiously|"
                    r"without\s+(?:undue\s+)?delay|within\s+a\s+(?:reasonable|short)\s+time|"
                    r"as\s+long\s+as)\b", re.I)


def missing_money(question: str, quoted: list[str]) -> bool:
    """The question asks for a sum of money, and none of the quoted sentences gives one."""
    return _MONEY_Q.search(question) is not None and not any(MONEY.search(q) for q in quoted)


# 'what's the average age girls are first pulled in?', 'how old are most victims?': an age,
# which a share of girls ('18% of the tools… women and girls') is not
_AGE_Q = re.compile(r"\b(?:(?:average|median|mean|typical|usual)\s+age|what\s+age|how\s+old|"
                    r"at\s+what\s+age)\b", re.I)
AGE = re.compile(r"\b(?:aged?\s+(?:of\s+)?\d+|\d+\s*-?\s*years?(?:\s*-?\s*old|\s+of\s+age)|"
                 r"(?:under|over)\s+(?:the\s+age\s+of\s+)?\d+|\d+\s*-\s*year-olds?)\b", re.I)


# 'how many ads go up every day', 'how many victims a year': a number per unit of time; a
# sentence giving one says per what ('per day', 'annually', 'each year').
_RATE_Q = re.compile(r"\bhow\s+(?:many|much)\b[^?]{0,80}?\b(?:every|each|per|a)\s+(?:day|week|month|"
                     r"year)\b|\bhow\s+(?:many|much)\b[^?]{0,80}?\b(?:daily|weekly|monthly|yearly|"
                     r"annually)\b", re.I)
RATE = re.compile(r"\b(?:per|each|every|a)\s+(?:day|week|month|year|annum)\b|\b(?:daily|weekly|"
                  r"monthly|yearly|annually|annual)\b", re.I)


def missing_measure(question: str, quoted: list[str]) -> str | None:
    """A sum of money, an age or a rate the question asks for that no quoted sentence gives."""
    if missing_money(question, quoted):
        return "sum of money"
    if _AGE_Q.search(question) and not any(AGE.search(q) for q in quoted):
        return "age"
    if _RATE_Q.search(question) and not any(RATE.search(q) for q in quoted):
        return "number per day, week or year"
    return None


def asks_for_period(question: str) -> bool:
    return _PERIOD_Q.search(question) is not None


def missing_period(question: str, quoted: list[str]) -> bool:
    """The question asks how long, and none of the quoted sentences gives a length of time."""
    return asks_for_period(question) and not any(PERIOD.search(q) for q in quoted)


# 'which article of the convention…', 'what section of the act…', 'under which clause…': the
# number of a provision; a sentence giving one cites it ('Article 23', 'art. 9', 'section 230').
_PROVISION_Q = re.compile(r"\b(?:which|what)\s+(?:specific\s+|exact\s+)?(?:articles?|sections?|"
                          r"clauses?|paragraphs?|provisions?\s+number)\b|\b(?:article|section|"
                          r"clause|paragraph)\s+(?:number|no\.?)\b", re.I)
PROVISION = re.compile(r"\b(?:articles?|art\.|sections?|§|clauses?|paragraphs?|para\.)\s*"
                       r"\d+[a-z]?\b|§\s*\d+", re.I)


# a provision the question cites by number, of an instrument: 'art 3 of the palermo protocol',
# 'section 230 of the communications decency act'
_CITED = re.compile(r"\b(?P<kind>articles?|art\.?|sections?|clauses?|paragraphs?|para\.?)\s*"
                    r"(?P<n>\d+[a-z]?)\b|§\s*(?P<sn>\d+[a-z]?)\b", re.I)
_INSTRUMENT = re.compile(r"\b(?:protocol|convention|act|directive|regulation|law|code|treaty|"
                         r"charter|statute|bill)\b", re.I)
_KINDS = {"a": r"(?:articles?|art\.?)", "s": r"(?:sections?|§)", "c": r"clauses?",
          "p": r"(?:paragraphs?|para\.?)"}


def uncited_provision(question: str, finds: Callable[[str], bool]) -> str | None:
    """A provision of an instrument the question cites by number ('art 3 of the palermo
    protocol') that no document cites (``finds`` searches the collection's text): its
    wording is not in the collection, whatever the passages on the instrument say."""
    if not _INSTRUMENT.search(question):
        return None
    for m in _CITED.finditer(question):
        kind = _KINDS[(m.group("kind") or "s")[0].lower()]
        n = m.group("n") or m.group("sn")
        if not finds(rf"{kind}\s*{re.escape(n.lower())}\b"):
            return m.group(0).strip()
    return None


def missing_provision(question: str, quoted: list[str]) -> bool:
    """The question asks which article, section or clause, and no quoted sentence numbers one."""
    return _PROVISION_Q.search(question) is not None and not any(PROVISION.search(q) for q in quoted)


# 'how many tools… in total': an absolute count; '18% of the tools' is a share of them
_TOTAL_Q = re.compile(r"\bhow\s+many\b[^?]*?\b(?:in\s+total|altogether|all\s+told|in\s+all|overall)\b|"
                      r"\b(?:total|overall)\s+(?:number|count)\b", re.I)
_SHARE_Q = re.compile(r"\b(?:share|proportion|percentage|per ?cent|fraction|%)", re.I)
_COUNT = re.compile(r"\b\d[\d,.]*\b(?!\s?(?:%|per ?cent))|\b(?:dozens?|hundreds?|thousands?|"
                    r"millions?)\b", re.I)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")


def missing_total(question: str, quoted: list[str]) -> bool:
    """The question asks how many of something in all, and no quoted sentence counts it (a
    share is not a count, nor is a year or a list number far from the thing counted)."""
    if _TOTAL_Q.search(question) is None or _SHARE_Q.search(question):
        return False
    stems = set(content_terms(counted(question) or ""))
    return not any(
        not _YEAR.match(m.group(0))
        and (not stems or stems & set(content_terms(q[max(0, m.start() - 30): m.end() + 60])))
        for q in quoted for m in _COUNT.finditer(q))


# 'what do the two acronyms stand for?', 'what is ICAT short for?', 'the full names of the bills'
_STANDS_FOR = re.compile(r"\bstands?\s+for\b|\bshort\s+for\b|\bacronyms?\b|\babbreviations?\b"
                         r"|\bspel(?:l|ls|led|t)\s+out\b|\bfull\s+names?\b", re.I)
_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


def unexpanded_acronym(question: str, expanded: dict[str, str],
                       name_of: Callable[[str], str | None],
                       finds: Callable[[str], bool]) -> str | None:
    """An acronym the question asks to have spelled out that the collection only ever uses
    short ('what do fosta and sesta stand for?'), or None. ``expanded`` maps the acronyms the
    collection defines to their long forms; ``name_of`` gives a word's form in the collection's
    text, or None when it never uses the word; ``finds`` searches its lower-cased text (a long
    form followed by the acronym in brackets, '… Against Trafficking in Persons (ICAT)', spells
    it out too)."""
    if not _STANDS_FOR.search(question):
        return None
    known = {a.lower() for a in expanded}
    for m in _TOKEN.finditer(question):
        form = name_of(m.group(0))
        letters = (form or "").replace("-", "")
        if form and len(letters) >= 3 and letters.isupper() and form.lower() not in known \
                and not finds(rf"\(\s*{re.escape(form.lower())}s?\s*\)"):
            return form
    return None
