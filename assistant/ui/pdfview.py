"""The PDF view served by the app (offline): a PDF source at its cited page, drawn by pdf.js
(:mod:`assistant.ui.pdfjs`), with the lines of the cited passage marked and scrolled into
view by ``public/pdfview.js``. The page carries what the script needs in data attributes
(the app's Content-Security-Policy allows no inline script); every string is HTML-escaped.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from ingest.text import long_date

STYLE = """
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       margin: 0; color: #1c2430; background: #eef1f4; }
header { padding: 0.8rem 1.25rem; border-bottom: 1px solid #dde3ea; background: #f6f8fa; }
header h1 { font-size: 1.25rem; margin: 0 0 0.3rem; line-height: 1.35; }
header p { margin: 0.15rem 0; color: #4a5563; font-size: 0.95rem; }
nav { display: flex; gap: 0.5rem; align-items: center; margin-top: 0.4rem; }
nav button { font: inherit; padding: 0.2rem 0.7rem; border: 1px solid #b8c2cc; border-radius: 6px;
             background: #fff; color: #1c2430; cursor: pointer; }
main { padding: 1rem 0.5rem 40vh; }
#page { position: relative; margin: 0 auto; background: #fff; box-shadow: 0 1px 6px #0002; }
#page canvas { display: block; }
.pa-hit { position: absolute; background: rgb(255 214 0 / 0.38); mix-blend-mode: multiply;
          border-radius: 2px; scroll-margin-top: 30vh; }
#cited-text { max-width: 46rem; margin: 1rem auto; font-size: 0.95rem; color: #4a5563; }
a { color: #1a5fb4; }
"""


def pdf_page_html(doc: dict[str, Any], doc_id: str, page: int, cited: str,
                  text_href: str) -> str:
    """The viewer page for ``doc`` (the index's record) at ``page``, marking ``cited``."""
    meta = doc.get("meta") or {}
    esc = html.escape
    title = str(meta.get("title") or doc_id)
    facts = " · ".join(x for x in (str(meta.get("publisher") or ""),
                                    long_date(str(meta.get("date") or ""))) if x)
    file_href = f"/pa/file/{quote(doc_id, safe='')}"
    data = {"file": file_href, "page": str(max(1, page)), "cited": cited,
            "lib": "/pa/pdfjs/build/pdf.min.mjs", "worker": "/pa/pdfjs/build/pdf.worker.min.mjs",
            "fonts": "/pa/pdfjs/standard_fonts/", "cmaps": "/pa/pdfjs/cmaps/"}
    attrs = " ".join(f'data-{k}="{esc(v, quote=True)}"' for k, v in data.items())
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{esc(title)} (PDF)</title><style>{STYLE}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><p>{esc(facts)}</p>"
        f"<p><a href=\"{esc(file_href)}\">The original file ({esc(str(meta.get('file') or ''))})"
        f"</a> · <a href=\"{esc(text_href, quote=True)}\">The cleaned text at this passage</a></p>"
        "<nav aria-label=\"Pages\"><button type=\"button\" id=\"prev\">Previous page</button>"
        "<span id=\"where\" aria-live=\"polite\"></span>"
        "<button type=\"button\" id=\"next\">Next page</button></nav></header>"
        f"<main id=\"viewer\" {attrs}><div id=\"page\"><canvas aria-hidden=\"true\"></canvas>"
        "</div><p id=\"cited-text\"></p></main>"
        "<script type=\"module\" src=\"/public/pdfview.js\"></script></body></html>"
    )
