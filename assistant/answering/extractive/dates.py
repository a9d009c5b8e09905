"""Dates a question gets wrong, corrected from what the excerpts or the documents' metadata say:
a document's year ('Equality Now's 2021 reply' is dated August 2019), an event's year or month
('the feb 2023 launch' was held on 15 February 2022), or a year after the newest document."""

from __future__ import annotations

import re

from assistant.answering.catalogue import documents_asked
from assistant.answering.extractive.frame import source_label
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from assistant.retrieval.retriever import Retriever
from ingest.text import MONTHS, content_terms, long_date

_MONTH = "(" + "|".join(MONTHS) + ")"
_DATE = re.compile(rf"\b(?:(\d{{1,2}}) {_MONTH}|{_MONTH} (\d{{1,2}})\b)(?:,? (\d{{4}}))?", re.I)
_Q_MONTH = re.compile(rf"\b{_MONTH}(?: (\d{{4}}))?\b", re.I)
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")

_Q_SHORT = re.compile(r"\b(jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?(?: (\d{4}))?\b", re.I)
_TODAY = re.compile(r"\b(?:today|this week)\b", re.I)


def _asked_month(text: str) -> tuple[str, str | None, str, int] | None:
    """(month, year or None, as said, where it starts) of a month the question gives ('feb
    2023' is said 'February 2023')."""
    if m := _Q_MONTH.search(text):
        return m.group(1), m.group(2), m.group(0), m.start()
    if m := _Q_SHORT.search(text):
        month = next(x for x in MONTHS if x.lower().startswith(m.group(1).lower()[:3]))
        return month, m.group(2), f"{month} {m.group(2)}" if m.group(2) else month, m.start()
    return None


def _quoted_date(quoted: list[ScoredSentence], retriever: Retriever
                 ) -> tuple[str, str, str | None] | None:
    """(date as written, month, year) of the first date the excerpts give, or of the
    document of one that says 'today' (a release dated 15 February 2022 'held today')."""
    if d := next((x for x in (_DATE.search(s.text) for s in quoted) if x), None):
        return d.group(0), next(g for g in (d.group(2), d.group(3)) if g), d.group(5)
    for s in quoted:
        date = retriever.store.meta(s.result.chunk.doc_id).date
        if _TODAY.search(s.text) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date or ""):
            y, mo, _ = date.split("-")
            return long_date(date), MONTHS[int(mo) - 1], y
    return None


def wrong_date(asked: Asked, quoted: list[ScoredSentence], retriever: Retriever) -> str | None:
    """'The feb 2023 launch' when the quoted release says it was held on 15 February 2022."""
    said = _asked_month(asked.corrected)
    found = _quoted_date(quoted, retriever) if said else None
    if said is None or found is None:
        return None
    month, year, written, _ = said
    if month.lower() == found[1].lower() and (year is None or found[2] in (None, year)):
        return None
    return f"The documents date it to {found[0]}, not {written}."


def wrong_year(asked: Asked, retriever: Retriever) -> str | None:
    """'Equality Now's 2021 reply' when its only response is dated 2019."""
    for year in asked.doc_years:
        name = _dated_by(asked, retriever, year)
        if name is None:
            continue
        metas = [retriever.store.meta(d) for d in retriever.institutions.all[name].doc_ids]
        dated = [m for m in metas if m.date]
        if dated and not any(m.date.startswith(str(year)) for m in dated):
            return f"{source_label(dated[0])} is the one in the collection; it is not from {year}."
    return None


def _dated_by(asked: Asked, retriever: Retriever, year: int) -> str | None:
    """Whose document the question dates to ``year``: the one institution it names, or of
    several the one named nearest the year ('in its 2022 reply to icat, does equality now…')."""
    if len(asked.institutions) == 1:
        return asked.institutions[0]
    at = asked.corrected.find(str(year))
    near = [(min(abs(a - at), abs(b - at)), name)
            for name, a, b in retriever.institutions.mentions(asked.corrected)
            if name in asked.institutions]
    return min(near)[1] if at >= 0 and near else None


_CLAUSE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z“\"‘])")


def _dated_clauses(quoted: list[ScoredSentence]) -> list[tuple[str, list[int]]]:
    """The quoted text cut at its sentence ends, each piece with the years it states."""
    out = []
    for s in quoted:
        for piece in _CLAUSE.split(s.text):
            years = [int(y) for y in _YEAR.findall(piece)]
            if years:
                out.append((piece, years))
    return out


def wrong_event_year(asked: Asked, quoted: list[ScoredSentence],
                     retriever: Retriever | None = None) -> str | None:
    """'a US law from 2016' when the quoted sentence that dates it says 2018: a year the
    question gives to something other than a document, against the year of the quoted sentence
    that shares most words with the question (the first one on a tie): 'Australia's act of
    2019' is checked against the sentence on Australia's act, not a year quoted before it."""
    said = [y for y in asked.years if y not in asked.doc_years]
    if retriever is not None:  # 'back in 2019 eqnow said…': the year of its paper
        said = [y for y in said if not any(
            (retriever.store.meta(d).date or "").startswith(str(y))
            for name in asked.institutions for d in retriever.institutions.all[name].doc_ids)]
    dated = _dated_clauses(quoted)
    if not said or not dated:
        return None
    terms = {t for t in content_terms(asked.topic) if not t.isdigit()}
    piece, found = max(dated, key=lambda d: len(terms & set(content_terms(d[0]))))
    if any(y in found for y in said):
        return None
    full = next((d.group(0) for d in _DATE.finditer(piece) if d.group(5) == str(found[0])), None)
    return f"The documents date it to {full or found[0]}, not {said[0]}."


