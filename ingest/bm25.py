"""A BM25 (sparse) index as a SciPy CSR matrix: saved with NumPy, never pickled."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from scipy import sparse

from ingest.text import content_terms


class BM25Index:
    def __init__(self, matrix: sparse.csr_matrix, vocab: dict[str, int],
                 idf: np.ndarray | None = None) -> None:
        """``idf`` given: term statistics only (``matrix`` may be empty), as a store that scores
        BM25 elsewhere (PostgreSQL) keeps for question reading."""
        self.matrix = matrix.tocsc()
        self.vocab = vocab
        n = max(matrix.shape[0], 1)
        if idf is None:
            df = np.diff(self.matrix.indptr)
            idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        self.idf = np.asarray(idf, dtype=np.float32)
        self.max_idf = float(np.log(1 + (n + 0.5) / 0.5))

    def query_terms(self, query: str) -> list[str]:
        """The query's stemmed terms the collection uses, each once, in vocabulary order."""
        return sorted({t for t in content_terms(query) if t in self.vocab},
                      key=self.vocab.__getitem__)

    def postings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(passage row, term column, BM25 weight) of every non-zero weight."""
        coo = self.matrix.tocoo()
        return coo.row.astype(np.int32), coo.col.astype(np.int32), coo.data.astype(np.float32)

    def term_idf(self, term: str) -> float:
        """IDF of a (stemmed) term; a term the collection never uses gets the maximum."""
        i = self.vocab.get(term)
        return self.max_idf if i is None else float(self.idf[i])

    @classmethod
    def build(cls, texts: list[str], k1: float = 1.5, b: float = 0.75) -> BM25Index:
        vocab: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        tfs: list[float] = []
        lengths: list[int] = []
        for r, text in enumerate(texts):
            terms = content_terms(text)
            lengths.append(len(terms))
            counts: dict[int, int] = {}
            for t in terms:
                c = vocab.setdefault(t, len(vocab))
                counts[c] = counts.get(c, 0) + 1
            for c, n in counts.items():
                rows.append(r)
                cols.append(c)
                tfs.append(n)
        n_docs = max(len(texts), 1)
        avgdl = (sum(lengths) / n_docs) or 1.0
        df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocab)) if cols else np.zeros(0)
        idf = np.log(1 + (n_docs - df + 0.5) / (df + 0.5))
        tf = np.asarray(tfs, dtype=np.float32)
        dl = np.asarray([lengths[r] for r in rows], dtype=np.float32)
        weights = idf[np.asarray(cols, dtype=np.int64)] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl)) if cols else tf
        m = sparse.csr_matrix((weights.astype(np.float32), (rows, cols)), shape=(len(texts), len(vocab)))
        return cls(m, vocab)

    def scores(self, query: str) -> np.ndarray:
        ids = sorted({self.vocab[t] for t in content_terms(query) if t in self.vocab})
        if not ids:
            return np.zeros(self.matrix.shape[0], dtype=np.float32)
        return np.asarray(self.matrix[:, ids].sum(axis=1)).ravel()

    def save(self, folder: Path) -> None:
        m = self.matrix.tocsr()
        np.savez(folder / "bm25.npz", data=m.data, indices=m.indices, indptr=m.indptr,
                 shape=np.asarray(m.shape))
        (folder / "bm25_vocab.json").write_text(json.dumps(self.vocab), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        with np.load(folder / "bm25.npz", allow_pickle=False) as z:
            m = sparse.csr_matrix((z["data"], z["indices"], z["indptr"]), shape=tuple(z["shape"]))
        vocab = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        return cls(m, vocab)
