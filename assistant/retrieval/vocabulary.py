"""What the collection knows: its words, the acronyms its documents define, the word pairs and
initialisms of its names. Used to spell out acronyms in queries and to find names a question
uses that the collection never mentions (a question about them cannot be answered from it)."""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property

from assistant.retrieval.names import (
    bigrams,
    country_names,
    initialisms,
    lower_instruments,
    people_quoted,
    places_in,
    so_called,
    speakers,
    title_runs,
    unknown_names,
    unknown_titles,
)
from assistant.retrieval.proper_names import ProperNames
from assistant.retrieval.spelling import Speller, is_english
from ingest.acronyms import definitions
from ingest.store import StoredIndex
from ingest.text import content_terms

COMMON_SHARE = 0.8  # a term in at least this share of the documents is one they all share


_INSTRUMENT = re.compile(r"\b(?:[A-Z][a-z]{2,}\s+){1,3}(?:Protocol|Convention|Act|Principles|"
                         r"Guidelines|Directive|Compact|Package|Declaration|Charter)\b")


class Vocabulary:
    """Computed lazily from one loaded index version, once."""

    def __init__(self, store: StoredIndex) -> None:
        self.store = store

    @cached_property
    def known_terms(self) -> set[str]:
        """Every (stemmed) word of the collection's text and metadata."""
        known = set(self.store.bm25.vocab)
        for d in self.store.documents.values():
            m = d["meta"]
            known |= set(content_terms(f"{m['title']} {m['publisher']} {m['kind']}"))
        return known

    @cached_property
    def acronym_forms(self) -> dict[str, str]:
        """Acronyms the collection's documents define -> their long form ('THB' -> '…')."""
        out: dict[str, str] = {}
        for d in self.store.documents.values():
            for acr, lf in definitions(str(d.get("text", ""))).items():
                out.setdefault(acr, lf)
        return out

    @cached_property
    def acronyms(self) -> dict[str, frozenset[str]]:
        """Lower-cased acronym -> content terms of its long form (for term overlap)."""
        return {a.lower(): frozenset(content_terms(lf)) for a, lf in self.acronym_forms.items()}

    @cached_property
    def known_bigrams(self) -> set[tuple[str, str]]:
        """Adjacent word pairs of the collection's text and titles (for names it never uses)."""
        titles = [str(d["meta"]["title"]) for d in self.store.documents.values()]
        return bigrams([c.text for c in self.store.chunks] + titles)

    @cached_property
    def known_initialisms(self) -> dict[str, str]:
        """'us' -> 'United States' when the collection says 'United States' (a question may
        abbreviate it)."""
        return initialisms(c.text for c in self.store.chunks)

    @cached_property
    def common_terms(self) -> frozenset[str]:
        """Terms in at least ``COMMON_SHARE`` of the documents (of two or more): words every
        document shares ('trafficking', 'states'), which tie a sentence to no question."""
        by_doc: dict[str, set[str]] = {}
        for c in self.store.chunks:
            by_doc.setdefault(c.doc_id, set()).update(content_terms(c.text))
        counts: Counter[str] = Counter(t for terms in by_doc.values() for t in terms)
        n = len(by_doc)
        return frozenset(t for t, k in counts.items() if n >= 2 and k >= COMMON_SHARE * n)

    @cached_property
    def people(self) -> dict[str, str]:
        """The people the collection quotes, by surname in lower case ('richey' -> 'Val
        Richey')."""
        return people_quoted(c.text for c in self.store.chunks)

    def people_in(self, text: str) -> list[tuple[str, str]]:
        """(surname, name) of the people the collection quotes whom the text names by surname."""
        return [(surname, name) for surname, name in self.people.items()
                if re.search(rf"\b{re.escape(surname)}\b", text, re.I)]

    @cached_property
    def instruments(self) -> list[str]:
        """The named instruments the collection mentions but does not hold ('Palermo Protocol',
        'Online Safety Act', 'Voluntary Principles'): a run of capitalised words ending in such
        a noun, not in the title of one of its documents."""
        titles = " ".join(str(d["meta"]["title"]).lower() for d in self.store.documents.values())
        runs = (m.group(0) for c in self.store.chunks for m in _INSTRUMENT.finditer(c.text))
        return [r for r in dict.fromkeys(runs) if r.lower() not in titles]

    @cached_property
    def speaker_runs(self) -> list[str]:
        """The title-and-name run of every speaker the collection quotes ('OSCE Secretary
        General Helga Maria Schmid'), each once, in order."""
        return list(dict.fromkeys(r for c in self.store.chunks for r in speakers(c.text)))

    @cached_property
    def speller(self) -> Speller:
        """Corrects typos against the collection's words and its documents' titles/publishers."""
        metas = [d["meta"] for d in self.store.documents.values()]
        return Speller([c.text for c in self.store.chunks]
                       + [f"{m['title']} {m['publisher']}" for m in metas])

    @cached_property
    def compounds(self) -> frozenset[str]:
        """Hyphenated words of the collection, lower case ('self-regulation', 'state-led')."""
        return frozenset(m.group(0).lower() for c in self.store.chunks
                         for m in re.finditer(r"\b[A-Za-z]{2,}(?:-[A-Za-z]{2,})+\b", c.text))

    @cached_property
    def _joinable(self) -> list[tuple[str, str]]:
        """(spaced, hyphenated) of the compounds the collection never writes apart, longest
        first: worked out once per index version, not for every question."""
        pairs = [(d.replace("-", " "), d) for d in sorted(self.compounds, key=len, reverse=True)]
        return [(spaced, dashed) for spaced, dashed in pairs if not self.says(spaced)]

    def hyphenated(self, text: str) -> str:
        """Words the collection only ever writes as one hyphenated word, written so ('self
        regulation' -> 'self-regulation', 'safety by design' -> 'safety-by-design'): the
        compound is a term of its own in the search. Not where it also writes them apart."""
        low = text.lower()
        for spaced, dashed in self._joinable:
            if spaced in low:
                text = re.sub(rf"\b{re.escape(spaced)}\b", dashed, text, flags=re.I)
                low = text.lower()
        return text

    def says(self, phrase: str) -> bool:
        """Whether the collection's text has ``phrase`` anywhere, in any letter case."""
        return phrase.lower() in self._folded_text

    def _described(self, title: str) -> bool:
        """A treaty described by whose it is and what about ('un trafficking treaty', 'coe
        trafficking convention'), not named: a body the collection knows and a treaty noun."""
        words = title.lower().split()
        if not re.search(r"\b(?:treaty|convention|protocol|charter|declaration)$", title, re.I):
            return False
        # what it is about in the collection's words: 'un optional protocol' is a name
        about = [w for w in words[:-1] if not self._body(w)]
        return len(about) < len(words) - 1 and \
            all(t in self.known_terms for t in content_terms(" ".join(about)))

    def _body(self, word: str) -> bool:
        """An initialism the collection uses for a body ('UN', 'CoE', 'US')."""
        if word in self.known_initialisms or word in {a.lower() for a in self.acronym_forms}:
            return True
        found = self.proper_names.get(word)
        return found is not None and found[0].isupper() and len(word) >= 2

    def finds(self, pattern: str) -> bool:
        """Whether the collection's lower-cased text matches the regular expression."""
        return re.search(pattern, self._folded_text) is not None

    @cached_property
    def proper_names(self) -> ProperNames:
        """The collection's names and the documents using each."""
        return ProperNames(self.store)

    def proper_name(self, word: str) -> str | None:
        """The word as the collection writes it when it is one of its names ('fosta-sesta' ->
        'FOSTA-SESTA'), else None."""
        found = self.proper_names.get(word)
        return found[0] if found else None

    @cached_property
    def kind_terms(self) -> frozenset[str]:
        """The words of the documents' kinds ('policy brief', 'position paper'): they name a
        document, not what is asked about in it."""
        return frozenset(t for d in self.store.documents
                         for t in content_terms(self.store.meta(d).kind))

    def cased(self, text: str) -> str:
        """Acronyms the collection defines, typed in lower case, in their own case ('what is
        the osce?' -> 'what is the OSCE?'); not where the word is also English ('ai', 'us')."""
        forms = {a.lower(): a for a in self.acronym_forms}
        return re.sub(r"\b[a-zA-Z]{2,6}\b", lambda m: forms[m.group(0).lower()]
                      if m.group(0).lower() in forms and m.group(0) != forms[m.group(0).lower()]
                      and not is_english(m.group(0)) else m.group(0), text)

    @cached_property
    def _folded_text(self) -> str:
        return " ".join(c.text.lower() for c in self.store.chunks)

    @cached_property
    def newest_year(self) -> int | None:
        """The year of the collection's newest dated document."""
        years = [int(str(d["meta"].get("date") or "")[:4]) for d in self.store.documents.values()
                 if str(d["meta"].get("date") or "")[:4].isdigit()]
        return max(years, default=None)

    def spell_out(self, text: str) -> str:
        """Abbreviations the collection never uses but spells out, spelled out: 'a US law' ->
        'a US (United States) law', 'eqnow sdgs link' -> '… sdgs (Sustainable Development
        Goals) link'. Words of 2-5 letters (and a plural 's'), upper case or not an English
        word, that the collection itself does not use ('OSCE', 'THB')."""
        def repl(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if low in self.known_terms or low in self.acronym_forms or word in self.acronym_forms \
                    or not word.isupper() and is_english(low):
                return word
            key = low if low in self.known_initialisms else low[:-1] if low.endswith("s") else ""
            if key not in self.known_initialisms:
                return word
            return f"{word} ({self.known_initialisms[key]})"
        return re.sub(r"(?<![\w(])[A-Za-z]{2,5}s?(?![\w)’'-])", repl, text)

    def unknown(self, question: str) -> list[str]:
        """Names and titles in ``question`` the collection never mentions ('Brazil', 'the
        Global Guide', 'germany' in any case)."""
        names = [w for w in unknown_names(question, self.known_terms)
                 if not (w.isupper() and w.lower() in self.known_initialisms)]
        titles = [t for t in unknown_titles(question, self.known_bigrams)
                  if not self._described(t)] \
            if title_runs(question) or lower_instruments(question) else []
        named = {n.lower() for n in names}
        places = [form for country, form in places_in(question, country_names())
                  if country not in self._folded_text and form not in self._folded_text
                  and form not in named and country not in named]
        called = [c for c in so_called(question)  # 'the so-called chat control'
                  if not self.finds(rf"(?<![\w-]){re.escape(c.lower())}(?![\w-])")]
        return names + titles + called + [p.upper() if len(p.strip(".")) <= 3 else p.title()
                                          for p in places]
