"""The document types every layer shares: a source document's metadata, where a passage sits
in it, and the passage itself. They sit at the bottom (ingestion writes them, everything above
reads them)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

UNKNOWN_PUBLISHER = "Unknown publisher"


class DocumentMeta(BaseModel):
    """Metadata of one source document (from the corpus manifest or inferred)."""

    model_config = ConfigDict(extra="ignore")

    doc_id: str
    file: str
    title: str
    publisher: str = UNKNOWN_PUBLISHER
    date: str = ""
    kind: str = "document"
    url: str = ""
    also_published_in: list[dict[str, str]] = Field(default_factory=list)
    duplicate_of: str | None = None
    in_manifest: bool = True



class Locator(BaseModel):
    """Where a passage sits in its document."""

    section: str | None = None
    page: int | None = None
    page_label: str | None = None
    paragraph: int | None = None
    paragraph_end: int | None = None

    def render(self) -> str:
        parts: list[str] = []
        if self.page is not None:
            label = self.page_label or str(self.page)
            parts.append(f"p. {label}")
        if self.section:
            parts.append(f"§ {self.section}")
        if self.paragraph is not None:
            if self.paragraph_end is not None and self.paragraph_end != self.paragraph:
                parts.append(f"¶ {self.paragraph}–{self.paragraph_end}")
            else:
                parts.append(f"¶ {self.paragraph}")
        return ", ".join(parts) or "whole document"


class Chunk(BaseModel):
    """A retrievable passage of a cleaned document."""

    doc_id: str
    chunk_id: str
    text: str
    title: str
    publisher: str
    date: str
    locator: Locator
    start: int = Field(description="Start offset in the cleaned document text")
    end: int = Field(description="End offset in the cleaned document text")
    sentences: list[tuple[int, int]] = Field(
        default_factory=list, description="Sentence spans, relative to the chunk text"
    )
    sentence_pages: list[tuple[int, str]] = Field(
        default_factory=list, description="PDF page (number, printed label) of each sentence"
    )

    def locator_at(self, offset: int) -> Locator:
        """The locator of the sentence at ``offset`` (a passage may run onto the next page)."""
        if not self.sentence_pages:
            return self.locator
        k = 0
        for i, (s, _e) in enumerate(self.sentences):
            if s <= offset:
                k = i
        page, label = self.sentence_pages[min(k, len(self.sentence_pages) - 1)]
        return self.locator.model_copy(
            update={"page": page, "page_label": label if label != str(page) else None})
