"""The evaluation report: Markdown for people, JSON for machines."""

from __future__ import annotations

import time
from typing import Any

from evals.runner import CaseResult, SuiteResult

# metric name -> (label, group)
LABELS: dict[str, tuple[str, str]] = {
    "hit_rate_at_1": ("Hit rate @1 (a gold document ranked first)", "Retrieval"),
    "hit_rate_at_3": ("Hit rate @3", "Retrieval"),
    "mrr": ("MRR@10 (first gold document)", "Retrieval"),
    "key_fact_accuracy": ("Key-fact accuracy (facts found / facts expected)", "Answers"),
    "citation_validity": ("Citation validity (excerpts verbatim in their source)", "Answers"),
    "citation_recall": ("Citation recall (ALCE: supported sentences / sentences)", "Answers"),
    "citation_precision": ("Citation precision (ALCE: supporting citations / citations)", "Answers"),
    "support_recheck": ("Support recheck (assistant.answering.verify, recomputed by the runner)", "Answers"),
    "faithfulness": ("Faithfulness (LLM judge, RAGAS-style)", "Answers"),
    "accuracy": ("Accuracy (passing cases / all cases)", "Refusal"),
    "precision": ("Precision (passing cases / cases not refused)", "Refusal"),
    "out_of_scope_refusal_rate": ("Out-of-scope refusal rate (refused / should refuse)", "Refusal"),
    "false_refusal_rate": ("False-refusal rate (refused / should answer)", "Refusal"),
    "latency_p50_ms": ("Latency p50 per question", "Latency"),
    "latency_p95_ms": ("Latency p95 per question", "Latency"),
}


def label(name: str) -> tuple[str, str]:
    if name in LABELS:
        return LABELS[name]
    if name.startswith("hit_rate_at_") and name.endswith("_chars"):
        return f"Hit rate within {name[12:-6]} characters", "Retrieval"
    if name.startswith("context_recall_at_") and name.endswith("_chars"):
        return f"Context recall within {name[18:-6]} characters", "Retrieval"
    if name.startswith("hit_rate_at_"):
        return f"Hit rate @{name[12:]} (a gold document in the top {name[12:]})", "Retrieval"
    if name.startswith("context_recall_at_"):
        return f"Context recall @{name[18:]} (key facts in the retrieved text)", "Retrieval"
    if name.startswith("gold_passage_recall_at_"):
        return f"Gold-passage recall @{name[23:]} (diagnostic)", "Retrieval"
    if name.startswith("chars_at_"):
        return f"Mean characters retrieved @{name[9:]}", "Retrieval"
    return name, "Other"


# metrics that are counts, not rates
COUNTS = frozenset({"cases", "passed", "llm_answers", "sentences_generated", "unverified_sentences",
                    "unsupported_shown_as_fact", "quotes_shown_instead", "fallbacks"})


def fmt(name: str, value: Any) -> str:
    if value is None:
        return "–"
    if name.endswith("_ms"):
        return f"{float(value):,.0f} ms"
    if name.startswith("chars_at_") or name in COUNTS:
        return f"{float(value):,.0f}"
    return f"{100 * float(value):.1f}%"


def cell(text: Any) -> str:
    """Safe inside a Markdown table cell."""
    s = "" if text is None else str(text)
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").strip()


def to_json(result: SuiteResult) -> dict[str, Any]:
    data = result.model_dump()
    if result.held_out:
        data["cases"] = []
        return data
    for case, res in zip(data["cases"], result.cases, strict=True):
        case["cited_doc_ids"] = res.cited_doc_ids
    return data


def _missing(r: CaseResult) -> str:
    if r.passed:
        return ""
    return "; ".join(r.reasons)


def _check_cell(name: str, checks: dict[str, list[dict[str, Any]]]) -> str:
    rows = checks.get(name)
    if not rows:
        return ""
    parts = []
    for row in rows:
        sign = "≥" if row["op"] == "min" else "≤"
        bound = fmt(name, row["bound"])
        parts.append(f"{sign} {bound} {'✅' if row['ok'] else '❌'}")
    return ", ".join(parts)


