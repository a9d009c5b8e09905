"""A count the question gets wrong: 'the three threshold questions the brief lists' when the
quoted sentence says 'Two threshold questions must be considered'. The correction restates the
quoted count with the words it counts, so nothing in it is the engine's own."""

from __future__ import annotations

import re

from assistant.answering.catalogue import documents_asked
from assistant.answering.extractive.frame import source_label
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.question import Asked
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms

NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                "ten", "eleven", "twelve"]
_NUMBER = r"\b(\d{1,2}|" + "|".join(NUMBER_WORDS[1:]) + r")\b"
# A count and the (up to three) words after it: 'two threshold questions', '3 key areas'.
_COUNTED = re.compile(_NUMBER + r"((?:\s+[A-Za-z][\w-]*){1,3})", re.I)
# Not a count of things: '3 in 4', '75 per cent', '2 of the recommendations', 'one of them'.
_NOT_COUNT = re.compile(r"^\s+(?:in|out|of|per|percent|or|and|to|%)\b", re.I)
_RATIO = re.compile(r"\b(?:in|out\s+of)\s*$", re.I)  # the 4 of '3 in 4 victims'
LEADS = 2  # quoted excerpts checked, best first


def number_word(n: int) -> str:
    """3 -> 'three'; a number past the words, in digits ('14')."""
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def number_value(word: str) -> int:
    """'three' -> 3, '12' -> 12."""
    w = word.lower()
    return NUMBER_WORDS.index(w) if w in NUMBER_WORDS else int(w)


def counts(text: str) -> list[tuple[int, str, list[str]]]:
    """(count, the number as written, the words after it) of each count the text gives."""
    out = []
    for m in _COUNTED.finditer(text):
        if _NOT_COUNT.match(m.group(2)) or m.group(1).lower() == "one" or \
                _RATIO.search(text[: m.start()]):
            continue  # 'one' is as often 'one example' as a count
        words = m.group(2).split()
        out.append((number_value(m.group(1)), m.group(1), words))
    return out


def wrong_count(asked: Asked, quoted: list[ScoredSentence]) -> str | None:
    """The question counts something ('the three gateway questions') that a quoted excerpt
    counts differently, with a word in common among the words counted ('Two threshold
    questions'): the excerpt's count, in its own words."""
    said = counts(asked.corrected)
    if not said:
        return None
    asked_terms = {t for _, _, words in said for t in content_terms(" ".join(words))}
    for s in quoted[:LEADS]:
        for n, number, words in counts(s.text):
            shared = [i for i, w in enumerate(words) if set(content_terms(w)) & asked_terms]
            wrong = [asked_as for m, asked_as, _ in said if m != n]
            if shared and wrong and all(m != n for m, _, _ in said):
                counted = " ".join([number.lower(), *words[: shared[-1] + 1]])
                return f"The documents give {counted}, not {wrong[0]} (the quotation below)."
    return None


# a list written inline after its lead-in: '…key policy issues … arise…: prevention of harm…;
# monitoring content online; …; and the blocking of online platforms.'
_INLINE = re.compile(r"(?P<lead>[^:.;]{10,300}):\s*(?P<items>[^:]+;[^:]+;[^:]+)$")


def wrong_inline_count(asked: Asked, quoted: list[ScoredSentence]) -> str | None:
    """The question counts things ('three issues') that a quoted excerpt lists inline, items
    parted by semicolons, after a lead-in naming them ('a number of key policy issues…:'),
    as a different number: how many it lists, in the question's words."""
    for n, number, words in counts(asked.corrected):
        asked_terms = set(content_terms(" ".join(words)))
        for s in quoted[:LEADS]:
            m = _INLINE.search(s.text.rstrip(" .”\"’"))
            if m is None or not set(content_terms(m.group("lead"))) & asked_terms:
                continue
            items = [i for i in m.group("items").split(";") if i.strip()]
            if len(items) != n:
                return (f"The documents list {number_word(len(items))} {' '.join(words)}, not "
                        f"{number} (the quotation below).")
    return None


# a share in an excerpt and the words it is a share of: '18% of the tools identified'
_SHARE = re.compile(r"\b(\d{1,3}(?:\.\d+)?)\s*(?:%|per\s*cent\b|percent\b)((?:\s+[A-Za-z][\w-]*){1,4})",
                    re.I)


def count_for_share(asked: Asked, quoted: list[ScoredSentence]) -> str | None:
    """'just 18 apps and tools' when the quoted excerpt says 'only 18% of the tools': a count
    the question gives where the documents give that number as a share of the same things."""
    for n, number, words in counts(asked.corrected):
        asked_terms = set(content_terms(" ".join(words)))
        for s in quoted[:LEADS]:
            for m in _SHARE.finditer(s.text):
                after = m.group(2).split()
                shared = [i for i, w in enumerate(after) if set(content_terms(w)) & asked_terms]
                if float(m.group(1)) == n and shared:
                    share = m.group(0)[: m.start(2) - m.start()].strip()
                    counted = " ".join([share, *after[: shared[0] + 1]])
                    return (f"The documents give {counted}, a share, not {number} "
                            f"{' '.join(words)} (the quotation below).")
    return None


# a count of people quoted: 'the launch release quotes three officials', 'the two speakers'
_PEOPLE = re.compile(_NUMBER + r"\s+(?:\w+\s+)?(?:officials|speakers|people|persons|voices|"
                     r"representatives|figures|named\s+people)\b", re.I)
_QUOTING = re.compile(r"\b(?:quot\w*|spoke|speak\w*|said|remarks?|statements?)\b", re.I)


def wrong_people_count(asked: Asked, texts: list[str], people: dict[str, str]
                       ) -> tuple[int, str, list[str]] | None:
    """(how many, the question's count, who) of the people the documents asked about quote, when the question counts
    them otherwise ('the osce launch release quotes three officials - schmid, richey and one
    more'); ``texts`` are those documents' texts and ``people`` the collection's quoted people
    by surname."""
    m = _PEOPLE.search(asked.corrected)
    if m is None or not _QUOTING.search(asked.corrected):
        return None
    quoted = [name for name in people.values() if any(name in t for t in texts)]
    if quoted and number_value(m.group(1)) != len(quoted):
        return len(quoted), m.group(1), quoted
    return None


def people_count(asked: Asked, retriever: Retriever) -> str | None:
    """'the launch release quotes three officials' when it quotes two: who it does quote."""
    if not _PEOPLE.search(asked.corrected):
        return None  # the cheap test first: most questions count nobody
    docs = documents_asked(asked.corrected, retriever)
    if len(docs) == len(retriever.store.documents):
        return None  # no document named
    texts = [c.text for c in retriever.store.chunks if c.doc_id in docs]
    found = wrong_people_count(asked, texts, retriever.vocab.people)
    if found is None:
        return None
    n, said, who = found
    return (f"{source_label(retriever.store.meta(docs[0]))} quotes {number_word(n)} "
            f"{'person' if n == 1 else 'people'}, not {said}: {' and '.join(who)}.")
