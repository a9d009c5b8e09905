"""Follow-ups that point into the conversation, made standalone before they are searched.

* 'What's the catch with the second one?' -> the second item of the previous answer: a named
  thing in brackets ('(the Budapest Convention)'), a 'First… Second…' sentence, or a list item.
* 'And the OSCE's?' -> the previous question, asked of the OSCE instead.
* Anything else goes to :func:`~assistant.answering.condense.condense` (key terms carried over).
"""

from __future__ import annotations

import re

from assistant.answering.catalogue import Catalogue, asks
from assistant.answering.condense import condense, person, stance, without_interjection
from assistant.answering.ellipsis import elliptic
from assistant.answering.series import asked_count, asked_nouns, led_in, numbered, running
from assistant.core.models import Turn
from assistant.retrieval.institutions import Institutions

_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "former": 1,
             "latter": -1, "last": -1}
_POINTER = re.compile(r"\bthe (first|second|third|fourth|fifth|former|latter|last)"
                      r"(?: of (?:those|them|these)\b|(?P<who> (?:speaker|person|official)\b)|"
                      r"(?: one| item| point| thing| bullet| entry| of the \w+)?"
                      r"(?=\s*[,?.!:;–—]|\s+-\s|\s*$| one\b))",
                      re.I)
_NAMED = re.compile(r"\((?:the |also known as (?:the )?)?[‘'\"“]?([A-Z][\w-]*(?: [A-Za-z][\w-]*){1,5}"
                    r")[’'\"”]?\)")
_MARKED = re.compile(r"\b(First|Second|Third|Fourth|Fifth|Finally)\b[,:]?\s*")
# People quoted: 'Secretary General Helga Maria Schmid stated…', '…, said the OSCE Special
# Representative for Combating Trafficking Val Richey.'
_RUN = r"[A-Z][a-z]+(?:\s+(?:for|of|on|[A-Z][a-z]+))*\s+[A-Z][a-z]+"
_SPEAKER = re.compile(rf"({_RUN})\s+(?:stated|said|says|told|added|noted|warned)\b|"
                      rf"\b(?:said|stated|added|noted|warned)\s+(?:the\s+)?(?:[A-Z]{{2,}}\s+)?({_RUN})")
# 'A primary example of self-regulation is…' … 'A second example of self-regulation has been…'
_NTH = {"first": 1, "primary": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5}
_NTH_NOUN = re.compile(r"\b(?:A|An|The)\s+(first|primary|second|third|fourth|fifth)\s+"
                       r"([a-z]+)\s+(?:of|to|for|in)\b[^.;]*")
_ITEM = re.compile(r"^\s*(?:[^“\n]{0,60}:\s*)?[“\"]?([-•*]|\(?[a-z0-9]{1,3}[.)])\s+(.+)$", re.M)
_ROMAN = re.compile(r"\(?[ivx]{1,4}[.)]$")
_SWAP = re.compile(r"^\s*(?:and|what about|how about|and what about|now|ditto|likewise|"
                   r"same(?: question| thing| again)?)\b(?:\s+for\b)?", re.I)
ITEM_WORDS = 18  # words of a marked or listed item carried into the question


def _clip(text: str) -> str:
    text = re.sub(r"(?:^|\s)[-–]\s.*?\s[-–]\s", " ", text)  # an aside between dashes
    text = re.sub(r"^(?:is|are)\s+", "", text.strip())
    text = re.split(r"(?<=[.;])[”\"’]?\s", text.strip(), maxsplit=1)[0]
    return " ".join(text.split()[:ITEM_WORDS]).rstrip(".;,”\"’")


def _nth_items(answer: str) -> tuple[int, list[str]]:
    """Where the first run of 'A primary example of X… A second example of X…' sentences
    starts, and its items in order (one noun, ordinals from 1 with no gap); (-1, []) if none."""
    runs: dict[str, dict[int, re.Match[str]]] = {}
    for m in _NTH_NOUN.finditer(answer):
        runs.setdefault(m.group(2), {}).setdefault(_NTH[m.group(1).lower()], m)
    found = [r for r in runs.values() if len(r) >= 2 and sorted(r) == list(range(1, len(r) + 1))]
    if not found:
        return -1, []
    run = min(found, key=lambda r: r[1].start())
    return run[1].start(), [_clip(run[n].group(0)) for n in sorted(run)]


def quoted_people(answer: str) -> list[str]:
    """The people an answer quotes, in order ('the second speaker')."""
    return list(dict.fromkeys(m.group(1) or m.group(2) for m in _SPEAKER.finditer(answer)))


