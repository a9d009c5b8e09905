"""False premises, corrected before the answer (PaperQA2 and Perplexity put the correction first).

A question may carry a wrong year, date, figure or attribution ('why did GRETA find that 3 in 4…'
when the OSCE says it). Each check compares what the question asserts with what the quoted
evidence and the documents' own metadata say, and returns one plain sentence when they differ.
Nothing here is the engine's opinion: every correction restates a date from the metadata or a
figure or a name from the quoted sentence that follows it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.answer_type import PERSON_SAID, offers
from assistant.answering.base import quotable
from assistant.answering.extractive.counts import (
    count_for_share,
    number_value,
    people_count,
    wrong_count,
    wrong_inline_count,
)
from assistant.answering.extractive.dates import (
    later_document,
    wrong_date,
    wrong_event_year,
    wrong_publication_date,
    wrong_said_year,
    wrong_year,
)
from assistant.answering.extractive.lists import wrong_list_count
from assistant.answering.extractive.polarity import contradicted
from assistant.answering.extractive.reported import naming, quoting, reported_source
from assistant.answering.extractive.roles import wrong_role
from assistant.answering.extractive.scoring import ScoredSentence
from assistant.answering.extractive.steps import wrong_step_count
from assistant.answering.extractive.titles import wrong_title
from assistant.answering.question import Asked, elsewhere, stated_source, stated_view, states_a_view
from assistant.retrieval.institutions import Institutions
from assistant.retrieval.names import speakers
from assistant.retrieval.retriever import Retriever
from ingest.text import content_terms, fold

_PERCENT = re.compile(r"(\d{1,3}(?:\.\d+)?)\s?(?:%|per ?cent)")
_N_IN_M = re.compile(r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out of)\s+"
                     r"(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)\b", re.I)
# A question that asserts what an institution said ('why did GRETA find that…', 'GRETA's 75%
# figure', not a year), as opposed to asking what it says ('what does the OSCE want…').
_ASSERTS = re.compile(r"\b(?:finds?|found|says?|said|claims?|claimed|argues?|argued|reckons?|"
                      r"believes?|thinks?|states?|stated|reports?|reported|warns?|warned|shows?|"
                      r"showed|concludes?|concluded|estimates?|estimated)\s+that\b|(?!(?:19|20)\d\d\b)\b\d|"
                      r"\b(?:why|how come)\s+(?:did|does|do|is|was)\b", re.I)
# Asserted that way, the named institution's best sentence must come this close to another
# institution's best for the view to be taken as its own.
STATED_SHARE = 0.75

def _num(word: str) -> float:
    return float(number_value(word))


def percents(text: str) -> list[float]:
    """Percentages a text states, '3 in 4' read as 75."""
    out = [float(p) for p in _PERCENT.findall(text)]
    out += [round(100 * _num(a) / _num(b)) for a, b in _N_IN_M.findall(text) if _num(b)]
    return out


def wrong_figure(asked: Asked, lead: ScoredSentence) -> str | None:
    said, found = percents(asked.corrected), percents(lead.text)
    if not said or not found or any(abs(s - f) < 1 for s in said for f in found):
        return None
    return (f"The documents give a different figure: {found[0]:g}%, not {said[0]:g}% "
            "(the quotation below).")


def unstated_figure(asked: Asked, lead: ScoredSentence, retriever: Retriever) -> str | None:
    """A percentage the question asserts ('greta found that 90% of victims…') that no
    document gives, where the lead excerpt gives none to set against it."""
    said = percents(asked.corrected)
    if not said or not (asked.stated or asked.presumed) or percents(lead.text):
        return None
    given = [f for c in retriever.store.chunks for f in percents(c.text)]
    missing = [x for x in said if not any(abs(x - f) < 1 for f in given)]
    if not missing:
        return None
    return f"No document in the collection gives {missing[0]:g}%; the nearest passages follow."


_VOICED = re.compile(r"^(?:[’']s)?\s+(?:\w+\s+){0,3}?(?:says?|said|recommend\w*|f[oi]und\w*|"
                     r"calls?|called|argues?|argued|notes?|noted|states?|stated|reports?|"
                     r"reported|warns?|warned|believes?|concludes?|concluded|emphasi[sz]\w*|"
                     r"has|have)\b", re.I)


def _speaks_in(text: str, name: str, insts: Institutions) -> bool:
    """The sentence gives the institution a voice ('GRETA found…', 'according to the Council
    of Europe'), not only names it ('the Council of Europe conventions are not
    comprehensive')."""
    for who, a, b in insts.mentions(text):
        if who == name and (_VOICED.match(text[b:])
                            or re.search(r"according to\s+(?:the\s+)?$", text[:a], re.I)):
            return True
    return False


def wrong_attribution(asked: Asked, scored: list[ScoredSentence], retriever: Retriever,
                      floor: float) -> tuple[str, ScoredSentence] | None:
    """The named institution's best evidence is too weak to answer with, and another
    institution's is strong enough: a view asserted of it is attributed to the other, and an
    open question about it ('what did GRETA say about the Online Safety Act?') is answered
    from the other, saying so."""
    stated = states_a_view(asked.corrected)
    asserted = stated or bool(_ASSERTS.search(asked.corrected))
    if len(asked.institutions) != 1 or asked.comparison or not scored or scored[0].score < floor:
        return None
    name = asked.institutions[0]
    insts = retriever.institutions
    mine = set(insts.all[name].doc_ids)
    top = scored[0]
    own = next((s for s in scored if s.result.chunk.doc_id in mine), None)
    owned = own is not None and own.score >= floor and \
        not (asserted and own.score < STATED_SHARE * top.score)
    if top.result.chunk.doc_id in mine or owned or _speaks_in(top.text, name, insts):
        return None  # the named institution says it, or the sentence says that it does
    other = insts.of_doc(top.result.chunk.doc_id)
    if asserted and not carries(asked, top):
        # the nearest sentence is on the topic but does not state the view: nobody is credited
        return (f"Nothing from {name} in the collection says this, and no other document says "
                f"it in so many words; the nearest passages, from {other}, follow.", top)
    if asserted:
        return (f"The documents attribute this to {other}, not {name}: nothing from {name} in "
                "the collection says it.", top)
    if own is not None and own.score >= STATED_SHARE * top.score:
        return None  # weak, but not far from the best: answered from its own documents
    return f"Nothing from {name} in the collection addresses this; {other} does.", top


def carries(asked: Asked, s: ScoredSentence) -> bool:
    """Whether the sentence can state the view the question asserts: a recommendation ('X
    should self-regulate', 'GRETA recommends banning encryption') only by recommending, and
    nothing by negating it. Words cannot tell more: a paraphrase shares few of them."""
    view = stated_view(asked.corrected)
    if view is None:
        return True  # nothing stated to check: the attribution stands as the evidence has it
    if _NORMATIVE.search(asked.corrected[: asked.corrected.find(view) + len(view)]) and \
            not _NORMATIVE.search(s.text):
        return False  # 'X should self-regulate' is a recommendation: a report of it is not one
    return contradicted(replace(asked, presumed=True), [s]) is None


_NORMATIVE = re.compile(r"\b(?:should|must|ought|needs?\s+to|recommend\w*|calls?\s+for|urges?|"
                        r"wants?|advocat\w*)\b", re.I)


def _stated_name(asked: Asked, retriever: Retriever) -> str | None:
    """The name the collection mentions, not an institution of it, whose view the question
    opens by stating ('ICAT' in 'ICAT says self-regulation is not working - where?')."""
    span = stated_source(asked.corrected)
    if span is None:
        return None
    for name in re.findall(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z]*\b|\b[A-Z]{2,}\b",
                           asked.corrected[span[0]:span[1]]):
        if not retriever.institutions.named_in(name) and \
                fold(name) in retriever.vocab.known_terms:
            return name
    return None