HELD_OUT_NOTE = ("This suite is held out: its cases are not listed, so that nobody tunes the "
                 "engine on them (`eval --show-held-out` lists them).")


def render_markdown(result: SuiteResult) -> str:
    m = result.metrics
    checks: dict[str, list[dict[str, Any]]] = {}
    for row in result.checks or []:
        checks.setdefault(row["metric"], []).append(row)
    out: list[str] = []
    add = out.append
    add("# Evaluation report")
    add("")
    add(f"- Suite: `{result.suite}` — {result.n_cases} cases, **{m['passed']} passed** "
        f"({fmt('accuracy', m['accuracy'])})")
    add(f"- Answerer: `{result.answerer}`; retrieval k = {result.k}; index `{result.index}`")
    add(f"- Run: {time.strftime('%Y-%m-%d %H:%M:%S')} in {result.elapsed_s:.1f} s")
    if result.checks is not None:
        failed = [r for r in result.checks if not r["ok"]]
        verdict = ("**all thresholds met**" if not failed else
                   f"**{len(failed)} threshold(s) missed**: " +
                   ", ".join(f"`{r['metric']}`" for r in failed))
        add(f"- Thresholds (`--check`): {verdict}")
    add("")

    add("## Metrics")
    add("")
    add("| Group | Metric | Value | Threshold |")
    add("|---|---|---|---|")
    for name, value in m.items():
        if name in ("cases", "passed"):
            continue
        lab, group = label(name)
        add(f"| {group} | {cell(lab)} | {fmt(name, value)} | {_check_cell(name, checks)} |")
    add("")
    add("Latency is wall-clock time of one `ask` on this machine (after a warm-up question); "
        "compare it only between runs on the same machine.")
    add("")

    add("## Results by kind")
    add("")
    add("| Kind | Cases | Passed | Refused |")
    add("|---|---:|---:|---:|")
    for kind, d in sorted(result.by_kind.items()):
        add(f"| {kind} | {d['cases']} | {d['passed']} | {d['refused']} |")
    add("")

    if result.baseline:
        _baseline_section(result, add)
    if result.held_out:
        add(HELD_OUT_NOTE)
        add("")
        add(GLOSSARY)
        return "\n".join(out) + "\n"

    add("## Cases")
    add("")
    add("| # | Case | Kind | Question | Result | What was missing | Cited | Gold rank | "
        f"Retrieved (top {result.k}) |")
    add("|---:|---|---|---|---|---|---|---:|---|")
    for i, r in enumerate(result.cases, start=1):
        status = "pass" if r.passed else "**FAIL**"
        if r.refused:
            status += " (refused)"
        add(f"| {i} | `{r.id}` | {r.kind} | {cell(r.question)} | {status} | {cell(_missing(r))} | "
            f"{cell(', '.join(r.cited_doc_ids) or '–')} | {_rank(r)} | "
            f"{cell(', '.join(_abbrev_ranked(r.retrieved_doc_ids[: result.k], r.gold_doc_ids)))} |")
    add("")
    add("*Gold rank*: rank of the first passage from a gold document (with the standalone "
        "question). In *Retrieved*, a gold document is marked with `*`.")
    add("")

    failures = [r for r in result.cases if not r.passed]
    if failures:
        add("## Failures in detail")
        add("")
        for r in failures:
            _failure(r, result.k, add)

    if result.notes:
        add("## Notes")
        add("")
        for n in result.notes:
            add(f"- {n}")
        add("")
    add(GLOSSARY)
    return "\n".join(out) + "\n"


def _rank(r: CaseResult) -> str:
    if not r.gold_doc_ids:
        return "–"
    return str(r.gold_rank) if r.gold_rank is not None else ">10"


def _abbrev_ranked(doc_ids: list[str], gold: list[str]) -> list[str]:
    return [f"{d}*" if d in gold else d for d in doc_ids]


