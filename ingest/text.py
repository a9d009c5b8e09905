"""Small text helpers shared by ingestion, retrieval and answering."""

from __future__ import annotations

import re
import threading
import unicodedata
from datetime import date
from functools import lru_cache
from typing import Any

WORD_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9%’'\-]*")

STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "else", "ever", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "may", "me", "might", "more", "most", "must", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "say", "said", "says", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "upon", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "would", "you", "your", "yours", "yourself", "yourselves", "tell", "show", "give", "list", "explain", "describe", "according", "document", "documents", "collection", "according", "kind", "sort", "way", "ways", "thing", "things", "anything", "something", "does", "one", "two", "please", "much", "many"]
)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def normalize_ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def fold(text: str) -> str:
    """Lower-case, unify quotes/dashes and collapse white space: for lenient comparisons."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = t.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    t = t.replace("–", "-").replace("—", "-")
    return normalize_ws(t)


def unquoted(text: str) -> str:
    """``fold`` without quotation marks: a sentence quoted in an answer (where its own quotation
    marks become single ones) still matches its source."""
    return re.sub(r"[\"']", "", fold(text))


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated compounds also yield their parts, and a word run into
    a number its letters ('COVID19' as 'Covid-19' is written without the hyphen)."""
    out: list[str] = []
    for m in WORD_RE.finditer(fold(text)):
        w = m.group(0).strip("'-’")
        if not w:
            continue
        out.append(w)
        if "-" in w:
            out.extend(p for p in w.split("-") if p)
        elif (joined := _RUN_ON.fullmatch(w)) is not None:
            out.append(joined.group(1))
    return out


_RUN_ON = re.compile(r"([a-z]{3,})\d{1,4}")


# Bump when tokenisation or stemming changes: stored BM25 vocabularies are in these terms.
ANALYZER_VERSION = 4  # 3: -ify verbs and -ification nouns share a stem; 4: 'covid19' -> 'covid'



_LOCAL = threading.local()


def _stemmer() -> Any:
    """This thread's stemmer: a Snowball stemmer keeps the word being stemmed in itself, so one
    shared by threads (a server answering several questions at once) mixes their words up."""
    found = getattr(_LOCAL, "stemmer", None)
    if found is None:
        import snowballstemmer

        found = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return found


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter2 (Snowball English) stem: 'misused'/'misuse', 'controlling'/'control' meet."""
    if word.endswith(("'s", "’s")) and word[:-2].isalpha():
        word = word[:-2]
    if not word.isalpha():
        return word  # figures, codes and hyphenated compounds stay as written
    out = str(_stemmer().stemWord(word))
    # Porter2 stems the -ify verbs to '-ifi' and their -ification nouns to '-if' ('identifying'
    # 'identifi', 'identification' 'identif'): one stem for both, so 'victim identification'
    # meets 'identifying victims'.
    return out[:-1] if out.endswith("ifi") else out


def content_terms(text: str) -> list[str]:
    return [stem(t) for t in tokenize(text) if t not in STOPWORDS and len(t) > 1]


def human_date(value: str) -> str:
    """'2022-02-15' -> '15 Feb 2022'; '2022-03' -> 'Mar 2022'; other strings unchanged."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
    if not m:
        return value
    y, mo, d = m.groups()
    if mo and d:
        return f"{int(d)} {_MONTHS[int(mo) - 1]} {y}"
    if mo:
        return f"{_MONTHS[int(mo) - 1]} {y}"
    return y


def long_date(value: str) -> str:
    """'2022-02-15' -> '15 February 2022', '2019-08' -> 'August 2019' (the form answers and
    briefs write out); other strings as human_date."""
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value.strip())
    if not m:
        return human_date(value)
    y, mo, d = m.groups()
    month = MONTHS[int(mo) - 1]
    return f"{int(d)} {month} {y}" if d else f"{month} {y}"


def parse_date_bound(value: str, upper: bool = False) -> date:
    """Turn '2022', '2022-03' or '2022-03-05' into a date (start or end of the period)."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", value.strip())
    if not m:
        raise ValueError(f"not a date: {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    y = int(m.group(1))
    mo = int(m.group(2)) if m.group(2) else (12 if upper else 1)
    if m.group(3):
        d = int(m.group(3))
    elif upper:
        import calendar

        d = calendar.monthrange(y, mo)[1]
    else:
        d = 1
    return date(y, mo, d)
