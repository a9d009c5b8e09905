"""The only words the extractive engine writes itself: who says a quotation, and what kind of
statement it is (recommends, calls for, finds, reports, says, is silent on)."""

from __future__ import annotations

import re

from assistant.answering.answer_type import CALLS_FOR as _CALLS_FOR
from assistant.answering.answer_type import RECOMMENDS as _RECOMMENDS
from assistant.core.citations import doc_label
from ingest.documents import DocumentMeta
from ingest.text import long_date

_REPORTS = re.compile(r"\d|\b(said|stated|announced|presented|launched)\b", re.I)
_FINDS = re.compile(r"\b(not working|not succeeded|has not|have not|is not|are not|remains? "
                    r"(?:limited|patchy)|inadequate|insufficient|fragmented|broken|worse|"
                    r"absent|minimal|lack(?:s|ing)?|little doubt|clear that|not (?:broadly )?"
                    r"effective|shortcomings|challeng)", re.I)


# An open question a sentence poses, which recommends nothing: '…is whether compliance with
# industry standards should be voluntary or mandatory', 'what content companies should monitor
# for', 'the degree to which … should be self-regulated'.
_OPEN_QUESTION = re.compile(r"\b(?:whether|the degree to which|the extent to which|how far|what|"
                            r"which|how)\b[^.;:]*?\bshould\b", re.I)


def statement_kind(excerpt: str, lead_in: str = "") -> str:
    """The verb that frames a quotation: what kind of statement it is. A 'should' inside an
    open question the quotation poses ('whether compliance should be voluntary') is no
    recommendation."""
    stated = _OPEN_QUESTION.sub(" ", excerpt)
    if _RECOMMENDS.search(stated) or re.search(r"\bshould:\s*$", lead_in):
        return "recommends"
    if _CALLS_FOR.search(excerpt):
        return "calls for action"
    if _FINDS.search(excerpt):
        return "finds"
    if _REPORTS.search(excerpt):
        return "reports"
    return "says"


def source_label(meta: DocumentMeta, mid_sentence: bool = False) -> str:
    """'The OSCE policy brief (2022)', 'The Equality Now position paper (August 2019)'; 'the
    OSCE policy brief (2022)' inside a sentence."""
    label = doc_label(meta)
    when = f" ({long_date(meta.date)})" if meta.date else ""
    return (label if mid_sentence else label[:1].upper() + label[1:]) + when


_MARKER = re.compile(r"\[(\d{1,3})\]")


def quote(excerpt: str) -> str:
    """The excerpt in quotation marks. Quotation marks inside it become single ones, so a
    quotation that ends with its own quote does not end with a doubled mark; and a document's
    own citation markers ('[2]') become '(2)', so only the engine's markers look like markers
    (a document cannot imitate the answer's citations)."""
    inner = excerpt.replace("“", "‘").replace("”", "’")
    inner = re.sub(r'"([^"]*)"', r"‘\1’", inner).replace('"', "’")
    inner = _MARKER.sub(r"(\1)", inner)
    return f"“{inner}”"
