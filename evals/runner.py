"""Run an evaluation suite against the loaded :class:`~assistant.engine.Assistant`.

Everything (embedding model, index, raw corpus files, the optional baseline) loads once; each
case is then one ``ask`` plus one retrieval with the same standalone query, so the extractive
suite runs in seconds.

A case *passes* when:

* it expects a refusal: the answer is refused and contains none of ``forbidden``;
* otherwise: it is not refused, every key fact has a phrasing in the answer text (answer plus
  citation excerpts), none of ``forbidden`` occurs, and every citation excerpt is verbatim in its
  source (cleaned text and mapped back onto the raw corpus file).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, Field

from assistant.core.citations import excerpt_in_source
from assistant.core.enums import RetrievalMode
from assistant.core.models import Answer, SearchResult, Turn
from evals import metrics as M
from evals.cases_schema import Case
from ingest.embedding import BaseEmbedder
from ingest.text import fold

DEFAULT_SUITE = Path("evals/cases")
DEFAULT_THRESHOLDS = Path("evals/thresholds.yaml")
MRR_DEPTH = 10
DEFAULT_BUDGETS = (1500, 3000, 5000)
WARM_UP_QUESTION = "What is technology-facilitated trafficking in human beings?"


def squash(text: str) -> str:
    """Folded text without white space and hyphens: PDF line breaks and restored hyphens
    ('selfregulation' / 'self-regulation') do not hide a gold passage."""
    return re.sub(r"[\s\-]+", "", fold(text))


def passages_found(texts: list[str], passages: list[str]) -> int:
    hay = [squash(t) for t in texts]
    return sum(1 for p in passages if any(squash(p) in h for h in hay))


class QueryCachingEmbeddings(BaseEmbedder):
    """The project's embeddings, remembering query vectors: the runner's own retrieval (and the
    baseline, and the mode comparison) reuse the vector the answer engine just computed for the
    same standalone question. The runner clears the cache before each ``ask``, so measured
    latency always includes the query embedding."""

    def __init__(self, inner: BaseEmbedder) -> None:
        self.inner = inner
        self.dim = inner.dim
        self.model_id = inner.model_id
        self._queries: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str],
               progress: Callable[[int], None] | None = None) -> np.ndarray:
        return self.inner.encode(texts, progress)

    def embed_query_vector(self, text: str) -> np.ndarray:
        v = self._queries.get(text)
        if v is None:
            v = self.inner.embed_query_vector(text)
            self._queries[text] = v
        return v

    def clear_query_cache(self) -> None:
        self._queries.clear()


# ---- results -------------------------------------------------------------------------------
class CitationRecord(BaseModel):
    marker: int
    doc_id: str
    locator: str
    excerpt: str
    verbatim: bool
    supported: bool


class CaseResult(BaseModel):
    id: str
    kind: str
    source: str
    question: str
    history_turns: int = 0
    standalone_question: str
    expect_refusal: bool
    passed: bool
    reasons: list[str] = Field(default_factory=list, description="Why the case failed")
    refused: bool
    refusal_reason: str | None = None
    mode: str = "extractive"
    notice: str | None = None
    answer: str = ""
    facts_total: int = 0
    facts_found: int = 0
    missing_facts: list[list[str]] = Field(default_factory=list)
    forbidden_found: list[str] = Field(default_factory=list)
    citations: list[CitationRecord] = Field(default_factory=list)
    closest_doc_ids: list[str] = Field(default_factory=list)
    sentences: int = 0
    sentences_supported: int = 0
    citation_recall: float | None = None
    citation_precision: float | None = None
    support_recheck: float | None = Field(None, description="Share of sentences supported by "
                                          "assistant.answering.verify, recomputed by the runner")
    faithfulness: float | None = None
    # retrieval (with the standalone question)
    gold_doc_ids: list[str] = Field(default_factory=list)
    retrieved_doc_ids: list[str] = Field(default_factory=list, description=f"top {MRR_DEPTH}")
    gold_rank: int | None = None
    context_recall: float | None = None
    gold_passages: int = 0
    gold_passages_retrieved: int = 0
    latency_ms: float = 0.0
    corrected: bool | None = Field(None, description="false premise: corrected first")
    lexical_overlap: float | None = Field(
        None, description="share of the question's distinctive words found in its gold passages")

    @property
    def cited_doc_ids(self) -> list[str]:
        out: list[str] = []
        for c in self.citations:
            if c.doc_id not in out:
                out.append(c.doc_id)
        return out


class SuiteResult(BaseModel):
    suite: str
    answerer: str
    k: int
    index: str
    n_cases: int
    metrics: dict[str, float | int | None]
    by_kind: dict[str, dict[str, float | int]]
    cases: list[CaseResult]
    baseline: dict[str, Any] | None = None
    checks: list[dict[str, Any]] | None = None
    notes: list[str] = Field(default_factory=list)
    elapsed_s: float = 0.0
    held_out: bool = False  # a part never tuned on: reports show its figures, not its cases


# ---- the runner ----------------------------------------------------------------------------
class SuiteRunner:
    def __init__(self, assistant: Any, k: int = 5) -> None:
        self.assistant = assistant
        self.settings = assistant.settings
        self.k = k
        self.depth = max(k, MRR_DEPTH)
        self._raw: dict[str, str | None] = {}
        self.notes: list[str] = []
        # Per case id: the standalone query's vector and the Answer (for baseline and rechecks).
        self.qvecs: dict[str, np.ndarray] = {}
        self.answers: dict[str, Answer] = {}

    # raw corpus text of a document, for the verbatim check (loaded once)
    def raw_text(self, doc_id: str) -> str | None:
        if doc_id not in self._raw:
            doc = self.assistant.store.documents.get(doc_id)
            text = None
            if doc is not None:
                path = Path(self.settings.corpus_dir) / doc["meta"]["file"]
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    self.notes.append(f"raw file of {doc_id} not readable ({path}); its citations "
                                      "were checked against the cleaned text only")
            self._raw[doc_id] = text
        return self._raw[doc_id]

    def retrieve(self, query: str, depth: int, mode: str | None = None,
                 qvec: np.ndarray | None = None) -> list[SearchResult]:
        q = query.strip() or "?"
        retriever = self.assistant.retriever
        if mode is not None:
            retriever = retriever.with_config(retriever.config.using(RetrievalMode(mode)))
        return list(retriever.search(q, depth, qvec=qvec))

    def run_case(self, case: Case, answerer: str) -> CaseResult:
        clear = getattr(self.assistant.embedder, "clear_query_cache", None)
        turns = self.live_turns(case, answerer) if case.live_history else case.turns
        if clear is not None:
            clear()
        t0 = time.perf_counter()
        ans: Answer = self.assistant.ask(case.question, history=turns, mode=answerer)
        latency = (time.perf_counter() - t0) * 1e3
        standalone = ans.standalone_question or case.question
        qvec = self.assistant.retriever.embed_query(standalone)
        results = self.retrieve(standalone, self.depth, qvec=qvec)
        self.qvecs[case.id] = qvec
        self.answers[case.id] = ans
        return self.score_case(case, ans, results, latency)

    def live_turns(self, case: Case, answerer: str) -> list[Turn]:
        """The conversation before the case's question: each earlier user turn asked in order,
        with the assistant's real answer (and its citations) after it."""
        turns: list[Turn] = []
        for t in case.history:
            ans = self.assistant.ask(t.content, history=list(turns), mode=answerer)
            turns += [Turn(role="user", content=t.content),
                      Turn(role="assistant", content=ans.answer, citations=ans.citations)]
        return turns

    def score_case(self, case: Case, ans: Answer, results: list[SearchResult],
                   latency_ms: float) -> CaseResult:
        store = self.assistant.store
        cits = [CitationRecord(marker=c.marker, doc_id=c.doc_id, locator=c.locator,
                               excerpt=c.excerpt, supported=c.supported,
                               verbatim=excerpt_in_source(store, c.doc_id, c.excerpt,
                                                          self.raw_text(c.doc_id)))
                for c in ans.citations]
        text = "\n".join([ans.answer, *(c.excerpt for c in ans.citations)])
        found, missing = M.facts_found(text, case.key_facts)
        forbidden = M.forbidden_present(text, case.forbidden,
                                        ignore=[case.question, ans.standalone_question])
        reasons: list[str] = []
        if case.expect_refusal:
            if not ans.refused:
                reasons.append("answered instead of refusing")
        else:
            if ans.refused:
                reasons.append(f"refused ({ans.refusal_reason or 'no reason given'})")
            if missing:
                reasons.append("missing key facts: " + "; ".join(" | ".join(m) for m in missing))
        if forbidden:
            reasons.append("forbidden text: " + "; ".join(forbidden))
        corrected = M.corrects_first(ans.answer, case.correction) if case.correction else None
        if corrected is False:
            reasons.append("the premise is not corrected first: " + " | ".join(case.correction))
        unsaid = [name for name in case.silent if not M.says_silent(ans.answer, name)]
        if unsaid:
            reasons.append("does not say that " + ", ".join(unsaid) + " is silent")
        bad = [c.marker for c in cits if not c.verbatim]
        if bad:
            reasons.append("citation not verbatim in its source: " + ", ".join(f"[{m}]" for m in bad))
        s_flags = [s.supported for s in ans.sentences]
        c_flags = [c.supported for c in ans.citations]
        recall, precision = M.citation_support(s_flags, c_flags) if not ans.refused else (None, None)
        ranked = [r.chunk.doc_id for r in results]
        top_texts = [r.chunk.text for r in results[: self.k]]
        has_gold = bool(case.gold_doc_ids)
        return CaseResult(
            id=case.id, kind=case.kind, source=case.source, question=case.question,
            history_turns=len(case.history), standalone_question=ans.standalone_question,
            expect_refusal=case.expect_refusal, passed=not reasons, reasons=reasons,
            refused=ans.refused, refusal_reason=ans.refusal_reason, mode=ans.mode,
            notice=ans.notice, answer=ans.answer, facts_total=len(case.key_facts),
            facts_found=found, missing_facts=missing, forbidden_found=forbidden, citations=cits,
            closest_doc_ids=[c.doc_id for c in ans.closest], sentences=len(s_flags),
            sentences_supported=sum(s_flags), citation_recall=recall, citation_precision=precision,
            gold_doc_ids=case.gold_doc_ids, retrieved_doc_ids=ranked,
            gold_rank=M.first_gold_rank(ranked, case.gold_doc_ids) if has_gold else None,
            context_recall=M.context_recall(top_texts, case.key_facts) if case.key_facts else None,
            gold_passages=len(case.gold_passages), corrected=corrected,
            lexical_overlap=M.lexical_overlap(case.question, case.gold_passages),
            gold_passages_retrieved=passages_found(top_texts, case.gold_passages),
            latency_ms=round(latency_ms, 2),
        )

    def run(self, cases: list[Case], answerer: str = "extractive", judge: Any = None,
            progress: Callable[[int, int, CaseResult], None] | None = None) -> SuiteResult:
        t0 = time.perf_counter()
        # Warm-up (first-call costs: tokenizer, BLAS threads), not timed.
        self.assistant.ask(WARM_UP_QUESTION, mode=answerer)
        results: list[CaseResult] = []
        for i, case in enumerate(cases, start=1):
            res = self.run_case(case, answerer)
            results.append(res)
            if progress:
                progress(i, len(cases), res)
        self.recheck_support(results)
        if judge is not None:
            judge.score(results, self.answers)
            self.notes.extend(judge.errors)
        return SuiteResult(
            suite="", answerer=answerer, k=self.k, index=str(self.assistant.store.folder),
            n_cases=len(results), metrics=aggregate(results, self.k),
            by_kind=by_kind(results), cases=results, notes=self.notes,
            elapsed_s=round(time.perf_counter() - t0, 2),
        )

    def recheck_support(self, results: list[CaseResult]) -> None:
        """Recompute sentence support with ``assistant.answering.verify``, independently of the flags the
        answer engine set: a sentence is supported when its score against the sentences of a
        passage it cites reaches ``settings.support_threshold``. Answer sentences are embedded
        in one batch; passage sentences reuse the vectors stored in the index."""
        try:
            from assistant.answering.verify import support_score
        except ImportError:
            self.notes.append("assistant.answering.verify not available: support not rechecked")
            return
        store = self.assistant.store
        todo = [(r, self.answers[r.id]) for r in results
                if not r.refused and r.id in self.answers and self.answers[r.id].sentences]
        texts = sorted({s.text for _, a in todo for s in a.sentences})
        if not texts:
            return
        # duck-typed stand-in for LocalEmbeddings: the same model's vectors, computed in one batch
        lookup: Any = _VectorLookup(
            dict(zip(texts, self.assistant.embedder.encode(texts), strict=True)),
            self.assistant.embedder)
        threshold = self.settings.support_threshold
        for res, ans in todo:
            by_marker = {c.marker: c for c in ans.citations}
            ok = 0
            for sent in ans.sentences:
                best = 0.0
                for m in sent.markers:
                    cit = by_marker.get(m)
                    idx = store.by_id.get(cit.chunk_id) if cit else None
                    if idx is None:
                        continue
                    chunk = store.chunks[idx]
                    base = store.sentence_offsets[idx]
                    ev = [chunk.text[a:b] for a, b in chunk.sentences]
                    vecs = store.sentence_vectors[base : base + len(ev)]
                    if ev:
                        best = max(best, support_score(sent.text, ev, lookup, vecs)[0])
                ok += int(best >= threshold)
            res.support_recheck = ok / len(ans.sentences)


