"""Prompts are files in ``prompts/``, loaded by name. A missing variable is an error."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPT_DIR = Path(__file__).resolve().parents[2] / "prompts"


class PromptError(KeyError):
    pass


# The fence around untrusted passages in ``answer.user.txt`` and the tags around each passage.
FENCE_OPEN = "<<<PASSAGES"
FENCE_CLOSE = "PASSAGES>>>"
_FENCE_LIKE = re.compile(
    r"<{2,}\s*passages\b|\bpassages\s*>{2,}|<\s*/?\s*passage\b[^>]*>?", re.I)


def defuse_fences(text: str) -> str:
    """Text safe to place inside (or next to) the fence: anything that looks like the fence
    markers or a passage tag, in any case or spacing, loses its angle brackets ("‹PASSAGES",
    "PASSAGES›", "‹/passage›"), so a document cannot close the fence or forge a passage."""
    def neutral(m: re.Match[str]) -> str:
        return re.sub(r"<+", "‹", re.sub(r">+", "›", m.group(0)))

    return _FENCE_LIKE.sub(neutral, text)


@dataclass(frozen=True)
class Prompt:
    name: str
    template: str

    @property
    def variables(self) -> set[str]:
        return {f for _, f, _, _ in string.Formatter().parse(self.template) if f}

    def render(self, **values: object) -> str:
        missing = self.variables - values.keys()
        if missing:
            raise PromptError(f"prompt '{self.name}' needs {sorted(missing)}; got {sorted(values)}")
        return self.template.format(**values)


@lru_cache(maxsize=32)
def load_prompt(name: str, folder: Path = PROMPT_DIR) -> Prompt:
    path = folder / f"{name}.txt"
    if not path.exists():
        available = sorted(p.stem for p in folder.glob("*.txt"))
        raise PromptError(f"no prompt named '{name}' in {folder} (have: {available})")
    return Prompt(name, path.read_text(encoding="utf-8").strip())
