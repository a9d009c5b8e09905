"""Checks of a generated sentence that a similarity score cannot make.

* :func:`missing_names`: a name (a capitalised word inside the sentence, or an acronym anywhere)
  that no cited passage or its source line states. Shared words pass a sentence that puts a new
  organisation, country or person into the evidence; this does not.
* :func:`wrong_speaker`: the institution a sentence names as the speaker ("The OSCE asks…",
  "According to Europol, …") must be the publisher of a passage it cites (or the document's
  title must name it). A small model credits one organisation's words to another: "The OSCE asks
  internet companies to work with…", citing words that are Equality Now's.
"""

from __future__ import annotations

import re

from assistant.core.citations import publisher_short
from assistant.retrieval.spelling import is_english
from ingest.text import fold

# Capitalised words that do not name anything in particular when they open a clause.
_COMMON = {
    "the", "a", "an", "this", "that", "these", "those", "it", "its", "they", "their", "there",
    "in", "on", "at", "for", "to", "of", "by", "with", "from", "as", "and", "or", "but", "if",
    "when", "while", "however", "also", "both", "each", "all", "some", "such", "most", "many",
    "according", "under", "no", "not", "we", "i", "he", "she", "his", "her", "our", "one",
}
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*[A-Za-z]|[A-Z]")
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&\-]*[A-Z0-9]$")  # OSCE, UNODC, GRETA, EU, G7
_DOC_WORDS = {"report", "brief", "policy", "paper", "study", "guide", "guidance", "toolkit",
              "document", "publication", "article", "analysis", "review", "handbook", "note",
              "'s", "’s", "s"}
_VERBS = (r"says?|said|states?|stated|recommends?|recommended|asks?|asked|calls?|called|urges?|"
          r"urged|notes?|noted|reports?|reported|argues?|argued|finds?|found|highlights?|"
          r"warns?|warned|suggests?|suggested|emphasi[sz]es|stress(?:es)?|proposes?|encourages?|"
          r"advises?|observes?|explains?|describes?|points out|identifies|concludes?|"
          r"believes?|considers?|notes that|underlines?|acknowledges?|insists?")
# The verb is matched in lower case only: "the United States' …" names no speaker.
_SPEAKER = re.compile(
    rf"^(?:(?i:according to)\s+(?P<a>[^,]+?)\s*,|(?:(?i:in) its [^,]+,\s*)?"
    rf"(?P<b>(?:\S+\s+){{0,7}}?\S+?)\s+(?:also\s+|further\s+|strongly\s+)?(?:{_VERBS})\b)")
_NOT_A_SUBJECT = re.compile(r"\b(?:is|are|was|were|be|has|have|had|example)\b", re.I)


def _words(text: str) -> set[str]:
    return {fold(w) for w in _WORD.findall(text)}


def names_in(sentence: str) -> list[str]:
    """The names a sentence states: acronyms anywhere, capitalised words after its first word,
    and a first word that is no English word ("Europol") or starts a run of capitalised words
    ("Equality Now")."""
    words = [m.group(0) for m in _WORD.finditer(sentence)]
    out: list[str] = []
    for i, w in enumerate(words):
        if not w[0].isupper() or fold(w) in _COMMON:
            continue
        first_is_name = i == 0 and (
            not is_english(w) or (len(words) > 1 and words[1][0].isupper()
                                  and fold(words[1]) not in _COMMON))
        if ((_ACRONYM.match(w) and len(w) > 1) or i > 0 or first_is_name) and w not in out:
            out.append(w)
    return out


def missing_names(claim: str, evidence: str) -> list[str]:
    """The names of ``claim`` that ``evidence`` does not contain (case and accents ignored;
    an acronym also matches the initials of words in the evidence)."""
    have = _words(evidence)
    missing = []
    for name in names_in(claim):
        f = fold(name)
        if f in have or f.rstrip("s") in have or f.removesuffix("'s") in have:
            continue
        missing.append(name)
    return missing


def speaker(sentence: str) -> str | None:
    """The institution a sentence names as its speaker, or None. Only a subject with a name in
    it counts ("The OSCE recommends"), not "The report recommends" or "Platforms should"."""
    m = _SPEAKER.match(sentence.strip())
    if not m:
        return None
    subject = (m.group("a") or m.group("b") or "").strip()
    if m.group("b") and _NOT_A_SUBJECT.search(subject):
        return None
    if len(subject.split()) > 12 or not any(ch.isupper() for ch in subject[1:] + subject[:1]):
        return None
    if not names_in(subject) and not (subject[:1].isupper() and fold(subject.split()[0])
                                      not in _COMMON):
        return None
    return subject


def speaks_for(subject: str, publisher: str, title: str, others: list[str]) -> bool:
    """True when ``subject`` names the publisher (by name or short name) or the document."""
    want = {w for w in _words(subject) if w not in _COMMON and w not in _DOC_WORDS}
    if not want:
        return True  # "The report says": the document itself speaks
    short = _words(publisher_short(publisher, others))
    if short and short <= want:  # "The OSCE Secretary General": someone of the publisher
        return True
    return want <= _words(f"{publisher} {title}") | short


def wrong_speaker(sentence: str, sources: list[tuple[str, str]], others: list[str]
                  ) -> str | None:
    """The named speaker when it is none of the cited passages' publishers (``sources`` are
    their (publisher, title) pairs), else None."""
    subject = speaker(sentence)
    if subject is None or not sources:
        return None
    if any(speaks_for(subject, p, t, others) for p, t in sources):
        return None
    return subject