def _failure(r: CaseResult, k: int, add: Any) -> None:
    add(f"### `{r.id}` ({r.kind}, {r.source})")
    add("")
    add(f"- **Question:** {r.question}")
    if r.history_turns:
        add(f"- **History:** {r.history_turns} earlier turn(s)")
    if r.standalone_question != r.question:
        add(f"- **Standalone query:** {r.standalone_question}")
    add(f"- **Expected:** {'a refusal' if r.expect_refusal else 'an answer'}; "
        f"**refused:** {'yes' if r.refused else 'no'}"
        + (f" ({r.refusal_reason})" if r.refused and r.refusal_reason else ""))
    add(f"- **Why it failed:** {'; '.join(r.reasons)}")
    if r.facts_total:
        add(f"- **Key facts:** {r.facts_found}/{r.facts_total} found")
    if r.gold_doc_ids:
        rank = r.gold_rank if r.gold_rank is not None else "not in top 10"
        add(f"- **Gold documents:** {', '.join(r.gold_doc_ids)}; first gold rank: {rank}; "
            f"context recall @{k}: {fmt('x', r.context_recall)}; gold passages in top {k}: "
            f"{r.gold_passages_retrieved}/{r.gold_passages}")
    add(f"- **Retrieved (top {k}):** "
        f"{', '.join(_abbrev_ranked(r.retrieved_doc_ids[:k], r.gold_doc_ids)) or '–'}")
    if r.citations:
        add("- **Cited:**")
        for c in r.citations:
            flags = [] if c.verbatim else ["NOT VERBATIM"]
            if not c.supported:
                flags.append("not supported")
            extra = f" **{', '.join(flags)}**" if flags else ""
            add(f"  - [{c.marker}] `{c.doc_id}` ({c.locator}){extra}: “{_short(c.excerpt, 300)}”")
    elif r.closest_doc_ids:
        add(f"- **Closest material shown:** {', '.join(r.closest_doc_ids)}")
    if r.notice:
        add(f"- **Notice:** {r.notice}")
    add("")
    add("  > " + _short(r.answer, 900).replace("\n", "\n  > "))
    add("")


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _baseline_section(result: SuiteResult, add: Any) -> None:
    b = result.baseline or {}
    k = b.get("k", result.k)
    ours = b["metrics"]["hybrid"]
    base = b["metrics"]["baseline"]
    add("## Our pipeline vs the plain LangChain baseline")
    add("")
    add(f"- **Baseline:** {b['baseline']['recipe']} — {b['baseline']['chunks']} chunks from "
        f"{b['baseline']['documents']} files, {b['baseline']['mean_chunk_chars']:,.0f} characters "
        "on average" + (f"; files it could not load: {', '.join(b['baseline']['skipped_files'])}"
                        if b["baseline"]["skipped_files"] else ""))
    add(f"- **Ours:** cleaned, de-duplicated passages, hybrid retrieval (dense + BM25, RRF) — "
        f"{b['ours']['chunks']} passages, {b['ours']['mean_chunk_chars']:,.0f} characters on average")
    add(f"- Both get the same query — {b['query']} — over the {b.get('n_cases', '')} cases with "
        "gold documents. Chunk "
        "sizes differ, so the comparison is made at an equal k and at equal budgets of retrieved "
        "characters (passages in rank order, the last one cut at the budget).")
    add("")
    add("| Metric | Ours (hybrid) | Baseline | Δ |")
    add("|---|---:|---:|---:|")
    for name in ours:
        lab, _ = label(name)
        a, c = ours.get(name), base.get(name)
        delta = ""
        if a is not None and c is not None and not name.startswith("chars_at_"):
            delta = f"{100 * (float(a) - float(c)):+.1f} pts"
        add(f"| {cell(lab)} | {fmt(name, a)} | {fmt(name, c)} | {delta} |")
    add("")
    add("### Retrieval modes (ours): does fusion win?")
    add("")
    modes = ("hybrid", "dense", "sparse")
    add("| Metric | " + " | ".join(modes) + " |")
    add("|---|" + "---:|" * len(modes))
    for name in (f"hit_rate_at_{k}", "hit_rate_at_1", "mrr", f"context_recall_at_{k}",
                 f"gold_passage_recall_at_{k}"):
        lab, _ = label(name)
        add(f"| {cell(lab)} | " + " | ".join(fmt(name, b["metrics"][md].get(name)) for md in modes)
            + " |")
    add("")
    worse = [cid for cid, d in b["cases"].items()
             if (d["ours_rank"] or 99) > (d["baseline_rank"] or 99)]
    if worse:
        add(f"Cases where the baseline ranks a gold document higher than we do: "
            f"{', '.join(f'`{c}`' for c in worse)}.")
        add("")