class _VectorLookup:
    """Answers ``embed_query_vector`` from vectors computed in one batch by the same model."""

    def __init__(self, vectors: dict[str, np.ndarray], embedder: Any) -> None:
        self.vectors = vectors
        self.embedder = embedder

    def embed_query_vector(self, text: str) -> np.ndarray:
        v = self.vectors.get(text)
        return v if v is not None else self.embedder.embed_query_vector(text)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode(texts)


# ---- optional LLM judge ---------------------------------------------------------------------
STATEMENTS_PROMPT = """Break the ANSWER below into short, self-contained factual statements.
Write one statement per line, each starting with "- ". Do not add anything the answer does not say.

QUESTION: {question}

ANSWER: {answer}

STATEMENTS:"""

VERDICTS_PROMPT = """Decide, for each numbered STATEMENT, whether the CONTEXT directly supports it.
Answer with one line per statement, in the form "<number>: yes" or "<number>: no", and nothing else.

CONTEXT:
{context}

STATEMENTS:
{statements}

VERDICTS:"""


class FaithfulnessJudge:
    """RAGAS-style faithfulness with the configured chat model: the answer is broken into
    statements, and each is judged against the passages the answer cites. Score = supported
    statements / statements. Off unless asked for (``--judge``); never used in CI."""

    def __init__(self, chat_model: Any, max_context_chars: int = 6000) -> None:
        self.model = chat_model
        self.max_context_chars = max_context_chars
        self.errors: list[str] = []

    def _ask(self, prompt: str) -> str:
        from langchain_core.messages import HumanMessage

        return str(self.model.invoke([HumanMessage(content=prompt)]).content)

    def score_answer(self, question: str, ans: Answer) -> float | None:
        passages: list[str] = []
        for c in ans.citations:
            p = c.passage or c.excerpt
            if p not in passages:
                passages.append(p)
        if ans.refused or not passages:
            return None
        answer = re.sub(r"\s*\[\d+(?:[,;\s]+\d+)*\]", "", ans.answer)
        statements = M.parse_statements(self._ask(STATEMENTS_PROMPT.format(question=question,
                                                                           answer=answer)))
        if not statements:
            return None
        context = "\n\n".join(passages)[: self.max_context_chars]
        listing = "\n".join(f"{i}. {st}" for i, st in enumerate(statements, start=1))
        verdicts = M.parse_verdicts(self._ask(VERDICTS_PROMPT.format(context=context,
                                                                     statements=listing)),
                                    len(statements))
        return M.faithfulness(verdicts)

    def score(self, results: list[CaseResult], answers: dict[str, Answer]) -> None:
        for res in results:
            ans = answers.get(res.id)
            if ans is None or res.refused:
                continue
            try:
                res.faithfulness = self.score_answer(res.question, ans)
            except Exception as exc:  # noqa: BLE001 - a judge failure must not sink the run
                self.errors.append(f"{res.id}: judge failed ({type(exc).__name__}: {exc})"[:300])
                res.faithfulness = None


