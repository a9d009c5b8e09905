"""Titles a question names that the collection never mentions.

'The Guidelines on Respecting Human Rights in Responsible Supply Chains' is made of words the
collection knows one by one ('human', 'rights', 'supply', 'chain'), yet the collection never
mentions that document. A run of capitalised words is a name; when most of its adjacent word
pairs never occur next to each other anywhere in the collection, the collection does not know
the name and cannot answer about it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ingest.text import STOPWORDS, content_terms, stem

_WORD = re.compile(r"[A-Za-z][\w’'-]*")
_JOINERS = {"of", "on", "for", "the", "in", "to", "against"}  # not 'and': 'the OSCE and GRETA'…
MONTHS = frozenset(["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"])  # a date, not a name: checked against dates
KNOWN_SHARE = 0.5  # a name whose adjacent pairs the collection knows at least this often is known


def bigrams(texts: Iterable[str]) -> set[tuple[str, str]]:
    """Adjacent content-term pairs of ``texts`` (stop words skipped, as in the question)."""
    out: set[tuple[str, str]] = set()
    for text in texts:
        terms = content_terms(text)
        out.update(zip(terms, terms[1:], strict=False))
    return out


def title_runs(question: str) -> list[str]:
    """Runs of capitalised words, joined by small words ('Guide on Legislating for …'). The
    question's first word is skipped: it is capitalised as a sentence start."""
    runs: list[list[str]] = []
    cur: list[str] = []
    for n, m in enumerate(_WORD.finditer(question)):
        w = m.group(0)
        if n > 0 and w[0].isupper() and w.lower() not in STOPWORDS or cur and w.lower() in _JOINERS:
            cur.append(w)
        else:
            runs.append(cur)
            cur = []
    runs.append(cur)
    out = []
    for run in runs:
        while run and run[-1].lower() in _JOINERS:
            run.pop()
        if sum(1 for w in run if w.lower() not in _JOINERS) >= 2:
            out.append(" ".join(run))
    return out


def unknown_titles(question: str, known: set[tuple[str, str]]) -> list[str]:
    """Multi-word names in ``question`` whose word pairs the collection mostly never uses."""
    out: list[str] = []
    for run in title_runs(question) + lower_instruments(question):
        terms = content_terms(run)
        pairs = list(zip(terms, terms[1:], strict=False))
        if pairs and sum(p in known for p in pairs) / len(pairs) < KNOWN_SHARE:
            out.append(run)
    return out


# 'the digital services act', 'the eu modern slavery directive': an instrument typed in lower
# case (two words or more before its noun; 'the new act' names none)
_LOWER_INSTRUMENT = re.compile(r"\bthe\s+((?:[a-z][\w-]*\s+){2,5}?(?:act|convention|protocol|"
                               r"directive|treaty|bill|charter|declaration))\b")
_VAGUE = frozenset(["new", "proposed", "latest", "current", "recent", "draft", "relevant",
                    "existing", "former", "old", "upcoming", "planned", "national",
                    "international"])


_IN_NAMES = frozenset(["of", "on", "for", "and", "against"])  # 'the protection of children act'


# 'the so-called chat control', 'so called "safe harbour" rules': a name the user gives a thing
_SO_CALLED = re.compile(r"\bso[- ]called\s+[‘'\"“]?([a-z][\w-]*(?:\s+[a-z][\w-]*){0,2}?)[’'\"”]?"
                        r"(?=\s*(?:[-–—,;:?.!)]|$)|\s+(?:rules?|regime|law|approach|regulation|"
                        r"proposals?|model|principle)\b)", re.I)


def so_called(question: str) -> list[str]:
    """What the question calls 'so-called': 'the so-called chat control' -> 'chat control'."""
    return [m.group(1) for m in _SO_CALLED.finditer(question)]


