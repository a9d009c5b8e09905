"""A peer baseline: the plain LangChain recipe a user would build from the tutorial.

RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200) over the raw corpus files (no
cleaning, no de-duplication, no manifest titles), the same MiniLM embeddings, an in-memory
``FAISS.from_documents`` store and plain top-k similarity search. Both systems get the same
query (the standalone question of our pipeline) so that the comparison isolates ingestion and
retrieval; they are compared at an equal k and at equal budgets of retrieved characters (the
chunk sizes differ), and our own retrieval modes (hybrid, dense, sparse) are compared too.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from evals import metrics as M
from evals.cases_schema import Case
from evals.runner import passages_found

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm"}
MRR_DEPTH = 10
DEPTH = 20  # results fetched per query: enough to fill the largest character budget


def _doc_ids_by_file(corpus_dir: Path) -> dict[str, str]:
    manifest = corpus_dir / "manifest.yaml"
    if not manifest.exists():
        return {}
    data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
    return {d["file"]: d["id"] for d in data.get("documents", []) if "file" in d and "id" in d}


def load_raw_documents(corpus_dir: Path) -> tuple[list[Any], list[str]]:
    """LangChain Documents of the raw files, as a tutorial loads them; and the files skipped."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from langchain_community.document_loaders import PyPDFLoader, TextLoader

    ids = _doc_ids_by_file(corpus_dir)
    docs: list[Any] = []
    skipped: list[str] = []
    for path in sorted(corpus_dir.iterdir()):
        if not path.is_file() or path.name == "manifest.yaml" or path.name.startswith("."):
            continue
        suffix = path.suffix.lower()
        if suffix in TEXT_SUFFIXES:
            loader: Any = TextLoader(str(path), encoding="utf-8")
        elif suffix == ".pdf":
            loader = PyPDFLoader(str(path))
        else:
            skipped.append(path.name)
            continue
        for d in loader.load():
            d.metadata["doc_id"] = ids.get(path.name, path.stem)
            docs.append(d)
    return docs, skipped


