"""The institutions behind the collection's documents, and the names a question uses for them.

Publishers are grouped into institutions by their own names: a trailing acronym in brackets
names the institution ('…Trafficking in Human Beings (GRETA)' -> GRETA), and a publisher whose
name begins with another publisher's name is part of it ('OSCE Office of the Special
Representative…' -> OSCE). A question may name an institution by its short name, its full
name, the body before a comma ('Council of Europe') or that body's initials ('CoE').
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from assistant.core.citations import publisher_short
from assistant.retrieval.spelling import edit_distance, is_english
from ingest.store import StoredIndex


def abbreviates(token: str, name: str) -> bool:
    """Whether ``token`` is written from the starts of the name's words, in order: 'CoE' for
    'Council of Europe', 'EqNow' for 'Equality Now' (at least 3 letters, every word used)."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", name)]
    tok = token.lower()
    if len(words) < 2 or len(tok) < 3 or tok == "".join(words):
        return False

    def fits(t: str, ws: list[str]) -> bool:
        if not ws:
            return not t
        w = ws[0]
        return any(t.startswith(w[:n]) and fits(t[n:], ws[1:]) for n in range(1, len(w) + 1)
                   if n <= len(t))

    return fits(tok, words)


@dataclass
class Institution:
    name: str
    publishers: list[str] = field(default_factory=list)
    doc_ids: list[str] = field(default_factory=list)
    aliases: set[str] = field(default_factory=set)

    @property
    def full_name(self) -> str:
        """The shortest name of several words ('Council of Europe' for GRETA), else the name."""
        longer = [a for a in self.aliases if " " in a and "," not in a]
        return min(longer, key=lambda a: (len(a), a)) if longer else self.name


def _same_word(word: str, alias_word: str, typo: bool) -> bool:
    """Equal, or a possessive of it ('osce's'), or (in a name of several words) one typo away
    in a long word ('equalty'). Acronyms must match exactly ('great' is not 'GRETA')."""
    word = re.sub(r"[’']s$", "", word)
    if word == alias_word:
        return True
    return typo and len(alias_word) >= 6 and edit_distance(word, alias_word, 1) <= 1


def _clipped(words: list[str], parts: list[str]) -> bool:
    """A name of several words written with some of them cut short ('eq now' for 'Equality
    Now'): each word starts its part, and a cut one is no English word ('eq', not 'now')."""
    if len(parts) < 2:
        return False
    cut = [w for w, p in zip(words, parts, strict=True) if w != p]
    return bool(cut) and all(len(w) >= 2 and p.startswith(w) for w, p in zip(words, parts, strict=True)) \
        and all(not is_english(w) for w in cut)


def _may_abbreviate(token: str) -> bool:
    """'CoE', 'EqNow', 'eqnow' may be abbreviations; 'host' (an English word) is not one."""
    if len(token) < 3:
        return False
    return sum(ch.isupper() for ch in token) >= 2 or not is_english(token)


MENTIONS_KEPT = 1024  # texts whose institution mentions are remembered


class Institutions:
    def __init__(self, store: StoredIndex) -> None:
        self.store = store
        self._mentioned: dict[str, list[tuple[str, int, int]]] = {}

    @cached_property
    def all(self) -> dict[str, Institution]:
        """Institution name -> its publishers, searchable documents and aliases."""
        docs = self.store.documents
        pubs = sorted({str(d["meta"]["publisher"]) for d in docs.values()})
        out: dict[str, Institution] = {}
        for doc_id, d in sorted(docs.items()):
            pub = str(d["meta"]["publisher"])
            inst = out.setdefault(publisher_short(pub, pubs), Institution(publisher_short(pub, pubs)))
            if pub not in inst.publishers:
                inst.publishers.append(pub)
            if d.get("n_chunks", 0) or d["meta"].get("duplicate_of"):
                inst.doc_ids.append(doc_id)
        for inst in out.values():
            inst.aliases = self._aliases(inst)
        return out

    @staticmethod
    def _aliases(inst: Institution) -> set[str]:
        names = {inst.name}
        for pub in inst.publishers:
            names.add(re.sub(r"\s*\([^)]*\)\s*$", "", pub))
            names.add(pub.split(",")[0].strip())
        return {n for n in names if n}

    def named_in(self, text: str) -> list[str]:
        """Institutions the text names, in the order it names them: any letter case, one typo
        in a long word ('Equalty Now'), or an abbreviation ('CoE', 'EqNow')."""
        return [name for name, _, _ in self.mentions(text)]

    def mentions(self, text: str) -> list[tuple[str, int, int]]:
        """(institution, start, end) of each institution's first mention, in text order. The
        answer path asks this of the same few texts many times over, so it is remembered."""
        found = self._mentioned.get(text)
        if found is None:
            if len(self._mentioned) >= MENTIONS_KEPT:
                self._mentioned.clear()
            found = self._mentioned[text] = self._find_mentions(text)
        return list(found)

    def _find_mentions(self, text: str) -> list[tuple[str, int, int]]:
        words = [(m.group(0).lower(), m.start(), m.end()) for m in re.finditer(r"[\w’'-]+", text)]
        found: dict[str, tuple[int, int]] = {}
        for inst in self.all.values():
            for alias in inst.aliases:
                parts = alias.lower().split()
                for i in range(len(words) - len(parts) + 1):
                    window = words[i : i + len(parts)]
                    if all(_same_word(w, p, len(parts) > 1)
                           for (w, _, _), p in zip(window, parts, strict=True)) or \
                            _clipped([w for w, _, _ in window], parts):
                        hit = (window[0][1], window[-1][2])
                        found[inst.name] = min(found.get(inst.name, hit), hit)
                        break
            for w, a, b in words:
                bare = re.sub(r"[’']s$", "", w)
                # a possessive typed without its apostrophe: 'eqnows paper'
                forms = {bare, bare[:-1]} if bare.endswith("s") else {bare}
                if _may_abbreviate(text[a:b]) and any(abbreviates(f, x) for f in forms
                                                      for x in inst.aliases if " " in x):
                    found[inst.name] = min(found.get(inst.name, (a, b)), (a, b))
        return sorted(((n, a, b) for n, (a, b) in found.items()), key=lambda x: x[1])

    @cached_property
    def authors(self) -> list[str]:
        """The institutions that wrote a document of the collection, not only republished one
        (a news site's copy of a press release is ``duplicate_of`` it)."""
        docs = self.store.documents
        return [name for name, inst in self.all.items()
                if any(not docs[d]["meta"].get("duplicate_of") for d in inst.doc_ids)]

    def of_doc(self, doc_id: str) -> str:
        pub = str(self.store.documents[doc_id]["meta"]["publisher"])
        return next(i.name for i in self.all.values() if pub in i.publishers)