def lower_instruments(question: str) -> list[str]:
    """Instruments named in lower case, without their vague adjectives ('the new digital
    services act' -> 'digital services act')."""
    out = []
    for m in _LOWER_INSTRUMENT.finditer(question):
        words = m.group(1).split()
        # a name runs on from its last function word: 'the countries signed up to [the coe]
        # trafficking convention' names 'trafficking convention', not 'countries … convention'
        cut = [i for i, w in enumerate(words) if w in STOPWORDS and w not in _IN_NAMES]
        words = [w for w in words[cut[-1] + 1 if cut else 0:] if w not in _VAGUE]
        if len(words) >= 3:
            out.append(" ".join(words))
    return out


_CAP_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of\s+|the\s+|for\s+)*[A-Z][a-z]+)+")


def initialisms(texts: Iterable[str]) -> dict[str, str]:
    """Initials of capitalised runs in ``texts``, each with its most frequent run: 'us' ->
    'United States', 'eu' -> 'European Union'. An abbreviation a question uses is known if the
    collection spells it out."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        for m in _CAP_RUN.finditer(text):
            run = re.sub(r"^(?:The|A|An|This|These|Its|Their)\s+", "", m.group(0))
            words = [w for w in run.split() if w[0].isupper()]
            if len(words) >= 2:
                seen.setdefault("".join(w[0] for w in words).lower(), Counter())[run] += 1
    return {k: c.most_common(1)[0][0] for k, c in seen.items()}


_CAPITALISED = re.compile(r"(?<![\w’'])[A-Z][A-Za-z0-9’'\-]*")


def unknown_names(question: str, known: set[str]) -> list[str]:
    """Capitalised words of the question (names, titles, places) that the collection never uses.

    A question about 'Brazil' or 'the Global Guide' cannot be answered from documents that never
    mention them. The first word is skipped (sentence case), as are words the collection knows
    in any case, and a compound whose parts it knows ('Safety-by-design': 'by' is a stop word)."""
    out: list[str] = []
    for m in _CAPITALISED.finditer(question):
        if m.start() == len(question) - len(question.lstrip()):
            continue
        word = re.sub(r"['’]s$", "", m.group(0)).strip("’'-")
        low = word.lower()
        if low in STOPWORDS or low in MONTHS or len(low) < 2:
            continue
        parts = [p for p in re.split(r"[-’']", low) if p]
        if all(p in STOPWORDS or stem(p) in known or p in known for p in parts):
            continue
        out.append(word)
    return out


# 'OSCE Secretary General Helga Maria Schmid stated…', '…, said the OSCE Special Representative
# for Combating Trafficking Val Richey.'
_PERSON_RUN = r"(?:[A-Z]{2,}\s+)?[A-Z][a-z]+(?:\s+(?:for|of|on|[A-Z][a-z]+))*\s+[A-Z][a-z]+"
_SPOKE = re.compile(rf"({_PERSON_RUN})\s+(?:stated|said|told|added|noted|warned)\b|"
                    rf"\b(?:said|stated|added|noted|warned)\s+(?:the\s+)?({_PERSON_RUN})")


def speakers(text: str) -> Iterator[str]:
    """The title-and-name run of each speaker the text quotes, in order."""
    for m in _SPOKE.finditer(text):
        yield m.group(1) or m.group(2)


def people_quoted(texts: Iterable[str]) -> dict[str, str]:
    """The people the texts quote, by surname (lower case) -> name: the last words of a
    speaker's title run that the texts never write in lower case ('Helga Maria Schmid' after
    'OSCE Secretary General', 'Val Richey' after '… for Combating Trafficking'), two or three."""
    texts = list(texts)
    common = {w for t in texts for w in re.findall(r"\b[a-z][a-z-]+\b", t)}
    out: dict[str, str] = {}
    for text in texts:
        for run in speakers(text):
            name: list[str] = []
            for w in reversed(run.split()):
                if w.lower() in common or w.isupper() or len(name) == 3:
                    break
                name.insert(0, w)
            if len(name) >= 2:
                out.setdefault(name[-1].lower(), " ".join(name))
    return out


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Lower-cased names of the world's countries (pycountry's ISO 3166 list, shipped inside
    the package): a user writes 'germany' in lower case, and it is still a name."""
    import pycountry  # deferred: only questions that reach the name check need it

    names: set[str] = set()
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                names.update(short_names(value.lower()))
    return frozenset(names)


