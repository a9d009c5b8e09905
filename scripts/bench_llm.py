"""Compare the LLM answerer (through a running OpenAI-compatible server, e.g. `policy-assistant
model serve`) with the extractive engine on chosen evaluation cases. Prints a Markdown table and
writes every answer verbatim to a JSON file.

    PA_LLM_PROVIDER=local python scripts/bench_llm.py --out artifacts/llm-bench.json \
        documents:fact-press-75-percent users-dev:u-comp-gender-angle ...

Never pass users-test cases: that set is held out.
"""

# ruff: noqa: T201 - a command-line report
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import urllib.request
from pathlib import Path

from assistant.answering.llm.checked import UNVERIFIED
from assistant.answering.llm.prompting import build_messages, evidence_of, format_passages
from assistant.core.citations import excerpt_in_source
from assistant.core.enums import StreamKind
from assistant.core.settings import get_settings
from assistant.engine import Assistant
from evals.cases_schema import load_cases
from evals.metrics import facts_found
from evals.suites import resolve


def _count_tokens(base_url: str, text: str) -> int | None:
    """Tokens of ``text`` by the served model's own tokenizer (llama.cpp's /extras route)."""
    root = base_url.removesuffix("/v1")
    req = urllib.request.Request(f"{root}/extras/tokenize/count",
                                 data=json.dumps({"input": text}).encode(),
                                 headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return int(json.loads(resp.read())["count"])
    except OSError:
        return None


def _prompt(a: Assistant, question: str) -> str:
    quoted = a.answerer("extractive").answer(question)
    results, ev = evidence_of(quoted, a.store)
    msgs = build_messages(question, format_passages(results, ev.sentences, a.publishers()),
                          a.answer_config.max_sentences)
    return "\n".join(str(m.content) for m in msgs)


def run(a: Assistant, case, mode: str) -> dict:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    first = None
    final = None
    for ev in a.ask_stream(case.question, mode=mode):
        if ev.kind is StreamKind.TOKEN and first is None:
            first = time.perf_counter() - t0
        if ev.answer is not None:
            final = ev.answer
    total = time.perf_counter() - t0
    assert final is not None
    shown = [s for s in final.sentences if f"{UNVERIFIED} {s.text}" not in final.answer]
    found, _ = facts_found(final.answer, case.key_facts)
    return {
        "id": case.id, "kind": case.kind, "mode": mode, "answered_by": str(final.mode),
        "question": case.question, "answer": final.answer, "notice": final.notice,
        "refused": final.refused, "facts": found, "facts_expected": len(case.key_facts),
        "citations": len(final.citations),
        "citations_valid": sum(excerpt_in_source(a.store, c.doc_id, c.excerpt)
                               for c in final.citations),
        "sentences": len(final.sentences),
        "unverified_shown": sum(not s.supported for s in final.sentences),
        "unsupported_shown_as_fact": sum(not s.supported for s in shown) if final.sentences else 0,
        "flags": [s.flags for s in final.sentences if s.flags],
        "first_token_s": round(first, 2) if first is not None else None,
        "total_s": round(total, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cases", nargs="+", help="suite:case-id (documents, users-dev)")
    ap.add_argument("--out", type=Path, default=Path("artifacts/llm-bench.json"))
    args = ap.parse_args()
    if any(c.startswith("users-test") for c in args.cases):
        sys.exit("users-test is held out")
    settings = get_settings()
    a = Assistant(settings)
    from assistant.answering.llm.local import server_url

    base = settings.llm_base_url or server_url(settings.llm_server_port)
    rows = []
    for spec in args.cases:
        suite, cid = spec.split(":", 1)
        case = next(c for c in load_cases(resolve(suite)[1]) if c.id == cid)
        tokens = _count_tokens(base, _prompt(a, case.question))
        for mode in ("extractive", "llm"):
            row = run(a, case, mode)
            row["suite"] = suite
            row["prompt_tokens"] = tokens if mode == "llm" else None
            rows.append(row)
            print(json.dumps(row, ensure_ascii=False), file=sys.stderr, flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print("| engine | key facts | citations valid | unsupported shown as fact | (unverified) "
          "sentences | refused | fell back | first token p50/p95 s | total p50/p95 s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for mode in ("extractive", "llm"):
        rs = [r for r in rows if r["mode"] == mode]
        ft = sorted(r["first_token_s"] for r in rs if r["first_token_s"] is not None)
        tt = sorted(r["total_s"] for r in rs)

        def p(xs: list[float], q: float) -> str:
            return f"{xs[min(len(xs) - 1, round(q * (len(xs) - 1)))]:.1f}" if xs else "–"
        print(f"| {mode} | {sum(r['facts'] for r in rs)}/{sum(r['facts_expected'] for r in rs)} "
              f"| {sum(r['citations_valid'] for r in rs)}/{sum(r['citations'] for r in rs)} "
              f"| {sum(r['unsupported_shown_as_fact'] for r in rs)} "
              f"| {sum(r['unverified_shown'] for r in rs)} | {sum(r['refused'] for r in rs)} "
              f"| {sum(r['answered_by'] != mode for r in rs)} "
              f"| {p(ft, .5)}/{p(ft, .95)} | {p(tt, .5)}/{p(tt, .95)} |")
    pt = [r["prompt_tokens"] for r in rows if r["prompt_tokens"]]
    if pt:
        print(f"\nprompt tokens (LLM): median {statistics.median(pt):.0f}, max {max(pt)}")


if __name__ == "__main__":
    main()
