"""Sub-questions of a topic: facets built offline from the headings and key phrases where its
evidence sits, or questions a configured language model proposes."""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict

from langchain_core.messages import HumanMessage

from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.llm.models import build_chat_model
from assistant.briefs.evidence import Evidence
from assistant.core.prompts import load_prompt
from assistant.engine import Assistant
from ingest.text import STOPWORDS, content_terms, fold, stem

log = logging.getLogger(__name__)

HEADING_FACETS = 3
TERM_FACETS = 2


def _display_heading(h: str) -> str:
    return h.capitalize() if h.isupper() else h


# Words too generic to name a facet of a topic (on top of the retrieval stopwords).
_GENERIC = frozenset({
    "across", "among", "based", "become", "becoming", "being", "current", "currently",
    "different", "ensure", "example", "given", "including", "increasingly", "make", "made",
    "need", "needed", "needs", "often", "order", "part", "provide", "provided", "result",
    "resulted", "results", "step", "steps", "take", "taken", "taking", "used", "uses", "using",
    "well", "whether", "lack", "lacking", "develop", "developed", "developing",
})


def _phrases(text: str) -> set[str]:
    """Stemmed two-word phrases of a text that do not cross punctuation."""
    out: set[str] = set()
    for clause in re.split(r"[.,;:!?()\[\]“”\"]|\s[–—-]\s", fold(text)):
        toks = re.findall(r"[a-z][a-z\-]+", clause)
        for a, b in zip(toks, toks[1:], strict=False):
            if any(t in STOPWORDS or t in _GENERIC or len(t) < 4 for t in (a, b)):
                continue
            out.add(f"{stem(a)} {stem(b)}")
    return out


def topic_evidence(ev: Evidence, topic: str) -> list[ScoredSentence]:
    """Every sentence that meets the evidence threshold for the topic (the brief's pool)."""
    qvec = ev.embed(topic)
    results = ev.search(topic, qvec, k=ev.candidate_k)
    return [s for s in ev.scorer.score(topic, qvec, results) if s.score >= ev.threshold]


def facets(topic: str, relevant: list[ScoredSentence]) -> list[tuple[str, list[ScoredSentence]]]:
    """Facets of a topic, each with its share of the topic's evidence (best first): the section
    headings under which that evidence sits, then key phrases found in more than one of its
    passages. Deterministic and offline."""
    title = topic[:1].upper() + topic[1:]
    by_head: dict[str, list[ScoredSentence]] = defaultdict(list)
    for s in relevant:
        if s.result.chunk.locator.section:
            by_head[s.result.chunk.locator.section].append(s)
    heads = sorted(by_head, key=lambda h: -sum(s.score for s in by_head[h]))[:HEADING_FACETS]
    out = [(f"{title} — {_display_heading(h)}", by_head[h]) for h in heads]
    taken = set(content_terms(topic)) | {t for h in heads for t in content_terms(h)}
    by_phrase: dict[str, list[ScoredSentence]] = defaultdict(list)
    surface: dict[str, Counter[str]] = defaultdict(Counter)
    for s in relevant:
        words = re.findall(r"[a-z][a-z\-]+", fold(s.text))
        for p in _phrases(s.text):
            if set(p.split()) & taken:
                continue
            by_phrase[p].append(s)
            for a, b in zip(words, words[1:], strict=False):
                if f"{stem(a)} {stem(b)}" == p:
                    surface[p][f"{a} {b}"] += 1
    spread = {p: len({s.result.index for s in ss}) for p, ss in by_phrase.items()}
    phrases = sorted((p for p in by_phrase if spread[p] >= 2),
                     key=lambda p: (-spread[p], -sum(s.score for s in by_phrase[p]), p))
    for p in phrases[:TERM_FACETS]:
        term = surface[p].most_common(1)[0][0] if surface[p] else p
        out.append((f"{title} and {term}", by_phrase[p]))
    return out


def llm_subquestions(assistant: Assistant, topic: str, n: int = 4) -> list[str] | None:
    """Sub-questions proposed by the configured LLM; None when none is configured or it fails
    (the caller then uses :func:`facets`)."""
    if not assistant.llm_config.enabled:
        return None
    prompt = load_prompt("brief_subquestions").render(n=n, topic=topic)
    try:
        reply = build_chat_model(assistant.llm_config).invoke([HumanMessage(prompt)])
        lines = [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s*", "", ln).strip()
                 for ln in str(reply.content).splitlines()]
        out = [ln for ln in lines if 3 <= len(ln) <= assistant.settings.max_question_chars][:n]
        return out or None
    except Exception as exc:  # noqa: BLE001 - any model failure falls back to the offline facets
        log.warning("LLM sub-questions unavailable (%s); using the offline decomposition", exc)
        return None
