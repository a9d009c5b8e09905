"""HTTP hardening of the chat server, applied to Chainlit's FastAPI app before it starts.

* Security headers on every response: a Content-Security-Policy that allows only this server
  (the app is offline; the two inline scripts of Chainlit's page are allowed by their hashes),
  no framing by other sites, no MIME sniffing, no referrer sent elsewhere.
* Cross-origin requests with credentials only from the server's own origins (and those in
  ``PA_ALLOWED_ORIGINS``): Chainlit allows ``*`` with credentials, which lets any web page a
  logged-in user visits call the API as that user; and it accepts Socket.IO connections from
  any origin.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import re
from collections.abc import Callable
from typing import Any

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def own_origins(host: str, port: int, extra: list[str]) -> list[str]:
    """Origins that may call the server with credentials: its loopback names, the host it
    was started on when that is a name or address (not a wildcard), and ``extra``."""
    names = ["localhost", "127.0.0.1", "[::1]"]
    if host not in ("0.0.0.0", "::", "") and not is_loopback(host):
        names.append(f"[{host}]" if ":" in host else host)
    return [*(f"http://{n}:{port}" for n in names), *(o.rstrip("/") for o in extra)]


def inline_script_hashes(html: str) -> list[str]:
    return sorted({"'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest())
                   .decode() + "'" for body in _INLINE_SCRIPT.findall(html)})


def content_security_policy(script_hashes: list[str]) -> str:
    return "; ".join([
        "default-src 'self'",
        " ".join(["script-src 'self'", *script_hashes]),
        "style-src 'self' 'unsafe-inline'",  # the UI's component library injects styles
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' blob:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(csp: str) -> list[tuple[bytes, bytes]]:
    return [(b"content-security-policy", csp.encode()),
            (b"x-frame-options", b"DENY"),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"cross-origin-opener-policy", b"same-origin")]


class SecurityHeaders:
    """Pure ASGI middleware: set the security headers on every HTTP response."""

    def __init__(self, app: ASGIApp, headers: list[tuple[bytes, bytes]]) -> None:
        self.app = app
        self.headers = headers
        self.names = {name for name, _ in headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", [])
                        if k.lower() not in self.names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, with_headers)


def restrict_cors(app: Any, origins: list[str]) -> None:
    """Replace the allowed origins of the app's CORS middleware (before the app starts)."""
    for i, middleware in enumerate(app.user_middleware):
        if middleware.cls is CORSMiddleware:
            app.user_middleware[i] = Middleware(
                CORSMiddleware, **{**middleware.kwargs, "allow_origins": origins})


def socket_origin_check(origins: list[str]) -> Callable[[str | None, dict[str, Any]], bool]:
    """For the Socket.IO server (Chainlit disables its origin check): a browser may connect
    from the page's own origin (as the request's Host and any proxy's X-Forwarded-Proto/Host
    name it) or from ``origins``."""
    allowed = set(origins)

    def check(origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None or origin in allowed:
            return True
        host = environ.get("HTTP_HOST", "")
        scheme = environ.get("wsgi.url_scheme", "http")
        forwarded = (environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip() + "://"
                     + environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip())
        return origin in (f"{scheme}://{host}", forwarded)

    return check


def install(host: str, port: int, extra_origins: list[str]) -> list[str]:
    """Harden Chainlit's app; returns the allowed origins. Call after Chainlit's config is
    loaded and before the server starts."""
    import chainlit.server as server
    from chainlit.config import config

    origins = own_origins(host, port, extra_origins)
    restrict_cors(server.app, origins)
    server.sio.eio.cors_allowed_origins = socket_origin_check(origins)
    csp = content_security_policy(
        inline_script_hashes(server.get_html_template(config.run.root_path)))
    server.app.add_middleware(SecurityHeaders, headers=security_headers(csp))
    return origins
