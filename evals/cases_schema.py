"""The schema of an evaluation case, and loading a suite with clear errors.

A suite is a YAML file (or a folder of them) holding ``cases: [...]``. One case::

    - id: fact-press-75-percent          # unique across the suite
      kind: factual                      # factual | synthesis | follow-up | false-premise |
                                         # out-of-scope | adversarial
      question: "What proportion ...?"
      history: []                        # earlier turns: [{role: user|assistant, content: ...}]
      key_facts:                         # every fact must appear; each is a list of phrasings
        - ["75%", "75 per cent"]
      gold_doc_ids: [osce-press-release-2022]   # documents that answer it (retrieval metrics)
      gold_passages: ["75% of sex trafficking victims are advertised online"]
      expect_refusal: false
      forbidden: []                      # phrasings that must not appear in the answer
      correction: []                     # false-premise: what the opening correction states
      silent: []                         # comparison: institutions the answer says are silent
      notes: ""

A history of user turns only is asked live: each earlier question is put to the assistant in
turn, and its real answers (with their citations) become the assistant turns.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from assistant.core.models import Turn

KINDS = ("factual", "paraphrase", "terse", "typo", "synthesis", "comparison", "follow-up",
         "false-premise", "out-of-scope", "adversarial")
Kind = Literal["factual", "paraphrase", "terse", "typo", "synthesis", "comparison", "follow-up",
               "false-premise", "out-of-scope", "adversarial"]


class CaseError(ValueError):
    """A suite file that cannot be used; the message names the file, the case and the field."""


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["user", "assistant"]
    content: str = Field(min_length=1)


def _clean_list(values: list[str], what: str) -> list[str]:
    out = []
    for v in values:
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"{what} must be non-empty strings, got {v!r}")
        out.append(v.strip())
    return out


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    kind: Kind
    question: str = Field(min_length=1)
    history: list[HistoryTurn] = Field(default_factory=list)
    key_facts: list[list[str]] = Field(default_factory=list)
    gold_doc_ids: list[str] = Field(default_factory=list)
    gold_passages: list[str] = Field(default_factory=list)
    expect_refusal: bool = False
    forbidden: list[str] = Field(default_factory=list)
    correction: list[str] = Field(
        default_factory=list, description="false-premise: phrasings (alternatives) the answer's "
        "opening correction must state")
    silent: list[str] = Field(
        default_factory=list, description="comparison: institutions the answer must say are "
        "silent on the topic")
    notes: str | None = ""
    # Where the case was loaded from (set by the loader, not written in YAML).
    source: str = Field(default="", exclude=True)

    @field_validator("key_facts")
    @classmethod
    def _facts(cls, v: list[list[str]]) -> list[list[str]]:
        out = []
        for i, alts in enumerate(v):
            if not alts:
                raise ValueError(f"key fact #{i} has no phrasing")
            out.append(_clean_list(alts, f"key fact #{i} phrasings"))
        return out

    @field_validator("gold_doc_ids", "gold_passages", "forbidden", "correction", "silent")
    @classmethod
    def _strings(cls, v: list[str]) -> list[str]:
        return _clean_list(v, "entries")

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        if self.expect_refusal:
            if self.key_facts:
                raise ValueError("a case that expects a refusal cannot have key_facts")
        else:
            if not self.key_facts:
                raise ValueError("a case that expects an answer needs at least one key fact")
            if not self.gold_doc_ids:
                raise ValueError("a case that expects an answer needs gold_doc_ids")
        if self.kind in ("out-of-scope", "adversarial") and not self.expect_refusal:
            raise ValueError(f"kind {self.kind!r} must have expect_refusal: true")
        if self.kind == "follow-up" and not self.history:
            raise ValueError("a follow-up case needs a history")
        if self.correction and self.kind != "false-premise":
            raise ValueError("only a false-premise case has a correction")
        if self.silent and self.kind != "comparison":
            raise ValueError("only a comparison case names silent institutions")
        return self

    @property
    def live_history(self) -> bool:
        """Only user turns are given: the runner asks them and uses the real answers."""
        return bool(self.history) and all(t.role == "user" for t in self.history)

    @property
    def turns(self) -> list[Turn]:
        return [Turn(role=t.role, content=t.content) for t in self.history]


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
        if not files:
            raise CaseError(f"{path}: no *.yaml files in this folder")
        return files
    if path.is_file():
        return [path]
    raise CaseError(f"suite not found: {path}")


def _explain(err: dict[str, Any]) -> str:
    where = ".".join(str(p) for p in err.get("loc", ()))
    msg = str(err.get("msg", "")).removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def load_cases(path: Path) -> list[Case]:
    """All cases of a suite file or folder, validated. Raises :class:`CaseError`."""
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for f in _files(path):
        try:
            data = yaml.safe_load(f.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise CaseError(f"{f}: not readable YAML ({exc})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise CaseError(f"{f}: expected a mapping with a 'cases:' list")
        for n, raw in enumerate(data["cases"], start=1):
            label = raw.get("id") if isinstance(raw, dict) else None
            where = f"{f}: case #{n}" + (f" ({label!r})" if label else "")
            if not isinstance(raw, dict):
                raise CaseError(f"{where}: expected a mapping, got {type(raw).__name__}")
            try:
                case = Case(**raw, source=f.name)
            except ValidationError as exc:
                msgs = "; ".join(_explain(dict(e)) for e in exc.errors())
                raise CaseError(f"{where}: {msgs}") from exc
            if case.id in seen:
                raise CaseError(f"{where}: duplicate id, already used in {seen[case.id]}")
            seen[case.id] = f.name
            cases.append(case)
    if not cases:
        raise CaseError(f"{path}: the suite has no cases")
    return cases


def check_against_corpus(cases: list[Case], known_doc_ids: set[str]) -> None:
    """Every gold doc_id must name a document of the corpus."""
    for c in cases:
        unknown = [d for d in c.gold_doc_ids if d not in known_doc_ids]
        if unknown:
            raise CaseError(
                f"{c.source}: case {c.id!r}: gold_doc_ids {unknown} are not documents of the "
                f"corpus (known: {', '.join(sorted(known_doc_ids))})"
            )