def credited_elsewhere(asked: Asked, scored: list[ScoredSentence], retriever: Retriever,
                       floor: float, person: tuple[str, str] | None
                       ) -> tuple[str, ScoredSentence] | None:
    """A view the question gives to a source the collection only quotes ('why did the ICAT
    brief say 75%…') or to a person it quotes ('why did Val Richey say the evidence base is
    patchy?'), that their quoted words do not carry and another document's sentence does."""
    if not asked.presumed or asked.institutions or not scored:
        return None
    if (source := reported_source(asked, retriever)) is not None:
        who, own = source, naming(scored, source)
    elif person is not None:
        who, own = person[1], quoting(scored, person[0])
    elif (name := _stated_name(asked, retriever)) is not None:
        who, own = name, naming(scored, name)
    else:
        return None
    mine = {(s.row, s.start) for s in own}
    top = next((s for s in scored if (s.row, s.start) not in mine and quotable(s.text)), None)
    if top is None or top.score < floor:
        return None
    if own:  # compared on the view alone: the name lifts every sentence that carries it
        view = retriever.embed_query(re.sub(re.escape(who), " ", asked.topic, flags=re.I))
        vectors = retriever.store.sentence_vectors
        if max(float(vectors[s.row] @ view) for s in own) >= \
                STATED_SHARE * float(vectors[top.row] @ view):
            return None
    other = retriever.institutions.of_doc(top.result.chunk.doc_id)
    return (f"The documents attribute this to {other}, not {who}: nothing the collection "
            f"quotes of {who} says it.", top)