# ---- aggregation ---------------------------------------------------------------------------
def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def aggregate(results: list[CaseResult], k: int) -> dict[str, float | int | None]:
    gold = [r for r in results if r.gold_doc_ids]
    facts = [r for r in results if not r.expect_refusal]
    answered = [r for r in results if not r.refused]
    cits = [c for r in results for c in r.citations]
    lat = [r.latency_ms for r in results]
    ranks = [r.gold_rank for r in gold]
    gp = [r for r in results if r.gold_passages]
    out: dict[str, float | int | None] = {
        "cases": len(results),
        "passed": sum(r.passed for r in results),
        "hit_rate_at_1": _r(M.mean(float(x is not None and x <= 1) for x in ranks)),
        "hit_rate_at_3": _r(M.mean(float(x is not None and x <= 3) for x in ranks)),
        f"hit_rate_at_{k}": _r(M.mean(float(x is not None and x <= k) for x in ranks)),
        "mrr": _r(M.mean((1.0 / x if x else 0.0) for x in ranks)),
        f"context_recall_at_{k}": _r(M.mean(r.context_recall for r in facts)),
        f"gold_passage_recall_at_{k}": _r(
            sum(r.gold_passages_retrieved for r in gp) / sum(r.gold_passages for r in gp)
            if gp else None),
        "key_fact_accuracy": _r(sum(r.facts_found for r in facts) / sum(r.facts_total for r in facts)
                                if facts else None),
        "citation_validity": _r(sum(c.verbatim for c in cits) / len(cits) if cits else None),
        "citation_recall": _r(M.mean(r.citation_recall for r in answered)),
        "citation_precision": _r(M.mean(r.citation_precision for r in answered)),
    }
    rm = M.refusal_metrics([r.expect_refusal for r in results], [r.refused for r in results],
                           [r.passed for r in results])
    out.update({k2: _r(v) for k2, v in rm.items()})
    recheck = [r.support_recheck for r in answered if r.support_recheck is not None]
    out["support_recheck"] = _r(M.mean(recheck)) if recheck else None
    faith = [r.faithfulness for r in answered if r.faithfulness is not None]
    out["faithfulness"] = _r(M.mean(faith)) if faith else None
    out.update(kind_rates(results))
    overlaps = sorted(r.lexical_overlap for r in results if r.lexical_overlap is not None)
    for name, q in (("p25", 25), ("median", 50), ("p75", 75), ("max", 100)):
        out[f"lexical_overlap_{name}"] = _r(M.percentile(overlaps, q)) if overlaps else None
    out["latency_p50_ms"] = _r(M.percentile(lat, 50), 1)
    out["latency_p95_ms"] = _r(M.percentile(lat, 95), 1)
    return out


