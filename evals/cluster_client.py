"""One signed-in user of the chat window, as the browser is: ``/login``, the sticky-session
cookie (``/set-session-cookie``), Chainlit's Socket.IO protocol, and the HTTP calls the page
makes (feedback, actions). Used by the cluster load test (:mod:`evals.cluster`)."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

SOCKET_PATH = "/ws/socket.io"


class AskError(RuntimeError):
    """The question got no answer: ``kind`` is timeout, disconnected or server_message."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind


@dataclass
class Reply:
    message_id: str
    thread_id: str
    metadata: dict[str, Any]
    upstream: str  # the replica that served the session (nginx's X-PA-Upstream)
    seconds: float
    first_token_s: float | None


@dataclass
class User:
    """A browser tab of one signed-in user; ``thread_id`` carries over reconnections."""

    base: str
    username: str
    password: str
    thread_id: str = ""
    session_id: str = ""
    upstream: str = ""
    http: Any = None
    sio: Any = None
    toasts: list[str] = field(default_factory=list)
    _state: dict[str, Any] = field(default_factory=dict)

    async def login(self) -> None:
        import aiohttp

        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True),
                                          connector=aiohttp.TCPConnector(force_close=True))
        form = aiohttp.FormData({"username": self.username, "password": self.password})
        async with self.http.post(f"{self.base}/login", data=form) as resp:
            if resp.status != 200:
                raise RuntimeError(f"login failed: HTTP {resp.status}")

    def _cookie_header(self) -> str:
        from yarl import URL

        jar = self.http.cookie_jar.filter_cookies(URL(self.base))
        return "; ".join(f"{k}={v.value}" for k, v in jar.items())

    async def connect(self, base: str | None = None) -> None:
        """A new websocket session (sticky cookie first), resuming ``thread_id`` if set."""
        import socketio

        self.base = base or self.base
        self.session_id = str(uuid.uuid4())
        async with self.http.post(f"{self.base}/set-session-cookie",
                                  json={"session_id": self.session_id}) as resp:
            await resp.read()
        self.sio = socketio.AsyncClient(reconnection=False, request_timeout=30)
        st = self._state = {"done": asyncio.Event(), "ready": asyncio.Event(), "answer": None,
                            "other": None, "first": None, "thread": ""}
        self.sio.on("task_end", self._task_end)
        self.sio.on("stream_token", self._token)
        self.sio.on("new_message", self._message)
        self.sio.on("update_message", self._message)
        self.sio.on("toast", lambda data: self.toasts.append(str((data or {}).get("message"))))
        await self.sio.connect(self.base, socketio_path=SOCKET_PATH, transports=["websocket"],
                               headers={"Cookie": self._cookie_header()}, wait_timeout=30,
                               auth={"sessionId": self.session_id, "userEnv": "{}",
                                     "clientType": "webapp", "chatProfile": "",
                                     "threadId": self.thread_id})
        async with self.http.get(f"{self.base}/user") as resp:  # routed as the socket was
            self.upstream = resp.headers.get("X-PA-Upstream", "")
        await self.sio.emit("connection_successful")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(st["ready"].wait(), 30)
        st["ready"].set()

    async def _task_end(self, *_: Any) -> None:
        st = self._state
        st["ready"].set()
        if st["answer"] is not None or st["other"] is not None:
            st["done"].set()

    async def _token(self, *_: Any) -> None:
        if self._state["first"] is None:
            self._state["first"] = time.perf_counter()

    async def _message(self, msg: Any) -> None:
        st = self._state
        if not isinstance(msg, dict) or not st["ready"].is_set():
            return
        if msg.get("threadId"):
            st["thread"] = str(msg["threadId"])
        if msg.get("type") != "assistant_message":
            return
        if (msg.get("metadata") or {}).get("answer") is not None:
            st["answer"] = msg
        elif msg.get("isError") or (msg.get("output") and "Your answer follows" not in
                                    str(msg.get("output"))):
            st["other"] = str(msg.get("output"))[:200]

    async def ask(self, question: str, timeout_s: float = 120.0) -> Reply:
        st = self._state
        st["done"].clear()
        st.update(answer=None, other=None, first=None)
        payload = {"message": {"id": str(uuid.uuid4()), "threadId": self.thread_id,
                               "name": "User", "type": "user_message", "output": question,
                               "createdAt": datetime.now(UTC).isoformat()},
                   "fileReferences": []}
        t0 = time.perf_counter()
        try:
            await self.sio.emit("client_message", payload)
        except Exception as exc:
            if self.sio.connected:
                raise
            raise AskError("disconnected", question[:80]) from exc
        waiter = asyncio.ensure_future(st["done"].wait())
        while not waiter.done():
            await asyncio.wait({waiter}, timeout=0.5)
            if not self.sio.connected:
                waiter.cancel()
                raise AskError("disconnected", question[:80])
            if time.perf_counter() - t0 > timeout_s:
                waiter.cancel()
                raise AskError("timeout", question[:80])
        if st["answer"] is None:
            raise AskError("server_message", str(st["other"]))
        msg = st["answer"]
        self.thread_id = str(msg.get("threadId") or st["thread"] or self.thread_id)
        first = st["first"] - t0 if st["first"] is not None else None
        return Reply(str(msg["id"]), self.thread_id, dict(msg.get("metadata") or {}),
                     self.upstream, time.perf_counter() - t0, first)

    async def rate(self, reply: Reply, value: int, comment: str = "") -> str:
        """Thumbs up (1) or down (0) on an answer, as the page does; returns the feedback id."""
        body = {"sessionId": self.session_id,
                "feedback": {"forId": reply.message_id, "threadId": reply.thread_id,
                             "value": value, "comment": comment}}
        async with self.http.put(f"{self.base}/feedback", json=body) as resp:
            data = await resp.json(content_type=None)
            if resp.status != 200:
                raise RuntimeError(f"feedback refused: HTTP {resp.status} {data}")
            return str(data["feedbackId"])

    async def action(self, name: str, message_id: str, base: str | None = None) -> int:
        """Click an action button under a message; returns the HTTP status."""
        body = {"sessionId": self.session_id,
                "action": {"name": name, "payload": {"message_id": message_id},
                           "forId": message_id, "id": str(uuid.uuid4()), "label": name}}
        async with self.http.post(f"{base or self.base}/project/action", json=body) as resp:
            await resp.read()
            return int(resp.status)

    async def disconnect(self) -> None:
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()

    async def close(self) -> None:
        await self.disconnect()
        if self.http is not None:
            await self.http.close()
