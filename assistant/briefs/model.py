"""Briefs as data: a :class:`Brief` (key points, a section per sub-question, numbered references)
or a :class:`Comparison` (what each institution says). Rendered only at the edges
(:mod:`~assistant.briefs.markdown`, :mod:`~assistant.briefs.docx`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from ingest.text import long_date


class SourceDoc(BaseModel):
    """A document of the collection, as the scope of a brief names it."""

    doc_id: str
    title: str
    publisher: str
    date: str = ""
    kind: str = ""
    url: str = ""
    searched: bool = True
    note: str = ""


class Excerpt(BaseModel):
    """One verbatim quotation and where it comes from; ``ref`` numbers it in the references."""

    text: str
    doc_id: str
    chunk_id: str
    title: str
    publisher: str
    date: str
    locator: str
    url: str = ""
    label: str = Field("", description="Who says it: 'the OSCE policy brief (2022)'")
    score: float | None = None
    ref: int = 0


class Reference(BaseModel):
    """A cited passage with full source details (one per passage, numbered in order of use)."""

    number: int
    doc_id: str
    chunk_id: str
    title: str
    publisher: str
    date: str
    kind: str = ""
    url: str = ""
    locator: str
    also_published_in: list[str] = Field(default_factory=list)


class KeyPoint(BaseModel):
    excerpts: list[Excerpt]
    section: int | None = Field(None, description="Number of the section it was drawn from")


class BriefSection(BaseModel):
    number: int
    heading: str
    query: str = Field("", description="What was searched for this section")
    excerpts: list[Excerpt] = Field(default_factory=list)
    note: str = ""


class InstitutionView(BaseModel):
    """What one institution's documents say on the topic, or a plain statement that they don't."""

    institution: str
    publishers: list[str]
    doc_ids: list[str]
    excerpts: list[Excerpt] = Field(default_factory=list)
    best_score: float | None = None
    statement: str = ""


class Comparison(BaseModel):
    topic: str
    title: str
    generated: str
    as_of: str
    documents: list[SourceDoc]
    method: str
    threshold: float
    views: list[InstitutionView]
    references: list[Reference] = Field(default_factory=list)


class Brief(BaseModel):
    title: str
    topic: str
    generated: str
    as_of: str
    documents: list[SourceDoc]
    method: str
    key_points: list[KeyPoint] = Field(default_factory=list)
    sections: list[BriefSection] = Field(default_factory=list)
    comparison: Comparison | None = Field(
        None, description="With --compare: the evidence by institution, in place of key points")
    references: list[Reference] = Field(default_factory=list)

    def excerpts(self) -> list[Excerpt]:
        """Every quotation, in the order the document shows them."""
        out: list[Excerpt] = []
        if self.comparison is not None:
            out += [e for v in self.comparison.views for e in v.excerpts]
        out += [e for k in self.key_points for e in k.excerpts]
        out += [e for s in self.sections for e in s.excerpts]
        return out


def now_stamp() -> str:
    return datetime.now().astimezone().replace(microsecond=0).isoformat()


def human_stamp(stamp: str) -> str:
    """'2026-11-25T01:40:12+00:00' -> '25 November 2026 at 01:40'."""
    try:
        t = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{long_date(t.date().isoformat())} at {t:%H:%M}"
