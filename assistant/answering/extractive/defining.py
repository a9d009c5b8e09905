"""Questions asking what a term means: 'what is the definition of technology-facilitated
trafficking?', 'what does the brief mean by X?', 'how is X defined?'. The answer is the sentence
that defines it ("'Technology-facilitated trafficking' is understood for the purposes of this
report as…"), wherever it stands (often a footnote a search on the term's words ranks low), not
the sentences that use the word 'definition'."""

from __future__ import annotations

import re

from assistant.answering.extractive.scoring import ScoredSentence, leading, with_passages
from assistant.core.models import SearchResult
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

_ASKS = re.compile(r"(?:^\s*|\b(?:what(?:'s|’s|\s+is|\s+are)|give\s+me|is\s+there|any|"
                   r"how\s+do\s+they\s+phrase)\s+)(?:the\s+|a\s+|an\s+|its\s+|their\s+)?"
                   r"(?:[\w’'-]+\s+){0,2}?(?:definition|definitions)\s+of\s+(?P<a>[^?,;]+)"
                   r"|\bwhat\s+(?:is|are)\s+meant\s+by\s+(?P<b>[^?,;]+)"
                   r"|\bhow\s+(?:is|are|do\s+they|does\s+it)\s+(?P<c>[^?,;]+?)\s+defined\b"
                   r"|\bwhat\s+(?:does|do)\s+(?:\w+\s+){0,3}?mean\s+by\s+(?P<d>[^?,;]+)"
                   r"|\bwhat\s+counts\s+as\s+(?P<e>[^?,;]+)", re.I)
_DEFINES = re.compile(r"\b(?:is|are)\s+(?:understood|defined|taken\s+to\s+mean)\b|\brefers?\s+to\b"
                      r"|\bis\s+used\s+to\s+mean\b|\bmeans\b|\bdefined\s+as\b|\boccurs\s+when\b", re.I)


# 'what is the budapest convention?': a name the documents give another its alias in brackets
# ('the Council of Europe Convention on Cybercrime (the Budapest Convention)')
_WHAT_IS = re.compile(r"^\W*what(?:'s|’s|\s+is|\s+are)\s+(?:the\s+|an?\s+)?(?P<x>[\w’'-]+(?:\s+[\w’'-]+)"
                      r"{0,4}?)(?:\s+about)?\s*\??\s*$", re.I)


def alias_pattern(question: str) -> re.Pattern[str] | None:
    """The bracketed alias, in a sentence, of the name a 'what is X?' question asks about."""
    m = _WHAT_IS.match(question)
    if m is None:
        return None
    name = r"\s+".join(re.escape(w) for w in m.group("x").split())
    return re.compile(rf"\((?:the\s+|also\s+known\s+as\s+(?:the\s+)?)?[‘'“\"]?{name}[’'”\"]?\)",
                      re.I)


def defined_term(question: str) -> list[str] | None:
    """The content terms of the term a question asks the meaning of, in order, or None."""
    m = _ASKS.search(question)
    if m is None:
        return None
    term = next(g for g in m.groups() if g)
    terms = content_terms(re.sub(r"\s*\([^)]*\)\s*$", "", term))
    return list(dict.fromkeys(terms)) or None


def _defines(text: str, terms: list[str]) -> bool:
    """A defining sentence that names the term: its head word and most of its words ('tech'
    for the collection's 'technology' aside)."""
    if not _DEFINES.search(text):
        return False
    have = set(content_terms(text))
    return terms[-1] in have and 2 * len(have.intersection(terms)) >= len(terms)


def with_defining(question: str, results: list[SearchResult], retriever: Retriever
                  ) -> list[SearchResult]:
    """``results``, and the passages holding a sentence that defines the term asked about."""
    terms = defined_term(question)
    if terms is None:
        alias = alias_pattern(question)
        return results if alias is None else \
            with_passages(results, retriever, lambda c: bool(alias.search(c.text)))
    return with_passages(results, retriever,
                         lambda c: any(_defines(c.text[a:b], terms) for a, b in c.sentences))


def lift_defining(scored: list[ScoredSentence], question: str) -> list[ScoredSentence]:
    """The sentences defining the term asked about lead the answer."""
    terms = defined_term(question)
    if not scored:
        return scored
    if terms is None:  # or the sentence giving the name asked about as another's alias
        alias = alias_pattern(question)
        return scored if alias is None else \
            leading(scored, [s for s in scored if alias.search(s.text)])
    return leading(scored, [s for s in scored if _defines(s.text, terms)])