def short_names(name: str) -> list[str]:
    """The names a user writes for an ISO name: 'korea, republic of' -> 'korea'; 'russian
    federation' -> 'russia' too, and 'syrian arab republic' -> 'syria'."""
    if "," in name:
        return [name.split(",")[0]]
    words = name.split()
    if len(words) > 1 and words[0].endswith("ian") and words[-1] in ("federation", "republic"):
        return [name, words[0][:-1]]
    return [name]


def demonyms(country: str) -> list[str]:
    """Adjectives a user writes for a one-word country ('russian law', 'german police',
    'brazilian courts'): the regular English endings, not a list of every nation."""
    if " " in country:
        return []
    forms = [country + "n", country + "ian"]
    if country.endswith("y"):
        forms.append(country[:-1])  # germany -> german, italy -> ital(ian) below
        forms.append(country[:-1] + "ian")
    if country.endswith(("a", "e", "o")):
        forms.append(country[:-1] + "ian")  # canada -> canadian
        forms.append(country[:-1] + "an")  # mexico -> mexican
    return forms


@lru_cache(maxsize=4)
def _place_patterns(countries: frozenset[str]) -> list[tuple[str, list[tuple[str, re.Pattern[str]]]]]:
    """Each country (longest first) with its forms' compiled patterns. Compiled once: the
    thousand-odd patterns overflow ``re``'s own cache, and recompiling them cost about 60 ms
    a question."""
    # A name may carry a possessive typed without its apostrophe ('canadas government').
    return [(n, [(form, re.compile(rf"(?<![\w-]){re.escape(form)}{'s?' if form == n or form.endswith('an') else ''}"
                                   r"(?![\w-])"))
                 for form in [n, *demonyms(n), *_SHORT_FORMS.get(n, [])]])
            for n in sorted(countries, key=len, reverse=True)]


# What users type for a country that ISO 3166 names otherwise ('the uk's referral mechanism',
# 'british police', 'in the usa'); 'us' is left out, being also the pronoun.
_SHORT_FORMS = {"united kingdom": ["uk", "u.k.", "britain", "great britain", "british", "england",
                                   "scotland", "wales"],
                "united states": ["usa", "u.s.a.", "u.s.", "america", "american"],
                "united arab emirates": ["uae"], "netherlands": ["dutch", "holland"],
                "france": ["french"], "spain": ["spanish"], "switzerland": ["swiss"],
                "sweden": ["swedish"], "denmark": ["danish"], "finland": ["finnish"],
                "ireland": ["irish"], "greece": ["greek"], "thailand": ["thai"],
                "china": ["chinese"], "japan": ["japanese"], "portugal": ["portuguese"],
                "norway": ["norwegian"], "philippines": ["filipino"], "viet nam": ["vietnam",
                                                                               "vietnamese"]}


def places_in(question: str, countries: frozenset[str]) -> list[tuple[str, str]]:
    """Countries the question names, in any letter case, or by their adjective: (country,
    the words used)."""
    low = question.lower()
    found: list[tuple[str, str]] = []
    for n, forms in _place_patterns(countries):
        for form, pattern in forms:
            # the substring test is a cheap necessary condition for the pattern
            if form in low and pattern.search(low):
                found.append((n, form))
                break
    return found


# a law's name: 'online safety act' (not the verb: 'should the uk act on this?'), 'law'
_LAW = (r"(?:(?:[\w-]+\s+){1,4}?acts?\b(?!\s+(?:on|to|now|against|quickly|fast|soon|first|"
        r"alone|together|swiftly)\b)|(?:[\w-]+\s+){0,4}?(?:law|bill|code|directive|regulation|"
        r"statute)s?\b)")


def owned_law(place: str, question: str) -> bool:
    """Whether the question names a law as ``place``'s: 'under the uk online safety act',
    'the uk's online safety act', 'the online safety act in the uk', 'under uk law'."""
    p = re.escape(place.lower())
    return bool(re.search(rf"\b{p}(?:['’]s)?\s+{_LAW}|\b(?:act|law|bill|code)\s+(?:in|of)\s+"
                          rf"(?:the\s+)?{p}\b", question.lower()))
