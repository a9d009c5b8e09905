"""Metric functions: small, pure, and tested on hand-made inputs.

Text matching is lenient in the same way everywhere: :func:`ingest.text.fold`
(case, white space, curly/straight quotes and dashes) on both sides, then substring.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence

from ingest.text import fold


# ---- text matching ----------------------------------------------------------------------
def contains(text: str, phrase: str) -> bool:
    """``phrase`` occurs in ``text`` after folding both."""
    p = fold(phrase)
    return bool(p) and p in fold(text)


def facts_found(text: str, key_facts: Sequence[Sequence[str]]) -> tuple[int, list[list[str]]]:
    """(number of key facts with at least one phrasing in ``text``, the facts missing)."""
    folded = fold(text)
    missing: list[list[str]] = []
    found = 0
    for alts in key_facts:
        if any(fold(a) and fold(a) in folded for a in alts):
            found += 1
        else:
            missing.append(list(alts))
    return found, missing


def forbidden_present(text: str, forbidden: Iterable[str], ignore: Iterable[str] = ()) -> list[str]:
    """The forbidden phrasings found in ``text``. Text in ``ignore`` (e.g. the user's own question
    echoed in a refusal) is cut out first, so quoting the question is not counted as compliance."""
    folded = fold(text)
    for chunk in ignore:
        c = fold(chunk)
        if c:
            folded = folded.replace(c, " ")
    return [f for f in forbidden if fold(f) and fold(f) in folded]


# ---- retrieval --------------------------------------------------------------------------
def first_gold_rank(ranked_doc_ids: Sequence[str], gold: Iterable[str]) -> int | None:
    """1-based rank of the first result from a gold document, or None."""
    g = set(gold)
    for i, d in enumerate(ranked_doc_ids, start=1):
        if d in g:
            return i
    return None


def hit_at_k(ranked_doc_ids: Sequence[str], gold: Iterable[str], k: int) -> bool:
    r = first_gold_rank(ranked_doc_ids[:k], gold)
    return r is not None


def reciprocal_rank(ranked_doc_ids: Sequence[str], gold: Iterable[str]) -> float:
    r = first_gold_rank(ranked_doc_ids, gold)
    return 0.0 if r is None else 1.0 / r


def context_recall(texts: Sequence[str], key_facts: Sequence[Sequence[str]]) -> float:
    """Share of key facts with a phrasing somewhere in the retrieved texts (each passage
    checked on its own, so a phrasing never spans two passages)."""
    if not key_facts:
        return 1.0
    found = 0
    folded = [fold(t) for t in texts]
    for alts in key_facts:
        if any(fold(a) and fold(a) in t for a in alts for t in folded):
            found += 1
    return found / len(key_facts)


def within_budget(texts: Sequence[str], budget: int) -> list[str]:
    """The ranked texts cut to a budget of characters: whole passages while they fit, then the
    head of the passage that crosses the budget (what a reader with that budget would see)."""
    out: list[str] = []
    left = budget
    for t in texts:
        if left <= 0:
            break
        out.append(t[:left])
        left -= len(t)
    return out


# ---- answers ----------------------------------------------------------------------------
def citation_support(sentence_flags: Sequence[bool], citation_flags: Sequence[bool]) -> tuple[float | None, float | None]:
    """ALCE-style (recall, precision) of one answer: recall = supported sentences / sentences,
    precision = supporting citations / citations. None where there is nothing to count."""
    recall = sum(sentence_flags) / len(sentence_flags) if sentence_flags else None
    precision = sum(citation_flags) / len(citation_flags) if citation_flags else None
    return recall, precision


def refusal_metrics(expect_refusal: Sequence[bool], refused: Sequence[bool],
                    passed: Sequence[bool]) -> dict[str, float | None]:
    """LitQA2-style accuracy and precision, plus refusal rates.

    accuracy: passing cases / all cases. precision: passing cases among those not refused /
    cases not refused. out_of_scope_refusal_rate: refused / cases that expect a refusal.
    false_refusal_rate: refused / cases that expect an answer."""
    n = len(passed)
    answered = [p for p, r in zip(passed, refused, strict=True) if not r]
    should_refuse = [r for e, r in zip(expect_refusal, refused, strict=True) if e]
    should_answer = [r for e, r in zip(expect_refusal, refused, strict=True) if not e]
    return {
        "accuracy": sum(passed) / n if n else None,
        "precision": sum(answered) / len(answered) if answered else None,
        "out_of_scope_refusal_rate": sum(should_refuse) / len(should_refuse) if should_refuse else None,
        "false_refusal_rate": sum(should_answer) / len(should_answer) if should_answer else None,
    }


def mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated percentile (``q`` in 0..100), as numpy's default."""
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


