"""Briefs: the evidence on a topic, organised and cited, as Markdown or Word."""

from __future__ import annotations

from assistant.briefs.build import brief_from_answers, build_brief
from assistant.briefs.compare import compare
from assistant.briefs.docx import write_docx
from assistant.briefs.markdown import to_markdown
from assistant.briefs.model import Brief, Comparison

__all__ = ["Brief", "Comparison", "brief_from_answers", "build_brief", "compare", "to_markdown",
           "write_docx"]
