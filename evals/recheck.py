"""Saved LLM answers checked again with the current checker (``eval --answers DIR --recheck``).

A local model takes 20–40 s a question on two cores, so a change to the checker must not mean
generating the answers again. The checker only reads the model's text and the passages it was
shown, so a saved answer can be checked again:

* with its draft (``Answer.draft``, saved since the draft was kept): the extractive answer to
  the same standalone question gives the passages the model was shown, in the same order, and
  the draft is checked against them exactly as at generation
  (:func:`~assistant.answering.llm.answerer.checked_answer`). When the extractive engine
  changed since, and its passages no longer hold the ones the answer cites, the answer is left
  as saved (counted in ``Rechecker.stale``);
* without a draft (answers saved before it was kept): the sentences shown, with their markers,
  are checked against the passages their citations name. A draft whose quotes were shown
  cannot be checked again, and is left as saved.

Refusals are left as they are: the model was not asked.
"""

from __future__ import annotations

from typing import Any

from assistant.answering.llm.answerer import checked_answer
from assistant.answering.llm.checked import build_answer, why_quoted
from assistant.core.enums import AnswerMode
from assistant.core.models import Answer, SearchResult


class Rechecker:
    """Checks saved answers again against an assistant's index and checker."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant
        self.rechecked = 0
        self.changed = 0
        self.stale = 0

    @property
    def threshold(self) -> float:
        return float(self.assistant.answer_config.support_threshold)

    def _quoted(self, ans: Answer) -> Answer:
        return self.assistant.answerer(AnswerMode.EXTRACTIVE).answer(
            ans.standalone_question, [], None, None)

    def __call__(self, ans: Answer) -> Answer:
        if ans.refused or (ans.draft is None and ans.mode is not AnswerMode.LLM):
            return ans
        new = self._from_draft(ans) if ans.draft is not None else self._from_sentences(ans)
        if new is None:
            self.stale += 1
            return ans
        new.timings_ms = dict(ans.timings_ms)
        self.rechecked += 1
        if new.answer != ans.answer or new.mode != ans.mode:
            self.changed += 1
        return new

    def _from_draft(self, ans: Answer) -> Answer | None:
        assert ans.draft is not None
        quoted = self._quoted(ans)
        shown = {c.chunk_id for c in quoted.citations}
        if quoted.refused or not {c.chunk_id for c in ans.citations} <= shown:
            return None
        return checked_answer(ans.question, ans.standalone_question, ans.draft, quoted,
                              self.assistant.retriever, self.threshold)

    def _from_sentences(self, ans: Answer) -> Answer | None:
        store = self.assistant.store
        cites = sorted(ans.citations, key=lambda c: c.marker)
        if any(c.chunk_id not in store.by_id for c in cites):
            return None
        results = [SearchResult(chunk=store.chunks[store.by_id[c.chunk_id]], score=0.0,
                                index=store.by_id[c.chunk_id]) for c in cites]
        number = {c.marker: i for i, c in enumerate(cites, start=1)}
        raw = " ".join(s.text + "".join(f"[{number[m]}]" for m in s.markers if m in number)
                       for s in ans.sentences)
        new = build_answer(ans.question, ans.standalone_question, raw, results,
                           self.assistant.retriever, self.threshold)
        if new is None:  # no sentence left to show: the quotes, as the engine would
            quoted = self._quoted(ans)
            if quoted.refused:
                return None
            new = quoted.model_copy(deep=True)
            new.question = ans.question
            new.notice = why_quoted(raw)
        else:
            new.notice = ans.notice
        return new
