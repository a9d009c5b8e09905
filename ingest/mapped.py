"""Text that remembers, for every character, where it came from in the raw file."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


def _align(replacement: str, matched: str, origin: list[int]) -> list[int]:
    """Origins for a replacement: characters found (in order) in the matched text keep their
    origin; characters the replacement adds get -1."""
    idx = matched.find(replacement) if replacement else -1
    if idx >= 0:
        return origin[idx : idx + len(replacement)]
    out: list[int] = []
    j = 0
    for ch in replacement:
        k = matched.find(ch, j)
        if k >= 0:
            out.append(origin[k])
            j = k + 1
        else:
            out.append(-1)
    return out


@dataclass
class MText:
    text: str
    origin: list[int]

    @classmethod
    def from_raw(cls, raw: str, start: int, end: int) -> MText:
        return cls(raw[start:end], list(range(start, end)))

    @classmethod
    def literal(cls, text: str) -> MText:
        return cls(text, [-1] * len(text))

    @classmethod
    def join(cls, parts: Iterable[MText], sep: str) -> MText:
        text: list[str] = []
        origin: list[int] = []
        for i, p in enumerate(parts):
            if i:
                text.append(sep)
                origin.extend([-1] * len(sep))
            text.append(p.text)
            origin.extend(p.origin)
        return cls("".join(text), origin)

    def __add__(self, other: MText) -> MText:
        return MText(self.text + other.text, self.origin + other.origin)

    def __len__(self) -> int:
        return len(self.text)

    def slice(self, start: int, end: int) -> MText:
        return MText(self.text[start:end], self.origin[start:end])

    def strip(self) -> MText:
        s = len(self.text) - len(self.text.lstrip())
        e = len(self.text.rstrip())
        return self.slice(s, max(s, e))

    def sub(self, pattern: str | re.Pattern[str], repl: str | Callable[[re.Match[str]], str],
            flags: int = 0) -> MText:
        rx = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        text: list[str] = []
        origin: list[int] = []
        last = 0
        for m in rx.finditer(self.text):
            text.append(self.text[last : m.start()])
            origin.extend(self.origin[last : m.start()])
            r = repl(m) if callable(repl) else m.expand(repl)
            text.append(r)
            origin.extend(_align(r, m.group(0), self.origin[m.start() : m.end()]))
            last = m.end()
        if last == 0 and not text:
            return self
        text.append(self.text[last:])
        origin.extend(self.origin[last:])
        return MText("".join(text), origin)


def origin_runs(origin: list[int]) -> list[list[int]]:
    """Compress an origin array into runs ``[clean_start, raw_start, length]``."""
    runs: list[list[int]] = []
    for i, o in enumerate(origin):
        if o < 0:
            continue
        if runs and runs[-1][0] + runs[-1][2] == i and runs[-1][1] + runs[-1][2] == o:
            runs[-1][2] += 1
        else:
            runs.append([i, o, 1])
    return runs


def raw_segments(runs: list[list[int]], start: int, end: int) -> list[tuple[int, int]]:
    """Raw-file spans that the cleaned range [start, end) was made from, in cleaned order."""
    out: list[tuple[int, int]] = []
    for c0, r0, n in runs:
        s, e = max(start, c0), min(end, c0 + n)
        if s < e:
            seg = (r0 + s - c0, r0 + e - c0)
            if out and out[-1][1] <= seg[0] <= out[-1][1] + 2:
                out[-1] = (out[-1][0], seg[1])
            else:
                out.append(seg)
    return out


@dataclass
class Block:
    text: MText
    kind: str = "para"  # para | heading | list | footnote | meta
    col_break: bool = False  # began at a column/page break in a PDF extraction

    @property
    def s(self) -> str:
        return self.text.text
