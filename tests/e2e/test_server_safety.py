"""A chat server safe to share (issue 13, items 9-14): real ``policy-assistant serve`` processes
answering real HTTP requests, with the word-hashing embedder (no model) on the real corpus."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.feedback import ensure_schema, feedback_records
from tests.e2e.serving import ROOT, Browser, Server, free_port, start_server, stop_server
from tests.e2e.test_browser import open_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.timeout(300)]
ALICE_PW = "alice-long-passphrase"
BOB_PW = "bob-password-1"
EVIL = "http://evil.example"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def fast_env(work: Path) -> dict[str, str]:
    return {"PA_EMBEDDING_BACKEND": "hash", "PA_CORPUS_DIR": str(ROOT / "corpus"),
            "PA_INDEX_DIR": str(work / "index")}


@pytest.fixture(scope="module")
def login_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Login on: alice in a users file written by ``users add`` (argon2), bob as a plain
    ``PA_AUTH_USERS`` entry; two stored conversations, one each."""
    work = tmp_path_factory.mktemp("login")
    users = work / "users.txt"
    made = subprocess.run(cli("users", "add", "alice", "--file", str(users), "--password-stdin"),
                          input=ALICE_PW + "\n", capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    db = ensure_schema(work / "chat.db")
    with sqlite3.connect(db) as con:
        for user, thread in (("alice", "ta"), ("bob", "tb")):
            con.execute('INSERT INTO threads (id, "userIdentifier", name) VALUES (?, ?, ?)',
                        (thread, user, f"{user}'s conversation"))
            con.execute('INSERT INTO steps (id, name, type, "threadId", output, streaming) '
                        "VALUES (?, 'Policy Assistant', 'assistant_message', ?, 'an answer', 0)",
                        (f"s-{thread}", thread))
    server = start_server(work, {**fast_env(work), "PA_AUTH_USERS_FILE": str(users),
                                 "PA_AUTH_USERS": f"bob:{BOB_PW}", "PA_LOGIN_BACKOFF_S": "600"})
    yield server
    stop_server(server)


def request(url: str, method: str = "GET", data: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read().decode()


def login(server: Server, user: str, password: str) -> tuple[int, dict[str, str], str]:
    form = urllib.parse.urlencode({"username": user, "password": password}).encode()
    return request(f"{server.url}/login", "POST", form,
                   {"Content-Type": "application/x-www-form-urlencoded"})


def session_cookie(server: Server, user: str, password: str) -> str:
    status, headers, body = login(server, user, password)
    assert status == 200, body
    return headers["set-cookie"].split(";")[0]


def put_feedback(server: Server, cookie: str, feedback: dict[str, Any]) -> int:
    body = json.dumps({"feedback": feedback, "sessionId": "no-session"}).encode()
    status, _h, _b = request(f"{server.url}/feedback", "PUT", body,
                             {"Content-Type": "application/json", "Cookie": cookie})
    return status


# ---- 11. security headers -----------------------------------------------------------------------
def test_security_headers_on_the_page_and_the_api(login_server: Server) -> None:
    for path in ("/", "/project/settings?language=en", "/no-such-page"):
        _status, headers, _body = request(login_server.url + path)
        csp = headers["content-security-policy"]
        assert csp.startswith("default-src 'self'; script-src 'self' 'sha256-")
        assert "frame-ancestors 'none'" in csp
        assert "connect-src 'self'" in csp
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


# ---- 10. cross-origin requests with credentials ----------------------------------------------
def test_other_origins_get_no_cors_grant_own_origin_does(login_server: Server) -> None:
    port = login_server.url.rsplit(":", 1)[1]
    _s, simple, _b = request(login_server.url + "/project/settings?language=en",
                             headers={"Origin": EVIL})
    assert "access-control-allow-origin" not in simple
    preflight = {"Origin": EVIL, "Access-Control-Request-Method": "PUT"}
    status, headers, _b = request(login_server.url + "/feedback", "OPTIONS", headers=preflight)
    assert status == 400
    assert "access-control-allow-origin" not in headers
    own = {**preflight, "Origin": f"http://localhost:{port}"}
    status, headers, _b = request(login_server.url + "/feedback", "OPTIONS", headers=own)
    assert status == 200
    assert headers["access-control-allow-origin"] == f"http://localhost:{port}"


def test_socket_connections_only_from_own_origin(login_server: Server) -> None:
    port = login_server.url.rsplit(":", 1)[1]
    handshake = f"{login_server.url}/ws/socket.io/?EIO=4&transport=polling"
    status, _h, body = request(handshake, headers={"Origin": EVIL})
    assert status == 400
    assert body == f"\"{EVIL} is not an accepted origin.\""
    for own in (f"http://localhost:{port}", login_server.url):
        status, _h, body = request(handshake, headers={"Origin": own})
        assert status == 200
        assert body.startswith('0{"sid":')


# ---- 13. feedback only on one's own threads ---------------------------------------------------
def test_feedback_on_another_users_thread_is_refused(login_server: Server) -> None:
    bob = session_cookie(login_server, "bob", BOB_PW)
    alice = session_cookie(login_server, "alice", ALICE_PW)
    assert put_feedback(login_server, bob, {"forId": "s-ta", "threadId": "ta", "value": 0,
                                            "comment": "bob writes on alice's thread"}) == 403
    assert put_feedback(login_server, bob, {"forId": "s-ta", "threadId": "tb", "value": 0,
                                            "comment": "alice's message, bob's thread"}) == 403
    assert put_feedback(login_server, bob, {"forId": "s-tb", "threadId": "tb", "value": 1,
                                            "comment": "bob on his own"}) == 200
    assert put_feedback(login_server, alice, {"id": "fb-a", "forId": "s-ta", "threadId": "ta",
                                              "value": 1, "comment": "alice on hers"}) == 200
    assert put_feedback(login_server, bob, {"id": "fb-a", "forId": "s-tb", "threadId": "tb",
                                            "value": 0, "comment": "bob takes it over"}) == 403
    status, _h, _b = request(f"{login_server.url}/feedback", "DELETE",
                             json.dumps({"feedbackId": "fb-a"}).encode(),
                             {"Content-Type": "application/json", "Cookie": bob})
    assert status == 403
    rows = {(r["user"], r["comment"]) for r in feedback_records(login_server.db)}
    assert rows == {("bob", "bob on his own"), ("alice", "alice on hers")}


# ---- 12. login back-off (last: it blocks this test client's address) ---------------------------
def test_thirty_wrong_passwords_then_the_right_one_is_refused(login_server: Server) -> None:
    statuses = [login(login_server, "alice", f"guess-{i}")[0] for i in range(30)]
    assert statuses == [401] * 5 + [429] * 25
    status, headers, _body = login(login_server, "alice", ALICE_PW)
    assert status == 429
    assert int(headers["retry-after"]) > 500
    log = login_server.log_text()
    assert log.count("login failed: user 'alice' from 127.0.0.1") == 5
    assert "login refused (too many failures" in log
    assert ALICE_PW not in log


# ---- 9 and 14. no login beyond loopback; an empty users-file setting is unset --------------------
def test_serve_refuses_all_interfaces_without_login_even_with_empty_users_file(
        tmp_path: Path) -> None:
    env = {**os.environ, **fast_env(tmp_path), "PA_AUTH_USERS_FILE": "", "PA_AUTH_USERS": ""}
    out = subprocess.run(cli("serve", "--host", "0.0.0.0", "--port", str(free_port()),
                             "--headless"), env=env, cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 5
    assert out.stderr.startswith("error: refusing to listen on 0.0.0.0 without login: ")
    assert "--allow-no-login" in out.stderr
    assert "Is a directory" not in out.stderr
    assert not (tmp_path / "index").exists()  # refused before any work


# ---- 11. the page still works under its Content-Security-Policy -------------------------------
def test_chat_works_in_a_browser_under_the_policy(chromium: Browser, tmp_path: Path) -> None:
    server = start_server(tmp_path, fast_env(tmp_path))
    try:
        page = chromium.new_page()
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)
        open_app(page, server)  # signed in first: typing before the redirect loses the text
        page.fill("textarea#chat-input", "What share of sex trafficking victims are advertised "
                  "online?")
        page.wait_for_selector("#chat-submit:enabled")
        page.keyboard.press("Enter")
        page.wait_for_selector('[data-step-type="assistant_message"]')
        assert violations == []
    finally:
        stop_server(server)


# ---- 1. the server's start-up ingest waits for a running ingest, and says so --------------------
def test_serve_startup_ingest_waits_for_a_running_ingest(tmp_path: Path) -> None:
    from tests.ingest_procs import paused

    env = fast_env(tmp_path)
    holder = paused("embed", "ingest", "--corpus", env["PA_CORPUS_DIR"], "--index",
                    env["PA_INDEX_DIR"], cwd=tmp_path)
    server: Server | None = None
    try:
        server = start_server(tmp_path, env)
        said = f"another ingest is running on this index (pid {holder.pid} on "
        deadline = time.monotonic() + 120
        while said not in server.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert said in server.log_text()
        os.kill(holder.pid, signal.SIGCONT)
        holder.communicate(timeout=120)
        assert holder.returncode == 0
        while "Ready:" not in server.log_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "index up to date" in server.log_text()
    finally:
        if holder.returncode is None:
            os.kill(holder.pid, signal.SIGCONT)
            holder.communicate(timeout=120)
        if server is not None:
            stop_server(server)
