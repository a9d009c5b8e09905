"""Search filters as a boolean mask over the passages of a loaded index."""

from __future__ import annotations

from datetime import date

import numpy as np

from assistant.core.models import SearchFilters
from ingest.store import StoredIndex
from ingest.text import parse_date_bound


def _period(value: str, upper: bool) -> date | None:
    try:
        return parse_date_bound(value, upper=upper)
    except ValueError:
        return None


class FilterMask:
    """Passages a filter allows. Raises ``ValueError`` for a malformed date bound."""

    def __init__(self, store: StoredIndex) -> None:
        self.store = store
        self._publishers = np.array([c.publisher for c in store.chunks], dtype=object)
        self._doc_ids = np.array([c.doc_id for c in store.chunks], dtype=object)

    def __call__(self, filters: SearchFilters | None) -> np.ndarray | None:
        """Boolean mask of the allowed passages (None = all)."""
        if filters is None or filters.is_empty():
            return None
        m = np.ones(len(self.store.chunks), dtype=bool)
        if filters.doc_ids:
            m &= np.isin(self._doc_ids, filters.doc_ids)
        if filters.publishers:
            wanted = [p.lower() for p in filters.publishers]
            m &= np.array([any(w in p.lower() for w in wanted) for p in self._publishers])
        if filters.date_from or filters.date_to:
            lo = parse_date_bound(filters.date_from) if filters.date_from else date.min
            hi = parse_date_bound(filters.date_to, upper=True) if filters.date_to else date.max
            for i, c in enumerate(self.store.chunks):
                start, end = _period(c.date, False), _period(c.date, True)
                if start is None or end is None or end < lo or start > hi:
                    m[i] = False
        return m
