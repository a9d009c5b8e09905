"""Cluster load test: ``deploy/cluster.sh`` starts PostgreSQL, N replicas and nginx on loopback
(login on); signed-in users drive it as browsers do (:mod:`evals.cluster_client`).

1. Throughput: C concurrent conversations, Q questions through nginx; answers/s, latency, and
   each replica's memory, next to one single process (local index, SQLite) in the same run.
2. Turns on different replicas: a conversation answered by replica 1, then by replica 2
   (same thread); the follow-up must use the first turn, and the brief holds both answers.
   Sticky sessions: an action sent to the other replica fails; through nginx it does not.
3. A replica killed (SIGKILL) mid-run: its users reconnect through nginx to the other one
   and continue their threads; every answer they received and every feedback acknowledged
   must be in the database afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.cluster_client import AskError, Reply, User
from evals.loadtest import ROOT, MemorySampler, _pct, conversation_scripts, log_stderr

# A follow-up that needs the first turn to be read ('she' is Schmid) and that the collection
# answers, so both answers can go into the brief. ('What else did she say?' is refused: the
# first answer already quotes everything the documents have her say.)
FOLLOW_UP = ("Who opened the OSCE launch event for the study on technology-facilitated "
             "trafficking?", "What did she say the OSCE has to offer?", "Schmid")


@dataclass
class Cluster:
    base: str
    ports: list[int]
    pids: list[int]
    db_url: str


@contextlib.contextmanager
def running_cluster(replicas: int, port: int, run: Path, env: dict[str, str],
                    log: Callable[[str], None] = log_stderr) -> Iterator[Cluster]:
    """``deploy/cluster.sh start`` … ``stop`` (always), with ``env`` added."""
    full = {**os.environ, **env, "PA_REPLICAS": str(replicas), "PA_CLUSTER_PORT": str(port),
            "PA_CLUSTER_RUN": str(run)}
    script = str(ROOT / "deploy" / "cluster.sh")
    log(f"starting {replicas} replicas behind nginx on 127.0.0.1:{port}")
    try:
        subprocess.run([script, "start"], env=full, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, timeout=600)
        url = subprocess.run([*_cli(), "db", "url", "--data", full["PA_PGDATA"]], env=full,
                             capture_output=True, text=True, check=True).stdout.strip()
        pids = [int((run / f"replica-{i}.pid").read_text()) for i in range(1, replicas + 1)]
        yield Cluster(f"http://127.0.0.1:{port}", [port + i for i in range(1, replicas + 1)],
                      pids, url)
    finally:
        subprocess.run([script, "stop"], env=full, cwd=ROOT, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _cli() -> list[str]:
    from evals.loadtest import _cli as cli

    return cli()


@dataclass
class Run:
    replies: list[Reply] = field(default_factory=list)
    feedback_ids: list[str] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    reconnected: int = 0  # questions asked again after the user's replica went away

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {detail[:200]}")


async def _user(user: User, base: str, script: list[str], budget: list[int], run: Run,
                on_answer: Callable[[int], None]) -> None:
    """One signed-in user, starting where ``user.base`` points; after a disconnection it
    reconnects through ``base`` (nginx)."""
    try:
        await user.connect()
        previous: Reply | None = None
        for q in script:
            if budget[0] <= 0:
                break
            budget[0] -= 1
            try:
                reply = await user.ask(q)
            except AskError as exc:
                if exc.kind != "disconnected":
                    run.error(exc.kind, str(exc))
                    continue
                run.reconnected += 1  # its replica went away: continue the thread elsewhere
                await _reconnect(user, base)
                reply = await user.ask(q)
            run.replies.append(reply)
            on_answer(len(run.replies))
            if previous is not None and len(run.replies) % 3 == 0:  # rate the answer before
                run.feedback_ids.append(await _rate(user, base, previous, len(run.replies) % 2))
            previous = reply
    except Exception as exc:  # noqa: BLE001 - every failure is a counted error
        run.error("client", f"{type(exc).__name__}: {exc}")
    finally:
        await user.close()


async def _reconnect(user: User, base: str, tries: int = 5) -> None:
    """Through nginx (which stops routing to a dead replica after one failure)."""
    for i in range(tries):
        try:
            await user.connect(base)
            return
        except Exception:
            if i == tries - 1:
                raise
            await asyncio.sleep(0.5)


async def _rate(user: User, base: str, reply: Reply, value: int) -> str:
    """Feedback, sent again through nginx if the user's replica went away meanwhile."""
    import aiohttp

    try:
        return await user.rate(reply, value)
    except aiohttp.ClientConnectionError:
        await _reconnect(user, base)
        return await user.rate(reply, value)


