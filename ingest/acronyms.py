"""Acronyms a collection defines ('trafficking in human beings (THB)'), so that a sentence
saying 'THB' also speaks of 'trafficking' and 'human beings' when sentences are scored."""

from __future__ import annotations

import re

from ingest.text import STOPWORDS

_DEFINITION = re.compile(r"((?:[A-Za-z][\w’'-]*[\s,]+){1,10})\(([A-Z][A-Za-z]{1,7})\)")
_FILLER = STOPWORDS | {"on", "in", "of", "and", "for", "the", "to", "&"}


def long_form(words: list[str], acronym: str) -> list[str] | None:
    """The words before '(ACR)' whose initials spell it; function words may sit between."""
    letters = [c for c in acronym if c.isupper()] or list(acronym.upper())
    out: list[str] = []
    i = len(words) - 1
    for letter in reversed(letters):
        while i >= 0 and words[i].lower() in _FILLER:  # skipped, never one of the letters
            out.append(words[i])
            i -= 1
        if i < 0:
            return None
        w = words[i]
        parts = [p for p in re.split(r"[-’']", w) if p]
        if not parts or parts[0][:1].upper() != letter:
            return None
        out.append(w)
        i -= 1
    return list(reversed(out))


def expand(terms: set[str], acronyms: dict[str, frozenset[str]]) -> set[str]:
    """``terms`` plus the long-form terms of any acronym among them."""
    extra = [acronyms[t] for t in terms if t in acronyms]
    return terms.union(*extra) if extra else terms


def definitions(text: str) -> dict[str, str]:
    """Acronym -> its long form as written, for the definitions in ``text``."""
    out: dict[str, str] = {}
    if "(" not in text:
        return out
    for m in _DEFINITION.finditer(text):
        lf = long_form(m.group(1).replace(",", " ").split(), m.group(2))
        if lf:
            out.setdefault(m.group(2), " ".join(lf))
    return out


def expand_text(text: str, defs: dict[str, str]) -> str:
    """Spell out defined acronyms for the embedder: 'THB requires…' -> 'trafficking in human
    beings (THB) requires…'. Only what models read changes; quoted text never does."""
    for acr, lf in defs.items():
        if acr in text:
            text = re.sub(rf"(?<![(\w]){re.escape(acr)}(?![)\w])", f"{lf} ({acr})", text)
    return text
