"""The evaluation suites, by name. ``documents`` was written with the documents' own wording;
``users-dev`` and ``users-test`` are questions in users' own words (paraphrases, typos,
synthesis, comparisons, follow-ups, false premises, out-of-scope in the field's vocabulary).
The engine is tuned on ``users-dev`` only; ``users-test`` is held out and only measured."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
SUITES: dict[str, Path] = {
    "documents": ROOT / "cases",
    "users-dev": ROOT / "users" / "dev",
    "users-test": ROOT / "users" / "test",
}
# Measured, never tuned on: reports and the console give its figures but not its cases (which
# ones fail, and why), unless ``eval --show-held-out`` asks for them.
HELD_OUT = frozenset({"users-test"})


def resolve(spec: str) -> tuple[str, Path]:
    """A suite name (see :data:`SUITES`) or a case file/folder path -> (name, path)."""
    if spec in SUITES:
        return spec, SUITES[spec]
    path = Path(spec)
    return path.stem if path.is_file() else path.name, path


def default_suites() -> list[tuple[str, Path]]:
    """Every named suite that exists in this checkout."""
    return [(name, path) for name, path in SUITES.items() if path.exists()]
