"""Checks of how a generated sentence frames what its passage says (issue 16).

A small model keeps the passage's words but changes who says them or what they are, and the
support score, which rewards shared words, passes the sentence. Three general checks:

* :func:`question_echo`: content words the sentence takes from the user's question that
  neither the cited passage (with its source line) nor its document ever uses. The question is
  not evidence: "The OSCE's own Lanzarote treaty leaves grown-ups out because…" repeats a false
  premise; "The OSCE wants governments to…" turns a topic of debate into a stance; "The OSCE's
  anti-trafficking envoy summarized…" invents a speaker. The reporting verb of a sentence that
  names its speaker ("The OSCE brief names…") is left out: the speaker check judges it.
* :func:`third_party`: the passage sentence that best matches credits the words to someone
  other than its publisher ("some stakeholders argue that…", "Critics … argue that…"); the
  sentence must name them too, not "They argue…" or "The OSCE argues…".
* :func:`unasked_question`: a sentence put as a question ("2. How policymakers … treat
  evidence gathered by an AI system?") presents itself as a question the source asks; the cited
  passage must ask one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from assistant.answering.llm.checks import _VERBS, speaks_for
from ingest.text import content_terms, fold, stem

# Verbs that only say a document or speaker states something: "The OSCE brief names …".
_REPORTING = (rf"(?:{_VERBS})|names?|mentions?|lists?|cites?|gives?|defines?|sets out")
# Verbs that credit a speaker with a stance or a summary: the passage must state it.
_STANCE = (r"wants?|wanted|wish(?:es)?|prefers?|preferred|demands?|demanded|expects?|"
           r"summari[sz]e[sd]?|sums? up|supports?|opposes?|favou?rs?|rejects?|agrees?")
# The frame of a sentence that names who says or wants something: its subject and verb.
_FRAME = re.compile(
    rf"^(?:(?i:according to)\s+(?P<a>[^,]+?)\s*,|(?P<b>(?:\S+\s+){{0,9}}?\S+?)\s+"
    rf"(?:also\s+|further\s+|strongly\s+)?(?P<verb>{_STANCE}|{_REPORTING})\b)")
# "<someone> argue(s) that", "<someone> do not believe that", "ICAT wants to" inside a passage
# sentence.
_CLAIM_VERBS = (r"argue[sd]?|believe[sd]?|claim(?:s|ed)?|contend(?:s|ed)?|maintain(?:s|ed)?|"
                r"insist(?:s|ed)?|assert(?:s|ed)?|fear(?:s|ed)?|warn(?:s|ed)?|say|says|said|"
                r"suggest(?:s|ed)?|feel|feels|felt|think|thinks|thought|consider(?:s|ed)?")
_CLAIM = re.compile(
    rf"(?:^|[,;:(]\s*|\b(?:however|but|while|whereas|although|and)\s+)"
    rf"(?P<who>[^,;:()]{{1,80}}?)\s+(?:(?:do|does|did)\s+not\s+|also\s+|further\s+)?"
    rf"(?:(?:{_CLAIM_VERBS})\s+(?:that\b|an?\s|the\s)|want(?:s|ed)?\s+to\b)", re.I)
WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")  # a word as written, apostrophes and hyphens kept
_PREPOSITIONS = {"of", "in", "from", "with", "at", "on", "for", "to", "by", "among", "within"}
_PRONOUNS = {"they", "it", "we", "he", "she", "this", "which", "who", "that", "these", "i",
             "one", "you"}
_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth", "tenth")


@lru_cache(maxsize=4096)
def _terms(text: str) -> frozenset[str]:
    return frozenset(content_terms(text))


def _list_ordinals(evidence: str) -> set[str]:
    """'first' … 'tenth' for the numbered items ("1. Ensure …") a passage holds."""
    nums = {int(n) for n in re.findall(r"(?m)^\s*\(?(\d{1,2})[.)]\s", evidence)}
    return {stem(_ORDINALS[n - 1]) for n in nums if 0 < n <= len(_ORDINALS)}


def _echoed(text: str, asked: frozenset[str], have: set[str], document: Iterable[str]
            ) -> list[str]:
    """The words of ``text`` (as written) from the question that neither the cited passage
    (``have``: its terms) nor the rest of its document uses."""
    out: list[str] = []
    for word in WORD.findall(text):
        for t in content_terms(word):
            if t in asked and t not in have and word not in out:
                out.append(word)
    if out:
        doc = set().union(*(_terms(t) for t in document)) if document else set()
        out = [w for w in out if not set(content_terms(w)) <= doc]
    return out


def question_echo(sentence: str, question: str, evidence: str, document: Iterable[str] = ()
                  ) -> list[str]:
    """Words the sentence takes from the question, not from the source: any in its speaker
    frame (who says or wants something: "The OSCE's anti-trafficking envoy summarized", "The
    OSCE wants"), or two or more anywhere (a premise restated: "The OSCE's own Lanzarote treaty
    leaves grown-ups out"). Words the cited ``evidence`` or the ``document``'s other text uses
    do not count, nor a plain reporting verb ("says", "names": the speaker check judges it). One
    question word around the passage's facts ("The proportion … is 75%") is no error."""
    asked = _terms(question)
    if not asked:
        return []
    have = set(_terms(evidence)) | _list_ordinals(evidence)
    m = _FRAME.match(sentence.strip())
    if m:
        frame = m.group("a") or m.group("b") or ""
        verb = m.group("verb")
        if verb and re.fullmatch(_STANCE, verb, re.I):
            frame = f"{frame} {verb}"
        if _echoed(frame, asked, have, document):
            return _echoed(sentence, asked, have, document)
    anywhere = _echoed(sentence, asked, have, document)
    return anywhere if len(anywhere) >= 2 else []


def _head(who: str) -> str | None:
    """The head noun of a speaker phrase: 'some stakeholders' -> 'stakeholders', 'Critics of the
    protections … platforms' -> 'Critics'; None for a pronoun."""
    words = WORD.findall(who)
    for i, w in enumerate(words):
        if w.lower() in _PREPOSITIONS and i > 0:
            words = words[:i]
            break
    if not words or words[-1].lower() in _PRONOUNS:
        return None
    return words[-1]


def third_party(sentence: str, passage_sentence: str, publisher: str, title: str,
                others: list[str]) -> str | None:
    """Who the passage sentence credits its words to, when that is not its publisher or the
    document and the generated sentence does not name them; else None."""
    for m in _CLAIM.finditer(passage_sentence):
        who = m.group("who").strip()
        head = _head(who)
        if head is None or speaks_for(who, publisher, title, others):
            continue
        if stem(fold(head)) in _terms(sentence) or fold(head) in fold(sentence):
            return None
        return who
    return None


def unasked_question(sentence: str, evidence: str) -> bool:
    """True when the sentence is a question and the cited passage asks none."""
    return sentence.rstrip(" .\"'”’)").endswith("?") and "?" not in evidence


def document_texts(store: Any, doc_id: str) -> list[str]:
    """The texts of a document's passages (cached per store and document)."""
    return _doc_texts(store, doc_id)


@lru_cache(maxsize=256)
def _doc_texts(store: Any, doc_id: str) -> list[str]:
    return [c.text for c in store.chunks if c.doc_id == doc_id]
