"""Errors whose message is written for the user (one line, says what to do)."""

from __future__ import annotations


class QuestionError(ValueError):
    """A question we refuse to process (empty, too long)."""


class NotReadyError(RuntimeError):
    """The assistant cannot start: no index, a damaged one, or no embedding model."""