class LangChainBaseline:
    """The tutorial pipeline, built in memory with the already-loaded embeddings."""

    def __init__(self, corpus_dir: Path, embeddings: Any, chunk_size: int = CHUNK_SIZE,
                 chunk_overlap: int = CHUNK_OVERLAP) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from langchain_community.vectorstores import FAISS
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        docs, self.skipped = load_raw_documents(corpus_dir)
        splitter = RecursiveCharacterTextSplitter(chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        self.chunks = splitter.split_documents(docs)
        self.n_documents = len(docs)
        self.store = FAISS.from_documents(self.chunks, embeddings)

    def search(self, query_vector: np.ndarray | Sequence[float], k: int) -> list[tuple[str, str]]:
        """(doc_id, text) of the top ``k`` chunks. The vector is ``embeddings.embed_query`` of
        the question, i.e. exactly what ``similarity_search(question, k)`` would compute."""
        vec = [float(x) for x in query_vector]
        docs = self.store.similarity_search_by_vector(vec, k=k)
        return [(d.metadata["doc_id"], d.page_content) for d in docs]

    @property
    def mean_chunk_chars(self) -> float:
        return float(np.mean([len(c.page_content) for c in self.chunks])) if self.chunks else 0.0


# ---- retrieval profiles -------------------------------------------------------------------
def profile(ranked: list[tuple[str, str]], case: Case, k: int, budgets: Sequence[int]) -> dict[str, Any]:
    """Retrieval measures of one ranked list for one case."""
    doc_ids = [d for d, _ in ranked]
    texts = [t for _, t in ranked]
    rank = M.first_gold_rank(doc_ids[:MRR_DEPTH], case.gold_doc_ids)
    out: dict[str, Any] = {
        "rank": rank,
        "context_recall": M.context_recall(texts[:k], case.key_facts),
        "gold_passages": passages_found(texts[:k], case.gold_passages),
        "chars": sum(len(t) for t in texts[:k]),
        "budget": {},
    }
    for b in budgets:
        cut = M.within_budget(texts, b)
        out["budget"][b] = {
            "hit": any(d in case.gold_doc_ids for d in doc_ids[: len(cut)]),
            "context_recall": M.context_recall(cut, case.key_facts),
        }
    return out


def summarize(profiles: dict[str, dict[str, Any]], cases: list[Case], k: int,
              budgets: Sequence[int]) -> dict[str, float | None]:
    """Suite-level retrieval metrics over the cases with gold documents."""
    use = [c for c in cases if c.gold_doc_ids and c.id in profiles]
    ps = [profiles[c.id] for c in use]
    n_gp = sum(len(c.gold_passages) for c in use)

    def rate(pred: Any) -> float | None:
        return round(sum(1 for p in ps if pred(p)) / len(ps), 4) if ps else None

    out: dict[str, float | None] = {
        "hit_rate_at_1": rate(lambda p: p["rank"] is not None and p["rank"] <= 1),
        "hit_rate_at_3": rate(lambda p: p["rank"] is not None and p["rank"] <= 3),
        f"hit_rate_at_{k}": rate(lambda p: p["rank"] is not None and p["rank"] <= k),
        "mrr": round(float(np.mean([1.0 / p["rank"] if p["rank"] else 0.0 for p in ps])), 4) if ps else None,
        f"context_recall_at_{k}": _mean([p["context_recall"] for p, c in zip(ps, use, strict=True) if c.key_facts]),
        f"gold_passage_recall_at_{k}": round(sum(p["gold_passages"] for p in ps) / n_gp, 4) if n_gp else None,
        f"chars_at_{k}": round(float(np.mean([p["chars"] for p in ps])), 1) if ps else None,
    }
    for b in budgets:
        out[f"hit_rate_at_{b}_chars"] = rate(lambda p, b=b: p["budget"][b]["hit"])
        out[f"context_recall_at_{b}_chars"] = _mean(
            [p["budget"][b]["context_recall"] for p, c in zip(ps, use, strict=True) if c.key_facts])
    return out


def _mean(values: list[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def compare(runner: Any, cases: list[Case], budgets: Sequence[int],
            baseline: LangChainBaseline | None = None) -> dict[str, Any]:
    """Our retrieval (hybrid, dense, sparse) and the baseline's on the same suite and queries.

    Uses the standalone question and its vector cached by ``runner`` while it ran the suite."""
    a = runner.assistant
    k = runner.k
    if baseline is None:
        baseline = LangChainBaseline(Path(a.settings.corpus_dir), a.embedder)
    gold = [c for c in cases if c.gold_doc_ids]
    systems: dict[str, dict[str, dict[str, Any]]] = {"hybrid": {}, "dense": {}, "sparse": {},
                                                     "baseline": {}}
    per_case: dict[str, dict[str, Any]] = {}
    for c in gold:
        ans = runner.answers.get(c.id)
        query = ans.standalone_question if ans is not None else c.question
        qvec = runner.qvecs.get(c.id)
        if qvec is None:
            qvec = a.retriever.embed_query(query)
        for mode in ("hybrid", "dense", "sparse"):
            res = runner.retrieve(query, DEPTH, mode=mode, qvec=qvec)
            systems[mode][c.id] = profile([(r.chunk.doc_id, r.chunk.text) for r in res], c, k, budgets)
        ranked = baseline.search(qvec, DEPTH)
        systems["baseline"][c.id] = profile(ranked, c, k, budgets)
        per_case[c.id] = {
            "ours_rank": systems["hybrid"][c.id]["rank"],
            "baseline_rank": systems["baseline"][c.id]["rank"],
            "baseline_doc_ids": [d for d, _ in ranked[:k]],
        }
    summary = {name: summarize(p, cases, k, budgets) for name, p in systems.items()}
    return {
        "k": k,
        "budgets": list(budgets),
        "query": "the standalone question of our pipeline",
        "n_cases": len(gold),
        "baseline": {
            "recipe": (f"RecursiveCharacterTextSplitter(chunk_size={CHUNK_SIZE}, "
                       f"chunk_overlap={CHUNK_OVERLAP}) over the raw files, MiniLM embeddings, "
                       "FAISS.from_documents, top k"),
            "documents": baseline.n_documents,
            "chunks": len(baseline.chunks),
            "mean_chunk_chars": round(baseline.mean_chunk_chars, 1),
            "skipped_files": baseline.skipped,
        },
        "ours": {
            "chunks": len(a.store.chunks),
            "mean_chunk_chars": round(float(np.mean([len(ch.text) for ch in a.store.chunks])), 1)
            if a.store.chunks else 0.0,
        },
        "metrics": summary,
        "cases": per_case,
    }
