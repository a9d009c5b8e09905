"""Bytes of a text file to text: UTF-8, UTF-16/32 (by their byte-order mark or by the pattern of
zero bytes that ASCII-range characters leave), Windows-1252, or a guessed encoding; ``None``
for binary content."""

from __future__ import annotations

import codecs

# UTF-32 before UTF-16: the UTF-32-LE mark begins with the UTF-16-LE one.
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def _control_heavy(sample: str | bytes) -> bool:
    codes = sample if isinstance(sample, bytes) else [ord(c) for c in sample]
    control = sum(1 for b in codes if b < 32 and b not in (9, 10, 12, 13))
    return control > max(8, len(codes) // 50)


def _zero_pattern(sample: bytes) -> list[str]:
    """Wide encodings whose zero-byte layout the sample fits, most specific first: ASCII-range
    characters are one non-zero byte and one (UTF-16) or three (UTF-32) zero bytes."""
    zeros = [i for i, b in enumerate(sample) if b == 0]
    if len(zeros) < max(2, len(sample) // 100):
        return []
    by4 = [sum(1 for i in zeros if i % 4 == k) for k in range(4)]
    by2 = [by4[0] + by4[2], by4[1] + by4[3]]
    guesses = []
    if min(by4[1:]) > 0.9 * len(sample) / 4 - 4:
        guesses.append("utf-32-le")
    if min(by4[:3]) > 0.9 * len(sample) / 4 - 4:
        guesses.append("utf-32-be")
    if by2[1] >= 0.95 * len(zeros):
        guesses.append("utf-16-le")
    if by2[0] >= 0.95 * len(zeros):
        guesses.append("utf-16-be")
    return guesses


def _wide(data: bytes) -> tuple[str, str] | None:
    """(encoding, text) of UTF-16/32 content, or None."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return encoding, data[len(bom):].decode(encoding)
            except UnicodeDecodeError:
                return None
    for encoding in _zero_pattern(data[:8192]):
        width = 4 if "32" in encoding else 2
        try:
            text = data[: len(data) - len(data) % width].decode(encoding)
        except UnicodeDecodeError:
            continue
        if not _control_heavy(text[:4096]):
            return encoding, text
    return None


def _narrow(data: bytes, name: str, warnings: list[str]) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Western-European single-byte text (Windows-1252 / Latin-1) is by far the commonest
    # non-UTF-8 case for policy documents; other encodings are guessed.
    try:
        text = data.decode("cp1252")
        encoding = "Windows-1252/Latin-1"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        encoding = best.encoding if best is not None else "latin-1"
        text = data.decode(encoding, errors="replace")
    warnings.append(f"{name}: not UTF-8, decoded as {encoding}")
    return text


def decode_text(data: bytes, name: str, warnings: list[str]) -> str | None:
    """The text in ``data``, or None when it is binary content."""
    wide = _wide(data)
    if wide is not None:
        return None if _control_heavy(wide[1][:8192]) else wide[1]
    sample = data[:8192]
    if b"\x00" in sample or _control_heavy(sample):
        return None
    return _narrow(data, name, warnings)