def items(answer: str) -> list[str]:
    """The things an answer enumerates, in order: named things in brackets, 'First… Second…'
    items or 'A primary example… A second example…' sentences (whichever run the answer
    quotes first), the people it quotes, or list items."""
    named = [m.group(1) for m in _NAMED.finditer(answer)]
    if len(named) >= 2:
        return named
    marked = list(_MARKED.finditer(answer))
    firsts = [n for n, m in enumerate(marked) if m.group(1) == "First"]
    if firsts:  # a 'Finally…' quoted before the 'First… Second…' run is not its first item
        marked = marked[firsts[0]:]
    at, nth = _nth_items(answer)
    if nth and (len(marked) < 2 or at < marked[0].start()):
        return nth
    if len(marked) >= 2:
        ends = [m.start() for m in marked[1:]] + [len(answer)]
        return [_clip(answer[m.end() : e]) for m, e in zip(marked, ends, strict=True)]
    speakers = quoted_people(answer)
    if len(speakers) >= 2:
        return speakers
    listed = _listed(answer)
    return listed if len(listed) >= 2 else []


def _level(marker: str) -> str:
    """A list marker's kind: a bullet, a number, a roman numeral or a letter."""
    if marker in "-•*":
        return "bullet"
    if any(c.isdigit() for c in marker):
        return "number"
    return "roman" if _ROMAN.match(marker) else "letter"


def _listed(answer: str) -> list[str]:
    """The items of the answer's first list level with several items ('a. Strong prevention
    measures including: i. … ii. … iii. …' -> the three roman items, not the letter above)."""
    levels: dict[str, list[str]] = {}
    for m in _ITEM.finditer(answer):
        levels.setdefault(_level(m.group(1)), []).append(_clip(m.group(2)))
    return next((found for found in levels.values() if len(found) >= 2), [])


def _people(answers: list[str]) -> list[str]:
    """The people 'the second speaker' counts among: those of the latest answer that quotes
    several ('what about the first speaker?' after an answer on the second one)."""
    lists = [quoted_people(a) for a in reversed(answers)]
    return next((p for p in lists if len(p) >= 2), lists[0])


def _counted(answer: str, users: list[str], n: int) -> list[str]:
    """What 'the third one' counts among: the answer's enumeration with as many items as the
    question before asked for ('what three aims…'), else one with n items or more: its listed
    items, the items it numbers in a sentence ('1) X; and 2) Y') or names in a series ('to
    establish X, promote Y, and encourage Z'; 'including: X; Y; and Z'); of several, the one
    led in by what the question before asked for ('shortcomings… including: …')."""
    listed = items(answer)
    found = [c for c in [listed, numbered(answer), *running(answer)] if c]
    count = asked_count(users[-1]) if users else None
    fit = [c for c in found if (len(c) == count if count is not None else n <= len(c))]
    if not fit:
        return [] if count is not None else listed
    nouns = asked_nouns(users[-1]) if users else []
    return next((c for c in fit if led_in(answer, c[0], nouns)), fit[0])


def _pointed(question: str, answers: list[str], users: list[str], names: list[str]
             ) -> str | None:
    m = _POINTER.search(question)
    if not m or not answers:
        return None
    n = _ORDINALS[m.group(1).lower()]
    end = m.end() + (4 if question[m.end() : m.end() + 4] == " one" else 0)
    if not m.group("who") and \
            (step := _nth_of_asked(answers[-1], users, m.group(1).lower(), names)) is not None:
        return f"{question[: m.start()]}{step}{question[end:]}"
    found = _people(answers) if m.group("who") else _counted(answers[-1], users, n)
    if not found or n > len(found):
        return None
    item = found[n - 1] if n > 0 else found[-1]
    return f"{question[: m.start()]}{item}{question[end:]}"


_ORDINAL_NOUN = re.compile(r"\bthe\s+(first|second|third|fourth|fifth|last)\s+([a-z]{4,})\b", re.I)


def _nth_of_asked(answer: str, users: list[str], ordinal: str, names: list[str]) -> str | None:
    """'The second one' after 'what steps does Equality Now set out…?' answered with '… is a
    first step': the second step, of the institutions asked before (the document goes on with
    '… is a second step', which the answer before may not have quoted)."""
    if not users:
        return None
    # 'and the last one?' after 'what's the first recommendation?': the last recommendation
    if (m := _ORDINAL_NOUN.search(users[-1])) is not None and m.group(1).lower() != ordinal:
        return f"the {ordinal} {m.group(2).lower()}" + (f" ({', '.join(names)})" if names else "")
    if ordinal not in _NTH:
        return None
    for noun in asked_nouns(users[-1]):
        one = noun[:-1]  # 'steps' -> 'step'
        if re.search(rf"\b(?:a|an|the)\s+{ordinal}\s+{re.escape(one)}\b", answer, re.I):
            return None  # the answer quotes it: read from there (:func:`_nth_items`)
        if re.search(rf"\b(?:a|an|the)\s+(?:first|primary)\s+{re.escape(one)}\b", answer, re.I):
            return f"the {ordinal} {one}" + (f" ({', '.join(names)})" if names else "")
    return None


