"""The messages a chat model gets: the prompt files, with the passages fenced as untrusted data."""

from __future__ import annotations

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.core.models import SearchResult
from assistant.core.prompts import defuse_fences, load_prompt


def _attribute(value: object) -> str:
    """A value for the passage tag's source attribute: no quotes or angle brackets."""
    return defuse_fences(str(value)).replace('"', "'").replace("<", "‹").replace(">", "›")


def format_passages(results: list[SearchResult]) -> str:
    """The numbered passages for the prompt; text that imitates the fence is defused."""
    out = []
    for n, r in enumerate(results, start=1):
        c = r.chunk
        source = _attribute(f"{c.publisher}, {c.title}, {c.date}, {c.locator.render()}")
        out.append(f'<passage id="{n}" source="{source}">\n{defuse_fences(c.text)}\n</passage>')
    return "\n\n".join(out)


def build_messages(question: str, passages: str, max_sentences: int) -> list[BaseMessage]:
    system = load_prompt("answer.system").render(max_sentences=max_sentences + 1)
    user = load_prompt("answer.user").render(question=defuse_fences(question), passages=passages)
    return [SystemMessage(content=system), HumanMessage(content=user)]
