"""A role the question gives a person the collection quotes: 'val richey is the osce secretary
general, isn't he?' when the documents call him the OSCE Special Representative for Combating
Trafficking and quote Helga Maria Schmid as Secretary General. The correction restates both
titles as the documents write them, nothing else."""

from __future__ import annotations

import re

from assistant.answering.question import Asked
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

_TITLES = (r"secretary[- ]general|representative|director|head|chair(?:man|woman|person)?|"
           r"president|minister|commissioner|co-?ordinator|envoy|rapporteur|spokes(?:man|woman|"
           r"person)|official|chief")
# '<surname> is the OSCE secretary general', '… , the OSCE's secretary general, …'
_GIVEN = re.compile(rf"^\W*(?:is|was|,|as)\s+(?:the\s+|a\s+|an\s+)?(?P<role>(?:[\w’'-]+\s+){{0,4}}?"
                    rf"(?:{_TITLES}))\b", re.I)


def wrong_role(asked: Asked, retriever: Retriever) -> str | None:
    """The question gives a quoted person a title another person quoted holds, and their own
    title in the documents is not that one."""
    q = asked.corrected
    runs = retriever.vocab.speaker_runs
    for surname, name in retriever.vocab.people.items():
        for mention in re.finditer(rf"\b{re.escape(surname)}\b", q, re.I):
            m = _GIVEN.search(q[mention.end():])
            if m is None:
                continue
            given = set(content_terms(m.group("role")))
            own = next((r for r in runs if r.endswith(name)), None)
            if own is None or given <= set(content_terms(own)):
                return None
            other = next((r for r in runs if not r.endswith(name)
                          and given <= set(content_terms(r))), None)
            if other is None:
                return None
            title = own[: -len(name)].strip()
            role = retriever.vocab.cased(m.group('role').strip())
            return (f"The documents call {name} the {title}, not the {role}; "
                    f"they quote {other} in that role.")
    return None