def kind_rates(results: list[CaseResult]) -> dict[str, float | None]:
    """Pass rates of the kinds that have their own targets."""
    def rate(kinds: tuple[str, ...]) -> float | None:
        rs = [r for r in results if r.kind in kinds]
        return _r(sum(r.passed for r in rs) / len(rs)) if rs else None

    premises = [r for r in results if r.corrected is not None]
    return {
        "synthesis_comparison_pass_rate": rate(("synthesis", "comparison")),
        "follow_up_pass_rate": rate(("follow-up",)),
        "false_premise_corrected_rate": _r(sum(bool(r.corrected) and r.passed for r in premises)
                                           / len(premises)) if premises else None,
    }


def by_kind(results: list[CaseResult]) -> dict[str, dict[str, float | int]]:
    out: dict[str, dict[str, float | int]] = {}
    for r in results:
        d = out.setdefault(r.kind, {"cases": 0, "passed": 0, "refused": 0})
        d["cases"] += 1
        d["passed"] += int(r.passed)
        d["refused"] += int(r.refused)
    return out


# ---- thresholds ----------------------------------------------------------------------------
class ThresholdError(ValueError):
    pass


def load_thresholds(path: Path, answerer: str, suite: str) -> dict[str, dict[str, float]]:
    """The bounds for one answerer on one suite: ``<answerer>: {<suite>: {metric: {min|max}}}``."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ThresholdError(f"{path}: not readable ({exc})") from exc
    by_suite = data.get(answerer) if isinstance(data, dict) else None
    section = by_suite.get(suite) if isinstance(by_suite, dict) else None
    if not isinstance(section, dict) or not section:
        raise ThresholdError(f"{path}: no thresholds for the '{answerer}' answerer on the "
                             f"'{suite}' suite")
    out: dict[str, dict[str, float]] = {}
    for name, spec in section.items():
        if not isinstance(spec, dict) or not spec or set(spec) - {"min", "max"}:
            raise ThresholdError(f"{path}: {answerer}.{suite}.{name}: expected {{min: X}} and/or "
                                 "{max: Y}")
        try:
            out[name] = {op: float(v) for op, v in spec.items()}
        except (TypeError, ValueError) as exc:
            raise ThresholdError(f"{path}: {answerer}.{suite}.{name}: bounds must be numbers"
                                 ) from exc
    return out


def check_thresholds(metrics: dict[str, float | int | None],
                     thresholds: dict[str, dict[str, float]]) -> list[dict[str, Any]]:
    """One row per bound: metric, value, op, bound, ok. A metric that was not measured fails."""
    rows: list[dict[str, Any]] = []
    for name, spec in thresholds.items():
        value = metrics.get(name)
        for op, bound in spec.items():
            if value is None:
                ok = False
            elif op == "min":
                ok = float(value) >= bound
            else:
                ok = float(value) <= bound
            rows.append({"metric": name, "value": value, "op": op, "bound": bound, "ok": ok,
                         "measured": name in metrics and value is not None})
    return rows
