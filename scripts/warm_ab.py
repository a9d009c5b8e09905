"""Warm extractive `ask` latency of two checkouts, interleaved in one run.

    python scripts/warm_ab.py --a /tmp/base --b . [--rounds 6] [--suite documents --suite users-dev]

Each checkout answers in its own worker process (its code first on the path, the same index
folder); the driver alternates whole rounds over the questions between them, A, B, A, B…, so
both see the same machine load. Every round answers each in-scope question once (as ``bench``'s
warm section: scope refusals left out); one untimed round warms each worker first. Printed per
checkout: ask p50/p95, and the split of each ask into the query embedding (every call of the
embedder, cover_parts' included), retrieval (``Retriever.search`` less any embedding in it) and
the rest (reading the question, scoring and composing the answer). The answers of the two
checkouts are compared text for text.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def worker(suites: list[str]) -> None:
    from assistant.answering.scope import out_of_scope_request
    from assistant.core.errors import QuestionError
    from assistant.core.models import Turn
    from assistant.engine import Assistant
    from assistant.retrieval.retriever import Retriever
    from evals.bench import load_questions
    from evals.suites import SUITES

    qs = [q for s in suites for q in load_questions(SUITES[s])
          if out_of_scope_request(q["question"]) is None]
    a = Assistant()
    acc = {"embed": 0.0, "retrieve": 0.0}
    embed, search = a.embedder.embed_query_vector, Retriever.search

    def timed_embed(text: str):  # type: ignore[no-untyped-def]
        t = time.perf_counter()
        try:
            return embed(text)
        finally:
            acc["embed"] += time.perf_counter() - t

    def timed_search(self, *args, **kw):  # type: ignore[no-untyped-def]
        t, e = time.perf_counter(), acc["embed"]
        try:
            return search(self, *args, **kw)
        finally:
            acc["retrieve"] += time.perf_counter() - t - (acc["embed"] - e)

    a.embedder.embed_query_vector = timed_embed  # type: ignore[method-assign]
    Retriever.search = timed_search  # type: ignore[method-assign]
    for _line in sys.stdin:
        rows = []
        for q in qs:
            acc["embed"] = acc["retrieve"] = 0.0
            t = time.perf_counter()
            try:
                ans = a.ask(q["question"], [Turn(**h) for h in q["history"]], mode="extractive")
            except QuestionError:
                continue
            rows.append({"ask": time.perf_counter() - t, **acc, "text": ans.answer})
        print(json.dumps(rows), flush=True)


def start(code: Path, suites: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(code.resolve()), PYTHONDONTWRITEBYTECODE="1")
    args = [sys.executable, __file__, "--worker", *[x for s in suites for x in ("--suite", s)]]
    return subprocess.Popen(args, cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)


def summary(rows: list[dict[str, float]]) -> str:
    col = {k: [r[k] * 1e3 for r in rows] for k in ("ask", "embed", "retrieve")}
    col["rest"] = [r["ask"] - r["embed"] - r["retrieve"] for r in rows]
    col["rest"] = [x * 1e3 for x in col["rest"]]
    parts = ", ".join(f"{k} p50 {statistics.median(v):.1f} mean {statistics.fmean(v):.1f}"
                      for k, v in col.items() if k != "ask")
    return (f"ask p50 {pct(col['ask'], 50):.1f} ms, p95 {pct(col['ask'], 95):.1f} ms, mean "
            f"{statistics.fmean(col['ask']):.1f} ({len(rows)} asks); {parts}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--a", type=Path)
    p.add_argument("--b", type=Path)
    p.add_argument("--rounds", type=int, default=6)
    p.add_argument("--suite", action="append")
    p.add_argument("--worker", action="store_true")
    args = p.parse_args()
    suites = args.suite or ["documents"]
    if args.worker:
        sys.path.insert(0, os.environ["PYTHONPATH"])
        return worker(suites)
    procs = {"A": start(args.a, suites), "B": start(args.b, suites)}
    rows: dict[str, list[dict[str, float]]] = {"A": [], "B": []}
    texts: dict[str, list[str]] = {}
    for r in range(args.rounds + 1):
        for name in ("A", "B") if r % 2 == 0 else ("B", "A"):
            proc = procs[name]
            assert proc.stdin and proc.stdout
            proc.stdin.write("go\n")
            proc.stdin.flush()
            got = json.loads(proc.stdout.readline())
            texts[name] = [g.pop("text") for g in got]
            if r:  # round 0 warms
                rows[name] += got
    for proc in procs.values():
        assert proc.stdin
        proc.stdin.close()
        proc.wait()
    for name, code in (("A", args.a), ("B", args.b)):
        print(f"{name} ({code}): {summary(rows[name])}")
    differ = [i for i, (x, y) in enumerate(zip(texts["A"], texts["B"], strict=True)) if x != y]
    print(f"answers that differ: {len(differ)} of {len(texts['A'])}")
    for i in differ[:5]:
        print(f"  #{i}\n  A: {texts['A'][i][:200]}\n  B: {texts['B'][i][:200]}")


if __name__ == "__main__":
    main()