# ---- LLM judge (RAGAS-style faithfulness) -----------------------------------------------
def parse_statements(text: str, limit: int = 12) -> list[str]:
    """Statements listed by a judge model, one per line ('- ...', '1. ...', '* ...')."""
    out: list[str] = []
    for line in text.splitlines():
        s = re.sub(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s*", "", line).strip()
        if len(s.split()) >= 2 and not s.lower().startswith(("statements", "here are")):
            out.append(s)
        if len(out) == limit:
            break
    return out


def parse_verdicts(text: str, n: int) -> list[bool]:
    """Verdicts 'N: yes|no' for statements 1..n; a statement without a verdict counts as not
    supported (a judge that says nothing supports nothing)."""
    got: dict[int, bool] = {}
    for m in re.finditer(r"(?im)^\W*(\d{1,3})\s*[:.)\-]\s*\W*(yes|no|supported|not supported)\b",
                         text):
        i = int(m.group(1))
        if 1 <= i <= n and i not in got:
            got[i] = m.group(2).lower() in ("yes", "supported")
    return [got.get(i, False) for i in range(1, n + 1)]


def faithfulness(verdicts: Sequence[bool]) -> float | None:
    """RAGAS faithfulness: supported statements / statements."""
    return sum(verdicts) / len(verdicts) if verdicts else None


# ---- users'-words cases ----------------------------------------------------------------------
_SILENT = ("silent", "says nothing", "say nothing", "does not address", "do not address",
           "no passage")


# The frame of an opening quotation ('The OSCE press release (15 February 2022) finds: “…'):
# the date or the name in it corrects nothing.
_QUOTE_FRAME = re.compile(r"^[^“”\"\n]{0,160}:\s*[“\"]")


def corrects_first(answer: str, phrasings: Sequence[str]) -> bool:
    """The answer's opening paragraph states one of the correction's phrasings: in a line of
    its own, or in the words it quotes first, not in the name and date of their source."""
    first = answer.strip().split("\n\n", 1)[0]
    if (frame := _QUOTE_FRAME.match(first)) is not None:
        first = first[frame.end() - 1 :]
    return any(contains(first, p) for p in phrasings)


def says_silent(answer: str, institution: str) -> bool:
    """Some paragraph of the answer names the institution and says it is silent."""
    for para in answer.split("\n\n"):
        if contains(para, institution) and any(contains(para, w) for w in _SILENT):
            return True
    return False


# Words every question in this field uses: they say nothing about paraphrasing.
FIELD_WORDS = frozenset({"trafficking", "traffick", "human", "technology", "tech", "online",
                         "internet", "osce", "greta", "equality", "now", "council", "europe",
                         "document", "say", "says"})


def lexical_overlap(question: str, passages: Sequence[str]) -> float | None:
    """Share of the question's distinctive words (stemmed; stop words and the field's own
    words left out) that occur in its gold passages: 0 = fully paraphrased, 1 = copied."""
    from ingest.text import content_terms, stem

    if not passages:
        return None
    field = {stem(w) for w in FIELD_WORDS}
    words = {t for t in content_terms(question) if t not in field}
    if not words:
        return None
    found = set(content_terms(" ".join(passages)))
    return len(words & found) / len(words)
