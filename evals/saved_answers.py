"""Answers saved to disk, so a slow evaluation (a local LLM takes 20–40 s a question on two
cores) is generated once and scored again later, or resumed after an interruption.

``eval --answers DIR`` wraps the :class:`~assistant.engine.Assistant` in a
:class:`ReplayingAssistant`: each ``ask`` is looked up in ``DIR/<suite>/<mode>/`` by the
question, the conversation before it and the answer mode; a saved answer is returned as it
was, any other is asked for real and saved at once (one JSON file per answer, written
atomically), so an interrupted run loses only the answer in progress. The wall time of the
real call is saved with the answer (``timings_ms["wall"]``) and replaces the runner's own
timing on replay, so latency figures stay those of the generation.

:func:`llm_figures` adds what only the LLM answerer has: time to the first token, sentences
shown ``(unverified)``, sentences the checker rejected but the answer shows as fact (must be
0), answers where the quoted evidence was shown instead, and fallbacks to the extractive engine.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.answering.llm.checked import UNVERIFIED
from assistant.core.models import Answer, SearchFilters, Turn
from evals import metrics as M

WALL = "wall"  # the key of the saved wall time in Answer.timings_ms
FALLBACK = "The language model is unavailable"  # the engine's notice when it fell back


def answer_key(question: str, history: list[Turn], mode: str) -> str:
    """A stable name for one question asked after one conversation in one mode."""
    convo = [[t.role, t.content] for t in history]
    blob = json.dumps([mode, question, convo], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


class SavedAnswers:
    """The answer files of one suite: ``<folder>/<suite>/<mode>/<key>.json``."""

    def __init__(self, folder: Path, suite: str) -> None:
        self.folder = Path(folder) / suite

    def path(self, key: str, mode: str) -> Path:
        return self.folder / mode / f"{key}.json"

    def load(self, key: str, mode: str) -> Answer | None:
        try:
            data = json.loads(self.path(key, mode).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return Answer.model_validate(data["answer"])

    def save(self, key: str, mode: str, question: str, history: list[Turn], ans: Answer) -> None:
        path = self.path(key, mode)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"question": question, "history": [t.content for t in history], "mode": mode,
                "answer": ans.model_dump(mode="json")}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)

    def all(self, mode: str) -> list[dict[str, Any]]:
        """Every saved answer of ``mode`` (question, history, answer), in file-name order."""
        out = []
        for p in sorted((self.folder / mode).glob("*.json")):
            out.append(json.loads(p.read_text(encoding="utf-8")))
        return out


class ReplayingAssistant:
    """The assistant, with ``ask`` answered from :class:`SavedAnswers` when it can be."""

    def __init__(self, assistant: Any, saved: SavedAnswers,
                 recheck: Callable[[Answer], Answer] | None = None) -> None:
        self._inner = assistant
        self.saved = saved
        self.recheck = recheck  # saved answers checked again (evals.recheck), never re-saved
        self.generated = 0
        self.replayed = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def ask(self, question: str, history: list[Turn] | None = None,
            filters: SearchFilters | None = None, mode: Any = None, k: int | None = None
            ) -> Answer:
        history = history or []
        mode_name = str(mode or self._inner.settings.answerer)
        key = answer_key(question, history, mode_name)
        if filters is None and k is None:
            saved = self.saved.load(key, mode_name)
            if saved is not None:
                self.replayed += 1
                return self.recheck(saved) if self.recheck is not None else saved
        t0 = time.perf_counter()
        ans: Answer = self._inner.ask(question, history=history, filters=filters, mode=mode, k=k)
        ans.timings_ms[WALL] = round((time.perf_counter() - t0) * 1e3, 2)
        if filters is None and k is None:
            self.saved.save(key, mode_name, question, history, ans)
        self.generated += 1
        return ans


def use_saved_timings(result: Any, answers: dict[str, Answer]) -> None:
    """Each case's latency from its saved wall time (replayed answers take no time)."""
    for res in result.cases:
        ans = answers.get(res.id)
        if ans is not None and WALL in ans.timings_ms:
            res.latency_ms = ans.timings_ms[WALL]
    lat = [r.latency_ms for r in result.cases]
    result.metrics["latency_p50_ms"] = _pct(lat, 50)
    result.metrics["latency_p95_ms"] = _pct(lat, 95)


def _pct(values: list[float], q: float) -> float | None:
    v = M.percentile(values, q)
    return None if v is None else round(v, 1)


def shown_as_fact_unsupported(ans: Answer) -> int:
    """Sentences the checker rejected that the answer text shows without ``(unverified)``."""
    return sum(1 for s in ans.sentences
               if not s.supported and f"{UNVERIFIED} {s.text}" not in ans.answer)


def llm_figures(results: list[Any], answers: dict[str, Answer]) -> dict[str, float | int | None]:
    """The LLM answerer's own figures over one suite's cases."""
    got = [answers[r.id] for r in results if r.id in answers]
    llm = [a for a in got if str(a.mode) == "llm" and not a.refused]
    first = [a.timings_ms["first_token"] for a in got if "first_token" in a.timings_ms]
    total = [a.timings_ms["total"] for a in got if "first_token" in a.timings_ms]
    return {
        "llm_answers": len(llm),
        "sentences_generated": sum(len(a.sentences) for a in llm),
        "unverified_sentences": sum(sum(not s.supported for s in a.sentences) for a in llm),
        "unsupported_shown_as_fact": sum(shown_as_fact_unsupported(a) for a in got),
        "quotes_shown_instead": sum(1 for a in got if str(a.mode) != "llm" and a.notice
                                    and "quoted evidence is shown instead" in a.notice),
        "fallbacks": sum(1 for a in got if a.notice and a.notice.startswith(FALLBACK)),
        "first_token_p50_ms": _pct(first, 50),
        "first_token_p95_ms": _pct(first, 95),
        "generated_total_p50_ms": _pct(total, 50),
        "generated_total_p95_ms": _pct(total, 95),
    }