GLOSSARY = """## How to read this report

- **Pass** — a case that expects an answer passes when it is not refused, every key fact has at
  least one of its phrasings in the answer or its cited excerpts (case-insensitive, white space,
  quotes and dashes unified), no forbidden phrasing appears, and every cited excerpt is verbatim
  in its source document (and maps back onto the raw file). A case that expects a refusal
  passes when the answer is refused and no forbidden phrasing appears (the question echoed in
  a refusal does not count).
- **Hit rate @k / MRR** — over the cases with gold documents: a passage of a gold document in
  the top k; MRR is the mean of 1/rank of the first such passage (0 beyond rank 10).
- **Context recall @k** — share of key facts present in the text of the top k passages.
- **Gold-passage recall** — share of the cases' gold passages found in the top k passages
  (diagnostic: a gold passage can straddle two passages).
- **Citation recall / precision** (ALCE) — recall: share of answer sentences that the answer
  engine's support check marks as supported by their citations; precision: share of citations
  that support their sentence. *Support recheck* recomputes sentence support independently
  with `assistant.answering.verify`.
- **Accuracy / precision** (LitQA2) — accuracy: passing cases over all cases; precision:
  passing cases over the cases that were not refused (a refusal is never a wrong answer, an
  answer can be).
- **Out-of-scope refusal rate** — refused / cases that expect a refusal (higher is better);
  **false-refusal rate** — refused / cases that expect an answer (lower is better).
"""


# ---- several suites side by side ----------------------------------------------------------
SIDE_BY_SIDE = ("passed", "key_fact_accuracy", "false_refusal_rate", "out_of_scope_refusal_rate",
                "synthesis_comparison_pass_rate", "follow_up_pass_rate",
                "false_premise_corrected_rate", "context_recall_at_5", "hit_rate_at_1",
                "citation_validity", "lexical_overlap_p25", "lexical_overlap_median",
                "lexical_overlap_p75", "lexical_overlap_max", "latency_p50_ms")
LABELS.update({
    "synthesis_comparison_pass_rate": ("Synthesis and comparison cases passed", "Kinds"),
    "follow_up_pass_rate": ("Follow-up cases passed", "Kinds"),
    "false_premise_corrected_rate": ("False premises corrected first", "Kinds"),
    "lexical_overlap_median": ("Lexical overlap of questions with their gold passages (median)",
                               "Suite"),
    "lexical_overlap_p25": ("Lexical overlap, 25th percentile", "Suite"),
    "lexical_overlap_p75": ("Lexical overlap, 75th percentile", "Suite"),
    "lexical_overlap_max": ("Lexical overlap, highest case", "Suite"),
})


def render_combined(results: dict[str, SuiteResult]) -> str:
    """One report: the suites side by side, then each suite in full."""
    names = list(results)
    out = ["# Evaluation report", "",
           f"Answerer `{next(iter(results.values())).answerer}`, run "
           f"{time.strftime('%Y-%m-%d %H:%M:%S')}.", "",
           "| Metric | " + " | ".join(f"`{n}`" for n in names) + " |",
           "|---|" + "---:|" * len(names)]
    for metric in SIDE_BY_SIDE:
        row = []
        for n in names:
            m = results[n].metrics
            value = m.get(metric)
            row.append(f"{value}/{m['cases']}" if metric == "passed" else fmt(metric, value))
        out.append(f"| {cell(label(metric)[0])} | " + " | ".join(row) + " |")
    out.append("")
    for n in names:
        body = render_markdown(results[n]).replace("\n## ", "\n### ")
        out.append(body.replace("# Evaluation report", f"## Suite `{n}`", 1))
    return "\n".join(out) + "\n"