def later_document(asked: Asked, retriever: Retriever) -> str | None:
    """'Why did Val Richey say in 2024…' when the collection's newest document is older: the
    year taken as given is one no document can speak of."""
    newest = retriever.vocab.newest_year
    later = [y for y in asked.years if newest is not None and y > newest]
    if not later:
        return None
    return f"The collection's newest document is from {newest}; it holds nothing from {later[0]}."


# a date given to a document's publication: 'greta's study came out in january 2022', 'the
# osce brief was published in 2020', 'the osce study launched back in feb 2021'
_PUBLISH = (r"(?:came out|come out|published|released|issued|dated|put out|appeared|launched|"
            r"unveiled")
_PUBLISHED = re.compile(rf"\b{_PUBLISH}|out)\s+(?:back\s+)?(?:in\s+|on\s+)?"
                        r"(?:early\s+|late\s+|mid-?\s*)?$", re.I)
_PUBLISHED_YEAR = re.compile(rf"\b{_PUBLISH})\s+(?:back\s+)?(?:in\s+)?((?:19|20)\d{{2}})\b", re.I)


def wrong_publication_date(asked: Asked, retriever: Retriever) -> str | None:
    """'GRETA's study came out in January 2022' when its summary is dated March 2022: a month
    or a year the question gives to the publication of a named institution's document,
    against the date in the catalogue."""
    said = _asked_month(asked.corrected)
    if said is None and (m := _PUBLISHED_YEAR.search(asked.corrected)) is not None:
        said = ("", m.group(1), m.group(1), m.start(1))  # 'the osce brief was published in 2020'
    if said is None or not asked.institutions:
        return None
    month, year, _, at = said
    if not _PUBLISHED.search(asked.corrected[:at]):
        return None
    own = set(retriever.institutions.all[asked.institutions[0]].doc_ids)
    # the document the date is given to is named before it ('the osce study launched in…')
    docs = [d for d in documents_asked(asked.corrected[:at], retriever) if d in own] or \
        [d for d in documents_asked(asked.corrected, retriever) if d in own] or sorted(own)
    dated = r"\d{4}-\d{2}(?:-\d{2})?" if month else r"\d{4}(?:-\d{2}){0,2}"
    metas = [m for m in (retriever.store.meta(d) for d in docs)
             if re.fullmatch(dated, m.date or "")]
    if not metas or any((not month or MONTHS[int(m.date[5:7]) - 1].lower() == month.lower())
                        and (year is None or m.date.startswith(year)) for m in metas):
        return None
    given = " ".join(x for x in (month.capitalize(), year) if x)
    return f"{source_label(metas[0])} is the one in the collection; it is not from {given}."


# an institution saying something in a year: 'as far back as 2017, equality now was calling
# for…', 'in 2020 the osce argued…', 'eqnow said in 2017 that…' (not 'the osce said that in
# 2018 the US…', a year of what it reports)
_SAYING = (r"\s*(?:(?:was|were|has\s+been|had\s+been|already|first|had|has)\s+)*"
           r"(?:call(?:ed|ing)?|sa(?:id|ying)|argu(?:ed|ing)|warn(?:ed|ing)|wrote|writ(?:ing|ten)|"
           r"propos(?:ed|ing)|urg(?:ed|ing)|recommend(?:ed|ing)|push(?:ed|ing)|demand(?:ed|ing)|"
           r"suggest(?:ed|ing))\b")
_YEAR_BEFORE = re.compile(r"\b(?:in|back\s+in|as\s+far\s+back\s+as|as\s+early\s+as)\s+"
                          r"((?:19|20)\d{2}),?\s+(?:the\s+)?$", re.I)
# its thing of a year: 'eqnow's recent 2023 figure', 'greta's 2020 findings'
_YEAR_OWNED = re.compile(r"^\s*[’']?s?\s+(?:(?:recent|latest|new|own|most\s+recent)\s+)?((?:19|20)\d{2})\s+"
                         r"(?:figures?|numbers?|statistics?|stats?|data|findings?|estimates?|survey|"
                         r"research|analysis|warning|call|recommendations?|proposals?)\b", re.I)
_YEAR_AFTER = re.compile(_SAYING + r"\s+(?:(?:back\s+)?in|as\s+early\s+as)\s+((?:19|20)\d{2})\b",
                         re.I)


def wrong_said_year(asked: Asked, retriever: Retriever) -> str | None:
    """'as far back as 2017, equality now was calling for a worldwide pact' when its only
    document is from 2019: a year given to what a named institution said ('eqnow's recent
    2023 figure'), against the dates of its documents."""
    text = asked.corrected
    for name, a, b in retriever.institutions.mentions(text):
        before = _YEAR_BEFORE.search(text[max(0, a - 40): a])
        said = re.match(_SAYING, text[b:], re.I) if before else \
            (_YEAR_AFTER.match(text[b:]) or _YEAR_OWNED.match(text[b:]))
        if not said:
            continue
        year = (before or said).group(1)
        metas = [m for m in (retriever.store.meta(d) for d in
                             retriever.institutions.all[name].doc_ids) if m.date]
        if metas and not any(m.date.startswith(year) for m in metas):
            return f"{source_label(metas[0])} is the one in the collection; it is not from {year}."
    return None