def _swapped(question: str, users: list[str], institutions: Institutions) -> str | None:
    """'And the OSCE's?' ('does GRETA agree?') after 'which age group does EqNow single
    out?': the question before, asked of the institution now named."""
    now = institutions.mentions(question)
    if not users or not now or not (_SWAP.match(question) or stance(question)):
        return None
    rest = question[: now[0][1]] + question[now[-1][2] :]
    if len(re.findall(r"[A-Za-z]{4,}", rest)) > 2:
        return None  # 'and what does the OSCE recommend on X?' asks something new
    before = users[-1]
    old = institutions.mentions(before)
    if {n for n, _, _ in now} <= {n for n, _, _ in old} or person(question):
        return None  # 'and what did she say the OSCE brings to it?' asks on, of the same
    said = question[now[0][1] : now[0][2]]
    said = re.sub(r"[’']s$", "", said)
    if question[: now[0][1]].lower().endswith("the "):
        said = "the " + said  # 'and the OSCE's?
    if not old:
        return f"{before.rstrip(' ?')} according to {said}?"
    out = before
    for _, a, b in sorted(old, key=lambda x: -x[1]):
        if said.startswith("the ") and out[:a].lower().endswith("the "):
            a -= 4
        out = out[:a] + said + out[b:]
    return out


def standalone(question: str, history: list[Turn], institutions: Institutions) -> str:
    """The question as it would be asked with no conversation before it."""
    if not history:
        return question
    question = without_interjection(question)  # 'ok, and equality now?'
    answers = [t.content for t in history if t.role == "assistant"]
    users = [t.content for t in history if t.role == "user"]
    names = [n for n, _, _ in institutions.mentions(users[-1])] if users else []
    if answers and (dated := _document_pointed(question, answers[-1])) is not None:
        return dated  # 'when was that published?': the document the answer before quoted
    pointed = _pointed(question, answers, users, names)
    if pointed is not None:
        return pointed
    before = _before(history, institutions)
    swapped = _swapped(question, [*users[:-1], before] if before else users, institutions)
    if swapped is not None:
        return swapped
    if not institutions.mentions(question) and \
            (changed := elliptic(question, before or users[-1])) is not None:
        return changed  # 'and from tech companies?' after '… want from the UN?'
    return condense(question, history, pointing=bool(_POINTER.search(question)), before=before)


# 'that', 'it', 'this one' pointing at what the answer before quoted
_THAT = re.compile(r"\b(?:that|it|this)(?:\s+one)?\b", re.I)
# the label an answer opens a document's excerpts with: 'The Equality Now position paper
# (August 2019) says: …', or a catalogue answer's ('The Equality Now position paper is dated…')
_LABEL = re.compile(r"^(?:The\s+)?([A-Z][^()\n]{3,60}?)\s+(?:\([^()\n]*\d{4}[^()\n]*\)|is\s+dated\b|"
                    r"is\s+titled\b|was\s+published\s+by\b)", re.M)


# 'when?', 'and when was that?', 'when did they say it?': when the document quoted came out
_WHEN_ALONE = re.compile(r"^\W*(?:and\s+|ok\W+|so\s+)?when(?:\s+(?:was|is|did)\s+(?:that|this|it|"
                         r"they|he|she)(?:\s+(?:say|said|write|written|publish|published|out|"
                         r"released?)(?:\s+(?:that|this|it|so))?)?)?\s*\??\s*$", re.I)


def _document_pointed(question: str, answer: str) -> str | None:
    """'when was that published?' after an answer quoting a document: the question with that
    document's name for the pointer, when it then asks the catalogue for a date, a publisher or
    a title ('when was the Equality Now position paper published?')."""
    label = _LABEL.search(answer)
    if label is not None and _WHEN_ALONE.match(question):
        return f"when was the {label.group(1)} published?"  # 'when?' after 'who says so?'
    if label is None or not _THAT.search(question):
        return None
    named = _THAT.sub(f"the {label.group(1)}", question, count=1)
    return named if asks(named) in (Catalogue.DATES, Catalogue.PUBLISHER, Catalogue.TITLE) else None


def _before(history: list[Turn], institutions: Institutions) -> str | None:
    """The last user turn as it was made standalone: after 'what did the first one say?' had
    become 'what did Secretary General Helga Maria Schmid say?', 'and what did she say about
    technology?' is about her."""
    last = max((i for i, t in enumerate(history) if t.role == "user"), default=None)
    if last is None:
        return None
    return standalone(history[last].content, history[:last], institutions)
