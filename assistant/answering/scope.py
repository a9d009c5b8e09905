"""What the assistant will not do, whatever the documents say: requests that are not questions
about the collection (creative writing, role-play, instructions to change its rules)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from assistant.answering.condense import is_follow_up
from assistant.core.models import Turn

_TASKS = re.compile(
    r"\b(write|compose|make up|create|generate|give me|tell me)\b.{0,40}\b("
    r"poem|limerick|haiku|sonnet|song|lyrics|rap|joke|story|fairy ?tale|screenplay|tweet|slogan|"
    r"code|script|program|malware|virus|essay)s?\b",
    re.I,
)
_DISOBEY = r"(?:ignore|disregard|forget|override|bypass)"
_REVEAL = (r"(?:reveal|print|show|repeat|output|display|tell|give|share|leak|dump|disclose|expose|"
           r"list|recite)")
_SECRET = r"(?:hidden|secret|internal|system|confidential)"
# What the assistant is told, as opposed to rules or reports a document might discuss.
_ITS_RULES = (r"(?:instructions?|prompts?|rules|guidelines|guardrails|restrictions|directives|"
              r"programming|configuration|config|settings|system message)")
_ITS_INPUT = r"(?:documents|sources|passages|context|collection)"
# The start of an imperative clause: "Ignore…", "From now on, ignore…", "Please disregard…".
# A question such as "Do platforms ignore the rules?" has the verb mid-clause, so is not one.
_ORDER = (r"(?:^|[.;:!?\n\"“(]\s*)(?:(?:please|now|just|ok(?:ay)?|so|and|from now on,?|"
          r"(?:can|could|will|would) you|you (?:must|should|will|shall)|i want you to|"
          r"i need you to)\s+)*")
_INJECTION = re.compile(
    # "ignore (all) previous instructions", anywhere
    rf"\b{_DISOBEY} (?:all |any )?(?:of )?(?:the |your )?(?:previous|prior|above|earlier|"
    rf"preceding) (?:instructions|prompts?|rules|messages|context)\b|"
    # "ignore your rules", "disregard your sources", anywhere
    rf"\b{_DISOBEY} (?:all |any )?(?:of )?your (?:\w+ )?(?:{_ITS_RULES}|{_ITS_INPUT})\b|"
    # "From now on, ignore the documents", "Please disregard the sources"
    rf"{_ORDER}{_DISOBEY} (?:all |any |every )?(?:of )?(?:the |these |those |this )?(?:\w+ )?"
    rf"(?:{_ITS_RULES}|{_ITS_INPUT})\b|"
    # "reveal your hidden instructions", "show me the system prompt"
    rf"\b{_REVEAL} (?:me |us )?(?:all )?(?:of )?your (?:\w+ )?{_ITS_RULES}\b|"
    rf"\b{_REVEAL} (?:me |us )?(?:all )?(?:of )?the (?:{_SECRET} )+"
    rf"(?:prompts?|instructions|configuration|config|system message)\b|"
    rf"\byour (?:{_SECRET}|original|initial|full|exact|underlying) {_ITS_RULES}\b|"
    r"system prompt|you are now|act as (an? )?(unrestricted|jailbroken)|\bDAN\b|developer mode|"
    r"admin password|jailbreak",
    re.I,
)
_EVADE = re.compile(
    r"\b(how|ways?|tips?|help)\b.{0,80}\b(without (being )?(detected|caught|noticed|flagged|traced)|"
    r"without \w+ (detecting|noticing|catching|flagging|tracing)|undetected|unnoticed|untraceable)\b",
    re.I,
)
_HARM = re.compile(
    r"\b(how (can|do|could) (i|we|traffickers?)|help (me|traffickers?)|ways to)\b.{0,60}"
    r"\b(evade|avoid|escape|bypass|hide from|get around)\b.{0,40}\b(detection|police|law enforcement|"
    r"monitoring|moderation|authorities)\b",
    re.I,
)


def clean_question(text: str) -> str:
    """Drop control characters and collapse white space."""
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", text).strip()


# A whole message that only greets or thanks: answered as such, not searched for.
_GREETING = re.compile(r"^\W*(?:hi|hello|hey|hiya|howdy|greetings|good\s+(?:morning|afternoon|"
                       r"evening|day))(?:\s+(?:there|all|everyone))?\W*$", re.I)
_THANKS = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|great|perfect|cool|brilliant|lovely|nice|super)\W+)?(?:thanks?|"
    r"thank\s+you|thx|cheers|many\s+thanks|much\s+appreciated)(?:\W+(?:that'?s|that\s+is|"
    r"this\s+is|it'?s|very|really|so|a\s+lot|much|helpful|useful|great|perfect|brilliant|"
    r"for\s+(?:that|this|the\s+help)))*\W*$", re.I)


def small_talk(question: str) -> str | None:
    """The prompt that answers a message that is only a greeting ('hi') or thanks ('thanks,
    that's helpful'), or None for anything else."""
    if _GREETING.match(question):
        return "greeting"
    return "thanks" if _THANKS.match(question) else None


def out_of_scope_request(question: str) -> str | None:
    """A reason to decline, or None when it is an ordinary question."""
    if _INJECTION.search(question):
        return ("it asks me to change or reveal my instructions; I only answer questions from "
                "the documents in the collection")
    if _HARM.search(question) or _EVADE.search(question):
        return "it asks for help evading detection or the law, which I will not give"
    if _TASKS.search(question):
        return ("it asks for creative writing or code rather than a question the documents can "
                "answer")
    return None


# A turn that points back at an earlier instruction of the user's: "now do what I told you",
# "as I asked", "follow my earlier instructions".
_BACK_REFERENCE = re.compile(
    r"\b(?:what|as|like) i (?:told|asked|said|instructed|wanted|requested|ordered)\b|"
    r"\bi (?:told|asked|instructed|ordered) you\b|"
    r"\b(?:my|the) (?:earlier|previous|prior|last|first|original|above) (?:instructions?|"
    r"requests?|messages?|orders?|commands?)\b|"
    r"\b(?:the )?(?:instructions?|orders?|commands?) i gave\b",
    re.I,
)
# Short turns that only make sense as a go-ahead for the previous one: "do it", "go ahead".
_GO_AHEAD = re.compile(
    r"^\W*(?:(?:ok(?:ay)?|yes|yeah|sure|fine|right|now|so|then|please|just)\W+)*(?:do (?:it|that|"
    r"so|this)|go (?:ahead|on)|continue|proceed|carry on|try again|again|yes|ok(?:ay)?|sure|"
    r"please)\b",
    re.I,
)


def leans_on_history(question: str) -> bool:
    """Whether a turn depends on the conversation so far (pronouns, 'what about…', 'do it')."""
    return bool(is_follow_up(question) or _GO_AHEAD.search(question)
                or _BACK_REFERENCE.search(question))


def out_of_scope_in_conversation(question: str, history: Sequence[Turn]) -> str | None:
    """:func:`out_of_scope_request` for a turn of a conversation.

    A turn that leans on the previous user turn ("do it", "what is it then?") inherits that
    turn's refusal, and a turn that points back at an earlier instruction ("now do what I told
    you") inherits the refusal of any earlier user turn, so a request refused once cannot be
    staged in the history and then triggered by an innocent-looking follow-up."""
    reason = out_of_scope_request(question)
    if reason or not history:
        return reason
    previous: str | None = None  # the refusal the last user turn had (in its own context)
    earlier: str | None = None  # the first refusal of any user turn so far
    for turn in history:
        if turn.role != "user":
            continue
        text = clean_question(turn.content)
        previous = out_of_scope_request(text) or (previous if leans_on_history(text) else None)
        earlier = earlier or previous
    if previous and leans_on_history(question):
        return f"{previous} (this follows on from that request)"
    if earlier and _BACK_REFERENCE.search(question):
        return f"{earlier} (this refers back to that request)"
    return None
