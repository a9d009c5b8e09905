"""The embedded default answerer: verbatim sentences of the sources, attributed and cited.

No language model: retrieved passages are split into sentences (boundaries computed at ingest
with pysbd), each sentence is scored against the question (embedding similarity, idf-weighted
term overlap, rank of its passage), redundant ones are dropped, and 1-5 are quoted."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np

from assistant.answering.answer_type import expected_type, missing_kind
from assistant.answering.base import best_quotable, evidence_gate, word_chunks
from assistant.answering.catalogue import catalogue_reply
from assistant.answering.condense import wants_more
from assistant.answering.config import AnswerConfig
from assistant.answering.extractive.compose import Shape, by_institution, compose
from assistant.answering.extractive.continued import across_passages
from assistant.answering.extractive.defining import lift_defining, with_defining
from assistant.answering.extractive.figures import figures
from assistant.answering.extractive.institutional import (
    compare,
    kind_named,
    named_docs,
    only_from,
    prefer_named,
    with_kind_named,
)
from assistant.answering.extractive.lists import lift_numbered, list_size, numbered_items
from assistant.answering.extractive.mentions import lift_identity, mentioned_by, with_mentioned
from assistant.answering.extractive.overview import opening, overview
from assistant.answering.extractive.parts import (
    cover_parts,
    parts_of,
)
from assistant.answering.extractive.premises import (
    corrections,
    credited_elsewhere,
    led_by_person,
    wrong_attribution,
    wrong_speaker,
)
from assistant.answering.extractive.reported import (
    asked_of,
    is_instrument,
    last_sentence,
    mentioning,
    naming,
    on_topic,
    quoted_before,
    quoted_person,
    quoting,
    reported_source,
    subject_of,
    swapped_speaker,
    without_person,
    without_source,
)
from assistant.answering.extractive.republished import republication
from assistant.answering.extractive.sameness import same_elsewhere
from assistant.answering.extractive.scoring import (
    ScoredSentence,
    SentenceScorer,
    continue_from,
    with_definitions,
)
from assistant.answering.extractive.selection import assemble, select
from assistant.answering.extractive.siblings import with_first_siblings
from assistant.answering.extractive.speakers import with_other_speakers
from assistant.answering.extractive.steps import lift_steps, with_steps
from assistant.answering.extractive.terms import terms_used
from assistant.answering.extractive.trim import WORD_BUDGET, trim, within
from assistant.answering.extractive.unmentioned import unmentioned_name
from assistant.answering.extractive.whereabouts import where_said
from assistant.answering.followup import standalone as resolve
from assistant.answering.question import Asked, analyze, elsewhere, out_of_range
from assistant.answering.refusal import refuse
from assistant.core.enums import AnswerMode, StreamKind
from assistant.core.models import Answer, SearchFilters, SearchResult, StreamEvent, Turn
from assistant.retrieval.retriever import Retriever

MIN_PASSAGES = 8  # passages read for an extractive answer, whatever k the caller asks


class ExtractiveAnswerer:
    """``Answerer`` that quotes the sources verbatim; works offline with no LLM."""

    mode = AnswerMode.EXTRACTIVE

    def __init__(self, retriever: Retriever, config: AnswerConfig) -> None:
        self.retriever = retriever
        self.config = config
        self.scorer = SentenceScorer(retriever)

    def answer(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None) -> Answer:
        t0 = time.perf_counter()
        history = history or []
        if (where := where_said(question, history, lambda q, h: self.answer(q, h, filters, k),
                                self.retriever, self.mode)):
            return where  # 'where does it say that?': the places the answer before quotes
        if (same := same_elsewhere(question, history, lambda q, h: self.answer(q, h, filters, k),
                                   self.retriever)):  # 'is that in the brief, word for word?'
            return self._written(question, question, same)
        standalone = swapped_speaker(question, history, self.retriever) or \
            resolve(question, history, self.retriever.institutions)
        if (listed := catalogue_reply(question, standalone, self.retriever, self.mode)):
            listed.timings_ms = {"total": round((time.perf_counter() - t0) * 1e3, 2)}
            return listed
        asked = analyze(standalone, self.retriever)
        qvec = self.retriever.embed_query(asked.search)
        topic_vec = (qvec if asked.topic == asked.search
                     else self.retriever.embed_query(asked.topic))
        t1 = time.perf_counter()
        results = self.retriever.search(asked.search, max(k or self.config.top_k, MIN_PASSAGES),
                                        filters, qvec=qvec, tvec=topic_vec)
        t2 = time.perf_counter()
        reason = out_of_range(asked, self.retriever)
        # 'summarise the GRETA report': each document by what it says it is about
        shape: Shape | None = (terms_used(asked, self.retriever, topic_vec)
                               or republication(asked, self.retriever)
                               or opening(asked, self.retriever)
                               or overview(asked, self.retriever)
                               or figures(asked, self.retriever)) if reason is None else None
        if shape is not None and not shape.preface:  # 'greta's study came out in jan 2022 - …'
            shape.preface = corrections(asked, shape.excerpts, self.retriever)
        if reason is None and shape is None and asked.comparison:
            seen = ([t.content for t in history if t.role == "assistant"]
                    if wants_more(question) and history else [])
            shape = self._compared(asked, qvec, topic_vec, filters, seen)
        if reason is None and shape is None:
            # Not a comparison, or one where no institution on its own reaches the floor: the
            # question is answered (or refused) as one question over the whole collection.
            shape, reason = self._single(question, history, asked, topic_vec, results, filters)
            if shape is not None and asked.comparison:
                # Asked of several institutions: those the answer does not quote are silent.
                shape.silent = [n for n in asked.institutions
                                if n not in {name for name, _ in shape.blocks}]
        if shape is None:
            ans = refuse(question, standalone, results, self.retriever,
                         reason or "the best evidence is too weak", qvec=topic_vec)
        else:
            ans = self._written(question, standalone, shape)
        ans.timings_ms = {"embed": round((t1 - t0) * 1e3, 2),
                          "retrieve": round((t2 - t1) * 1e3, 2),
                          "total": round((time.perf_counter() - t0) * 1e3, 2)}
        return ans

    def _written(self, question: str, standalone: str, shape: Shape) -> Answer:
        """The answer ``shape`` describes, written out with its citations."""
        text, citations, sentences = compose(shape, self.retriever)
        return Answer(question=question, standalone_question=standalone, answer=text,
                      citations=citations, sentences=sentences, mode=self.mode)

    def _structured(self, asked: Asked, topic_vec: np.ndarray, results: list[SearchResult],
                    filters: SearchFilters | None) -> list[ScoredSentence]:
        """The sentences of the passages found, and of those the search may miss that the
        question's structure points at (a list's items, a definition, the documents naming a
        name, steps counted in words), scored; those the structure points at first."""
        r = self.retriever
        results = with_kind_named(asked, results, r, topic_vec, filters)
        results = numbered_items(asked.topic, r, results, filters,
                                 named_docs(asked, r) if asked.scoped else None)
        results = with_steps(asked, with_mentioned(asked.corrected, with_defining(
            asked.topic, with_definitions(asked.topic, results, r), r), r), r)
        scored = self.scorer.score(asked.topic, topic_vec, results)
        scored = lift_defining(lift_numbered(scored, asked.topic), asked.topic)
        return lift_identity(asked.corrected, lift_steps(scored, asked, r), r)

    def _single(self, question: str, history: list[Turn], asked: Asked, topic_vec: np.ndarray,
                results: list[SearchResult], filters: SearchFilters | None
                ) -> tuple[Shape | None, str | None]:
        cfg = self.config
        scored = self._structured(asked, topic_vec, results, filters)
        if mention := mentioned_by(asked.corrected, scored, self.retriever):
            scored = mention[1]  # 'which documents mention the palermo protocol?'
        person = quoted_person(asked, self.retriever)
        misattributed = self._misattributed(asked, scored, person)
        wrong, scored = (None, scored) if misattributed else led_by_person(asked, scored, person)
        if misattributed is not None:
            scored = only_from(scored, self.retriever.institutions.all[
                self.retriever.institutions.of_doc(misattributed[1].result.chunk.doc_id)].doc_ids)
        elif named := named_docs(asked, self.retriever) or kind_named(asked, self.retriever):
            scored = prefer_named(scored, named, cfg.evidence_floor)  # or 'the press release'
        else:
            scored, why = self._reported(asked, scored, results, None if wrong else person)
            if why is not None:
                return None, why
        # 'who else mentions it?' is answered by who does, quoted again if no one else does
        seen = ([t.content for t in history if t.role == "assistant"]
                if wants_more(question) and history and not mention else [])
        if seen:
            scored = continue_from(scored, seen)
        picked = select(scored, self.retriever.store.sentence_vectors, cfg.max_sentences,
                        cfg.refusal_threshold, exclude=seen)
        reason = self._gate(asked, scored)
        if reason is None and not picked:
            reason = "the best evidence is too weak"
            if seen and select(scored, self.retriever.store.sentence_vectors, 1,
                               cfg.refusal_threshold):
                reason = "the answer before already quotes all the documents say on this"
        if reason is not None:
            return None, reason
        picked = with_other_speakers(asked.topic, with_first_siblings(picked, scored), scored,
                                     self.retriever.store)
        parts = parts_of(asked.topic)
        picked = cover_parts(picked, parts, self.retriever, self.scorer,
                             cfg.evidence_floor, cfg.max_sentences, filters)
        excerpts = within(trim(assemble(picked), expected_type(asked.topic)),
                          WORD_BUDGET * max(len(parts), len(asked.institutions), 1))
        # A list a passage boundary cuts goes on, whatever the budget: it completes an excerpt.
        excerpts = across_passages(excerpts, self.retriever.store)
        # Checked on what the answer would quote: a figure dropped for length answers nothing.
        size = list_size(asked.topic, excerpts, self.retriever)  # 'how many recommendations…'
        if (kind := missing_kind(asked.topic, [s.text for s in excerpts])) and not size:
            article = "an" if kind[0] in "aeiou" else "a"
            return None, f"the question asks for {article} {kind} and no passage on it gives one"
        shape = by_institution(excerpts, self.retriever)
        shape.preface = [c for c in (size, mention[0] if mention else None,
                                     misattributed[0] if misattributed else None, wrong) if c] + \
            corrections(asked, shape.excerpts, self.retriever)
        return shape, None

    def _gate(self, asked: Asked, scored: list[ScoredSentence]) -> str | None:
        """Why the evidence cannot answer (a name the collection never mentions, or too weak),
        or None; a country it never names does not stop 'what should the UK do?'."""
        return evidence_gate(self.retriever, asked.topic,
                             best_quotable([(s.text, s.score) for s in scored]),
                             self.config.refusal_threshold,
                             elsewhere(asked, self.retriever.vocab.unknown(asked.topic)))

    def _misattributed(self, asked: Asked, scored: list[ScoredSentence],
                       person: tuple[str, str] | None) -> tuple[str, ScoredSentence] | None:
        """What the question credits to the wrong source, said first, with the sentence of the
        source that does say it; None when nothing is misattributed."""
        floor = self.config.evidence_floor
        found = (wrong_attribution(asked, scored, self.retriever, floor)
                 or wrong_speaker(asked, scored, self.retriever, floor)
                 or credited_elsewhere(asked, scored, self.retriever, floor, person))
        if found is None and (unused := unmentioned_name(asked, self.retriever)):
            # 'eqnow holds up FOSTA-SESTA as the model…': answered from the document using it
            using = [s for s in scored if s.result.chunk.doc_id in unused[2]
                     and unused[1].lower() in s.text.lower()]
            found = (unused[0], using[0]) if using else None
        return found

    def _reported(self, asked: Asked, scored: list[ScoredSentence], results: list[SearchResult],
                  person: tuple[str, str] | None) -> tuple[list[ScoredSentence], str | None]:
        """Sources the collection only reports on: what it quotes of a document it does not
        hold ('the ICAT issue brief'), or of a person ('what did val richey say about…'), on
        what is asked of them; with the reason to refuse when none of it is on that."""
        floor = self.config.evidence_floor
        if (source := reported_source(asked, self.retriever)) is not None:
            # An instrument ('the Lanzarote Convention') is what is asked about, so it stays in
            # the topic; an author ('the ICAT issue brief') only says whose words are wanted.
            instrument = is_instrument(source)
            rest = asked.topic if instrument else without_source(asked.topic, source)
            scored = naming(self.scorer.score(rest, self.retriever.embed_query(rest), results),
                            source)
            if instrument:  # asked about a subject, an instrument's mentions must touch it
                scored = lift_defining(mentioning(scored, subject_of(rest), self.retriever,
                                                  self.scorer), asked.topic)  # its alias, first
            # 'the ICAT issue brief' is by ICAT; 'the Palermo Protocol' is the document itself
            held = (f"the collection does not hold the {source}, and the passages that mention "
                    "it" if instrument else f"no document in the collection is from "
                    f"{source}, and the passages that quote {source}")
            if (years := quoted_before(asked, scored, self.retriever)) is not None:
                return scored, f"{held} date from {years[0]}, before {years[1]}"
            if not scored or scored[0].score < floor:
                return scored, f"{held} say nothing on this"
        elif person is not None:
            rest = without_person(last_sentence(asked.topic), person[1])
            scored = on_topic(quoting(scored, person[0]), asked_of(rest, self.retriever))
            if not scored:
                return scored, f"the documents quote {person[1]}, but not on this"
        return scored, None

    def _compared(self, asked: Asked, qvec: np.ndarray, topic_vec: np.ndarray,
                  filters: SearchFilters | None, seen: list[str]) -> Shape | None:
        found = compare(asked, qvec, topic_vec, self.retriever, self.scorer,
                        self.config.evidence_floor, filters, seen)
        if not found.blocks:
            return None
        shape = Shape(blocks=found.blocks, silent=found.silent, nearest=found.nearest)
        # a comparison's premise is checked as a single question's is ('GRETA's January study')
        shape.preface = corrections(asked, shape.excerpts, self.retriever)
        return shape

    def stream(self, question: str, history: list[Turn] | None = None,
               filters: SearchFilters | None = None, k: int | None = None
               ) -> Iterator[StreamEvent]:
        ans = self.answer(question, history, filters, k)
        for piece in word_chunks(ans.answer):
            yield StreamEvent(kind=StreamKind.TOKEN, text=piece)
        yield StreamEvent(kind=StreamKind.ANSWER, answer=ans)
