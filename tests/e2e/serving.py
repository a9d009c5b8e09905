"""Helpers of the browser tests: the real app as a subprocess, and Debian's Chromium driven
by Playwright, with every request to a host other than the loopback aborted."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
START_DEADLINE_S = 300  # first start may build an index on 2 busy cores


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    db: Path
    log: Path
    proc: subprocess.Popen[bytes]
    startup_s: float = 0.0

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(workdir: Path, env_extra: dict[str, str]) -> Server:
    """``policy-assistant serve --headless --port N`` with a clean environment."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PA_", "CHAINLIT_"))}
    env.update(env_extra)
    env["PA_FEEDBACK_DB"] = str(workdir / "chat.db")
    log = workdir / "server.log"
    exe = Path(sys.executable).with_name("policy-assistant")
    t0 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen([str(exe), "serve", "--headless", "--port", str(port)],
                                cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", workdir / "chat.db", log, proc)
    deadline = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.url, timeout=5) as r:
                if r.status == 200:
                    server.startup_s = time.perf_counter() - t0
                    return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    stop_server(server)
    raise RuntimeError(f"server did not answer in {START_DEADLINE_S} s:\n{server.log_text()}")


def stop_server(server: Server) -> None:
    if server.proc.poll() is None:
        os.killpg(server.proc.pid, signal.SIGTERM)
        try:
            server.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()


@dataclass
class Browser:
    browser: Any
    blocked: list[str] = field(default_factory=list)

    def new_page(self, width: int = 1400, height: int = 900, clipboard: bool = False,
                 bypass_csp: bool = False) -> Any:
        """A page in a fresh context (its own cookies); a phone is 390 x 844. ``bypass_csp``
        lets a test inject its own tooling (axe-core) past the app's Content-Security-Policy."""
        context = self.browser.new_context(viewport={"width": width, "height": height},
                                           accept_downloads=True, is_mobile=width < 500,
                                           has_touch=width < 500, bypass_csp=bypass_csp)
        if clipboard:
            context.grant_permissions(["clipboard-read", "clipboard-write"])

        def route(r: Any) -> None:
            if urlparse(r.request.url).hostname in LOCAL_HOSTS:
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.set_default_timeout(90_000)
        return page