def wrong_speaker(asked: Asked, scored: list[ScoredSentence], retriever: Retriever,
                  floor: float) -> tuple[str, ScoredSentence] | None:
    """The question asks what an official of the named institution said, its documents quote
    no one, and another institution's document quotes a person on it: who that was."""
    if len(asked.institutions) != 1 or asked.comparison or \
            not PERSON_SAID.search(asked.corrected):
        return None
    name = asked.institutions[0]
    insts = retriever.institutions
    mine = set(insts.all[name].doc_ids)
    spoken = [s for s in scored if s.score >= floor and offers(s.text, "speaker")]
    if not spoken or any(s.result.chunk.doc_id in mine for s in spoken):
        return None
    top = spoken[0]
    person = next(speakers(top.text), None)
    if person is None:
        return None
    return (f"The documents quote {person} on this, not an official of {name}: no document "
            f"from {name} in the collection quotes one.", top)


_SPEAKING = {"say", "said", "speak", "spoke", "talk", "state", "tell", "told", "add", "note",
             "warn", "mention", "put", "argu", "think", "want", "call", "mean"}


def wrong_person(asked: Asked, scored: list[ScoredSentence], person: tuple[str, str] | None
                 ) -> tuple[str, ScoredSentence] | None:
    """'What did Val Richey say when he opened the event?' when the sentence on the opening
    quotes someone else: the question gives the person an act ('he opened', 'Richey chaired')
    that no sentence quoting them mentions, and a sentence quoting another person does."""
    if person is None:
        return None
    surname, name = person
    acts = {t for m in re.finditer(rf"\b(?:he|she|{re.escape(surname)})\s+([a-z]+)\b",
                                   asked.corrected, re.I)
            for t in content_terms(m.group(1))} - _SPEAKING
    if not acts:
        return None
    pattern = re.compile(rf"\b{re.escape(surname)}\b", re.I)
    own = {t for s in scored if pattern.search(s.text) for t in content_terms(s.text)}
    for s in scored:
        who = next(speakers(s.text), None)
        if who and not pattern.search(who) and (acts & set(content_terms(s.text))) - own:
            return f"The documents give this to {who}, not {name} (the quotation below).", s
    return None


def led_by_person(asked: Asked, scored: list[ScoredSentence], person: tuple[str, str] | None
                  ) -> tuple[str | None, list[ScoredSentence]]:
    """The correction of a wrong person, if any, and the sentences with the other person's
    (the one that answers) first, the rest as scored."""
    wrong = wrong_person(asked, scored, person)
    if wrong is None:
        return None, scored
    wrong[1].score = max(wrong[1].score, scored[0].score + 1e-3)
    return wrong[0], sorted(scored, key=lambda x: -x.score)


def unchecked_source(asked: Asked) -> str | None:
    """'Since Europol found X…' when the collection never mentions Europol."""
    if not asked.unverified:
        return None
    names = " or ".join(asked.unverified)
    return (f"No document in the collection mentions {names}, so that claim cannot be checked "
            "here; this is what the documents say on it.")


def in_general(asked: Asked, retriever: Retriever) -> str | None:
    """'what should the UK government do?' when no document names the UK."""
    unknown = retriever.vocab.unknown(asked.topic)
    if not elsewhere(asked, unknown):
        return None
    return (f"No document in the collection mentions {' or '.join(unknown)}; this is what they "
            "recommend in general.")


def corrections(asked: Asked, quoted: list[ScoredSentence], retriever: Retriever) -> list[str]:
    """What the question gets wrong, one sentence each, given the excerpts to be quoted."""
    if not quoted:
        return []
    # One correction of a date: the year's, which quotes the full date, or else the month's.
    dated = wrong_publication_date(asked, retriever) or wrong_said_year(asked, retriever) or \
        wrong_event_year(asked, quoted, retriever) or wrong_date(asked, quoted, retriever)
    found = [c for c in (wrong_title(asked, quoted, retriever), contradicted(asked, quoted),
                         wrong_year(asked, retriever), dated,
                         wrong_figure(asked, quoted[0]) or unstated_figure(asked, quoted[0], retriever),
                         wrong_list_count(asked.corrected, quoted, retriever)
                         or wrong_step_count(asked, quoted, retriever)
                         or wrong_count(asked, quoted) or count_for_share(asked, quoted)
                         or wrong_inline_count(asked, quoted)
                         or people_count(asked, retriever)) if c]
    later = None if found else later_document(asked, retriever)
    return [c for c in (unchecked_source(asked), in_general(asked, retriever), later,
                        wrong_role(asked, retriever)) if c] + found
