"""The messages a chat model gets: the prompt files, with the evidence fenced as untrusted data.

A small model on a small machine pays about 20 ms a prompt token, so it is shown the evidence
sentences the extractive engine selected (under their passage's number and a short source
line), not whole passages."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.core.citations import publisher_short
from assistant.core.enums import CitationRole
from assistant.core.models import Answer, SearchResult
from assistant.core.prompts import defuse_fences, load_prompt
from ingest.store import StoredIndex


def _attribute(value: object) -> str:
    """A value for the passage tag's source attribute: no quotes or angle brackets."""
    return defuse_fences(str(value)).replace('"', "'").replace("<", "‹").replace(">", "›")


@dataclass(frozen=True)
class Evidence:
    """What the model is shown: for each passage number (its rank in the retrieved results,
    from 1), the sentences it sees, in document order. Passages without one are not shown."""

    sentences: dict[int, list[str]]

    @property
    def numbers(self) -> set[int]:
        return set(self.sentences)


def evidence_of(ans: Answer, store: StoredIndex) -> tuple[list[SearchResult], Evidence]:
    """The evidence the extractive engine chose for ``ans`` (its excerpts, with the passages
    they sit in), numbered as its citations are: the model writes prose from exactly the
    sentences a reader would have been quoted as evidence, across institutions for a
    comparison."""
    results: list[SearchResult] = []
    numbers: dict[str, int] = {}
    sentences: dict[int, list[str]] = {}
    for c in sorted(ans.citations, key=lambda c: c.marker):
        idx = store.by_id.get(c.chunk_id)
        if idx is None or c.role is not CitationRole.EVIDENCE:
            continue  # not the closest a silent institution comes: that answers nothing
        if c.chunk_id not in numbers:
            results.append(SearchResult(chunk=store.chunks[idx], score=0.0, index=idx))
            numbers[c.chunk_id] = len(results)
        texts = sentences.setdefault(numbers[c.chunk_id], [])
        excerpt = " ".join(c.excerpt.split())
        if excerpt not in texts:
            texts.append(excerpt)
    return results, Evidence(sentences)


def format_passages(results: list[SearchResult],
                    sentences: dict[int, list[str]] | None = None,
                    publishers: list[str] | None = None) -> str:
    """The numbered passages for the prompt; with ``sentences`` (by passage number), only those
    passages and those sentences of them, under a short source line (the publisher's short
    name, the title, the year): every prompt token costs time. Text that imitates the fence is
    defused."""
    out = []
    for n, r in enumerate(results, start=1):
        if sentences is not None and n not in sentences:
            continue
        c = r.chunk
        if sentences is None:
            source = f"{c.publisher}, {c.title}, {c.date}, {c.locator.render()}"
            body = c.text
        else:
            source = f"{publisher_short(c.publisher, publishers)}, {c.title}, {c.date[:4]}"
            body = "\n".join(f"- {t}" for t in sentences[n])
        out.append(f'<passage id="{n}" source="{_attribute(source)}">\n{defuse_fences(body)}\n'
                   "</passage>")
    return "\n\n".join(out)


def build_messages(question: str, passages: str, max_sentences: int) -> list[BaseMessage]:
    system = load_prompt("answer.system").render(max_sentences=max_sentences + 1)
    user = load_prompt("answer.user").render(question=defuse_fences(question), passages=passages)
    return [SystemMessage(content=system), HumanMessage(content=user)]
