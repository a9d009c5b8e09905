"""What happened after a document came out: 'since the osce study came out, which states have
passed laws…?'. Only a later document could say; a republication of the same text cannot. The
collection's own dates decide, so a question about what followed Equality Now's 2019 paper is
still answered from the 2022 documents."""

from __future__ import annotations

import re

from assistant.answering.catalogue import documents_asked
from assistant.retrieval.retriever import Retriever

# 'since the osce study came out', 'after its report was published', 'since that brief launched'
_SINCE = re.compile(
    r"\b(?:since|after)\s+(?P<ref>[^,;?]{1,80}?)\s+"
    r"(?:came\s+out|come\s+out|(?:was|were)\s+(?:first\s+)?(?:published|released|issued|"
    r"launched|put\s+out)|launched|appeared|was\s+out)\b", re.I)
# 'after greta put out its study', 'since the osce published its brief'
_SINCE_ACTIVE = re.compile(
    r"\b(?:since|after)\s+(?P<who>[^,;?]{1,60}?)\s+(?:put\s+out|published|released|issued|"
    r"launched|brought\s+out)\s+(?P<what>(?:its|their|the|that|this)\s+[^,;?]{1,60}?)"
    r"(?=\s*[,;?]|\s+(?:did|has|have|had|was|were|is|are)\b)", re.I)
# 'since the osce flagged that…', 'after eqnow called for…': what followed what it said
_SINCE_SAID = re.compile(
    r"\b(?:since|after)\s+(?P<ref>(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)\s+(?:flagged|said|warned|noted|"
    r"argued|pointed\s+out|wrote|called\s+for|raised|highlighted|recommended)\b", re.I)
# 'the year after the study', 'in the months after the launch'
_PERIOD_AFTER = re.compile(r"\b(?:the|in\s+the|a|two|three)\s+(?:years?|months?)\s+after\s+"
                           r"(?P<ref>(?:the|its|their|that)\s+[^,;?]{1,60}?)(?=\s*[,;?]|\s*$)", re.I)
_DOCUMENT = re.compile(r"\b(?:study|brief|report|paper|release|launch|summary|article|response)\b",
                       re.I)
# what has happened since: the present perfect ('which states have gone on to pass laws'), or
# what followed ('did the committee go on to adopt…')
_SINCE_THEN = re.compile(r"\b(?:have|has|haven[’']?t|hasn[’']?t|go(?:ne)?\s+on\s+to|went\s+on\s+to|"
                         r"since\s+then|subsequently)\b", re.I)


def after_documents(question: str, retriever: Retriever) -> str | None:
    """Why the collection cannot answer a question about what happened after one of its
    documents came out: no document is from a later year (a republication dates from its
    original)."""
    later_period = _PERIOD_AFTER.search(question)
    m = None if later_period else _SINCE.search(question)
    active = None if m or later_period else _SINCE_ACTIVE.search(question)
    if active is not None:
        m, ref = active, f"{active.group('who')}'s {active.group('what').split(None, 1)[-1]}"
    elif m is not None or (not later_period and (m := _SINCE_SAID.search(question))):
        ref = m.group("ref")
    named = ""
    if later_period is not None:  # 'the year after the study': later, whatever the tense
        m = later_period
        ref = re.sub(r"\s+(?:came\s+out|was\s+(?:published|released|launched)|launched|appeared)$",
                     "", later_period.group("ref"), flags=re.I)
        named = question[: m.start()]  # 'the study' is the osce's named earlier in the question
    elif m is None or not _SINCE_THEN.search(question[m.end():] + " " + question[:m.start()]):
        return None
    # 'the study' is the one of the institution named elsewhere in the question ('since the
    # study came out, has the osce run…?')
    named = named or f"{question[: m.start()]} {question[m.end():]}"
    docs = documents_asked(ref, retriever)
    if len(docs) == len(retriever.store.documents) and _DOCUMENT.search(ref):
        docs = documents_asked(f"{named} {ref}", retriever)  # not 'after the palermo protocol'
    store = retriever.store
    if not docs or len(docs) == len(store.documents):
        return None  # no document named ('since the rules came out')
    years = [y for d in docs if (y := _year(retriever, d)) is not None]
    if not years:
        return None
    year = max(years)
    later = {d for d in store.documents
             if d not in docs and (y := _year(retriever, d)) is not None and y > year}
    if not later:
        return (f"the question asks what followed {ref} ({year}), and no document "
                "in the collection is later")
    if m.re is _SINCE_SAID:
        return None  # 'since eqnow called for a global compact, what has the osce said?'
    # 'has tech against trafficking refreshed its catalogue since eqnow's paper came out?':
    # later documents exist, but none of them names what the question asks after
    names = retriever.vocab.proper_names
    for key in names.runs_in(question[: m.start()] + " " + question[m.end():]):
        found = names.get(key)
        if found and not later & found[1] and not retriever.institutions.named_in(key):
            return (f"the question asks what followed {ref} ({year}), and no later "
                    f"document mentions {found[0]}")
    return None


# Who holds a post now: 'who took over from schmid?', 'is she still secretary general?', 'her
# successor', 'the current special representative'. The documents say who held it then.
_POST = (r"(?:secretary[- ]general|sec(?:retary)?\s+gen|special\s+representative|director|"
         r"head|chair(?:person|man|woman)?|president|commissioner|coordinator|rapporteur)")
_POST_RE = re.compile(rf"\b{_POST}\b", re.I)
_NOW_HOLDS = re.compile(
    r"\bwho\s+(?:has\s+|then\s+)?(?:took|has\s+taken|takes)\s+over\b|\bwho\s+(?:has\s+)?"
    r"(?:replaced|succeeded|came\s+after)\b|\bsuccess(?:or|ors|ion)\b|\breplacement\b"
    r"|\bstill\s+(?:the\s+)?(?:\w+\s+)?(?=" + _POST + r"\b)|\bstill\s+in\s+(?:post|office|charge|the\s+job)\b"
    r"|\b(?:no\s+longer|not)\s+(?:the\s+)?(?:\w+\s+)?(?=" + _POST + r"\s+any\s*more\b)"
    r"|\b(?:current|present|today[’']?s)\s+(?:\w+\s+)?(?=" + _POST + r"\b)", re.I)
_PERSON = re.compile(r"\b(?:she|he|her|him|his)\b", re.I)


def holds_post_now(question: str, people: dict[str, str], newest: int | None) -> str | None:
    """Why the collection cannot say who holds a post now or whether someone still does: its
    documents name who held it when they were written. A post, a person the collection quotes
    or a personal pronoun must be in the question ('who took over from schmid?'), not only a
    change of hands ('who took over from the industry…?')."""
    if not _NOW_HOLDS.search(question):
        return None
    words = set(re.findall(r"[a-z]+", question.lower()))
    if not (_POST_RE.search(question) or _PERSON.search(question) or words & set(people)):
        return None
    when = f" (the newest is from {newest})" if newest else ""
    return ("the question asks who holds a post now, and the documents only name who held it "
            f"when they were written{when}")


def _year(retriever: Retriever, doc_id: str) -> int | None:
    """The year a document's text dates from: a republication's is its original's."""
    meta = retriever.store.meta(doc_id)
    if meta.duplicate_of and meta.duplicate_of in retriever.store.documents:
        meta = retriever.store.meta(meta.duplicate_of)
    return int(meta.date[:4]) if meta.date and meta.date[:4].isdigit() else None
