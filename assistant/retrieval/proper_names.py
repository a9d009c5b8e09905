"""The collection's own names and which documents use them: 'FOSTA-SESTA', 'Lanzarote', 'Tech
Against Trafficking'. A name is a word or a run of capitalised words that the collection only
ever writes capitalised, so 'Leave' at the start of one sentence is a word, not a name. Built in
one pass over the passages, once per index version."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.store import StoredIndex

# a word as users may type a name: 'FOSTA-SESTA', 'fosta-sesta', 'Lanzarote', 'facebook'
WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")
# a run of capitalised words: 'Tech Against Trafficking', 'Online Safety Act'
_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")


@dataclass
class _Seen:
    form: str  # as first written
    capitalised: bool = True  # every occurrence capitalised
    docs: set[str] = field(default_factory=set)


class ProperNames:
    def __init__(self, store: StoredIndex) -> None:
        self.store = store
        seen: dict[str, _Seen] = {}
        for chunk in store.chunks:
            for m in (*WORD.finditer(chunk.text), *_RUN.finditer(chunk.text)):
                text = m.group(0)
                entry = seen.setdefault(text.lower(), _Seen(text))
                entry.capitalised &= text[:1].isupper()
                entry.docs.add(chunk.doc_id)
        self._names = {k: (v.form, frozenset(v.docs)) for k, v in seen.items() if v.capitalised}
        self.runs = sorted((k for k in self._names if " " in k), key=len, reverse=True)
        self._checked: dict[str, bool] = {}

    def _only_capitalised(self, run: str) -> bool:
        """A run's words may also stand together in lower case ('the tech against
        trafficking debate'): checked when first asked, then remembered."""
        if run not in self._checked:
            pattern = re.compile(rf"(?<![\w-]){re.escape(run)}(?![\w-])", re.I)
            self._checked[run] = all(m.group(0)[:1].isupper() for c in self.store.chunks
                                     for m in pattern.finditer(c.text))
        return self._checked[run]

    def get(self, key: str) -> tuple[str, frozenset[str]] | None:
        """(the name as written, the documents using it) for a name in any letter case."""
        key = key.lower()
        found = self._names.get(key)
        if found is None or (" " in key and not self._only_capitalised(key)):
            return None
        return found

    def runs_in(self, text: str) -> list[str]:
        """The collection's multi-word names that ``text`` uses, in any letter case, longest
        first ('tech against trafficking' in 'has tech against trafficking refreshed…')."""
        low = text.lower()
        return [key for key in self.runs
                if key in low and re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", low)
                and self.get(key) is not None]
