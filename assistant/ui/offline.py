"""Keep the page self-contained: no font, KaTeX or preconnect requests to other hosts.

``public/theme.json`` with ``"custom_fonts": []`` already drops the Google Fonts stylesheet;
Chainlit's page template still links a KaTeX stylesheet on a CDN (unused: LaTeX is off) and
preconnects to Google. A render-blocking stylesheet on an unreachable host can hold the page
blank until it times out, so these tags are removed from the HTML Chainlit serves.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_EXTERNAL_LINK = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>", re.I | re.S
)


def strip_external_links(html: str) -> str:
    """Remove ``<link>`` tags whose href points to another host."""
    return _EXTERNAL_LINK.sub("", html)


def install() -> None:
    """Wrap Chainlit's page template function (idempotent)."""
    import chainlit.server as server

    original: Callable[..., str] = server.get_html_template
    if getattr(original, "_pa_offline", False):
        return

    def offline_template(*args: Any, **kwargs: Any) -> str:
        return strip_external_links(original(*args, **kwargs))

    offline_template._pa_offline = True  # type: ignore[attr-defined]
    server.get_html_template = offline_template