async def drive(base: str, creds: tuple[str, str], conversations: int, questions: int,
                on_answer: Callable[[int], None] = lambda n: None,
                start_on: list[str] | None = None) -> tuple[Run, float]:
    """``start_on``: replica URLs the conversations start on in turn (else through nginx)."""
    scripts = conversation_scripts(conversations)
    budget, run = [questions], Run()
    users = [User(start_on[i % len(start_on)] if start_on else base, *creds)
             for i in range(conversations)]
    for user in users:  # people sign in one after another, not all in the same instant: the
        await user.login()  # login guard counts a login in progress as a failure until it ends
    t0 = time.perf_counter()
    tasks = []
    for i, (s, user) in enumerate(zip(scripts, users, strict=True)):
        long = s * (questions // max(1, len(s) * conversations) + 2)
        tasks.append(asyncio.create_task(_user(user, base, long, budget, run, on_answer)))
        if i % 10 == 9:
            await asyncio.sleep(0.05)
    await asyncio.gather(*tasks)
    return run, time.perf_counter() - t0


def figures(run: Run, wall: float) -> dict[str, Any]:
    secs = [r.seconds for r in run.replies]
    return {"answered": len(run.replies), "errors": sum(run.errors.values()),
            "errors_by_kind": run.errors, "error_examples": run.examples,
            "wall_s": round(wall, 2), "answers_per_s": round(len(secs) / wall, 2),
            "p50_ms": _pct(secs, 50), "p95_ms": _pct(secs, 95),
            "first_token_p50_ms": _pct([r.first_token_s for r in run.replies
                                        if r.first_token_s is not None], 50),
            "by_replica": {u: sum(1 for r in run.replies if r.upstream == u)
                           for u in sorted({r.upstream for r in run.replies})}}


def saved(db_url: str, run: Run) -> dict[str, int]:
    """How many of the answers received and feedback acknowledged the database lacks."""
    from assistant.chatdb import connect_sync

    ids = [r.message_id for r in run.replies]
    with connect_sync(db_url) as db:
        assert db is not None
        def count(query: str, keys: list[str]) -> int:
            return len(db.all(query, (keys,))) if keys else 0
        answers = count('SELECT "messageId" FROM pa_answers WHERE "messageId" = ANY(?)', ids)
        steps = count("SELECT id FROM steps WHERE id = ANY(?)", ids)
        fbs = count("SELECT id FROM feedbacks WHERE id = ANY(?)", run.feedback_ids)
    return {"answers_received": len(ids), "answers_missing": len(ids) - answers,
            "messages_missing": len(ids) - steps, "feedback_acknowledged": len(run.feedback_ids),
            "feedback_missing": len(run.feedback_ids) - fbs}


def sample(pids: list[int]) -> list[MemorySampler]:
    samplers = [MemorySampler(pid) for pid in pids]
    for s in samplers:
        s.start()
    return samplers


def killer(pid: int, after: int) -> Callable[[int], None]:
    """Kill ``pid`` (SIGKILL) once ``after`` answers have been given."""
    done: list[int] = []

    def on_answer(n: int) -> None:
        if n >= after and not done:
            done.append(n)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    return on_answer


def wait_gone(pid: int, timeout_s: float = 10) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


def summary(pids: list[int], samplers: list[MemorySampler]) -> dict[str, Any]:
    for s in samplers:
        s.stop()
    return {str(pid): s.summary() for pid, s in zip(pids, samplers, strict=True)}


def _free(n: int) -> int:
    """A port with the next ``n`` free as well (nginx, then the replicas)."""
    import socket

    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + n < 65000 and all(_port_free(base + i) for i in range(1, n + 1)):
            return base
    raise RuntimeError("no run of free ports")


def _port_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True

