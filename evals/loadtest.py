"""Load test: many concurrent conversations against the running chat server, over loopback.

``policy-assistant loadtest`` starts ``policy-assistant serve --headless`` on 127.0.0.1 (or drives
a server already running on 127.0.0.1 with ``--url``) and opens N conversations at once through
Chainlit's own Socket.IO protocol, exactly as the browser does: connect with a session id, send
``connection_successful``, then ``client_message`` per question; a question is answered when the
server sends ``task_end``. Every conversation asks its questions one after the other (follow-ups
keep the conversation's history on the server).

It is bounded: a total number of questions, a wall-clock limit, and a timeout per question; it
stops by itself and always shuts down the server it started. It reports throughput, latency
(time to first token and to the complete answer) p50/p95/max, errors by kind, and the server's
memory (RSS of the server process tree, sampled twice a second) at start, peak and end, with the
growth between the first and the last fifth of the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SOCKET_PATH = "/ws/socket.io"
LOOPBACK = "127.0.0.1"


def log_stderr(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def serve_available() -> bool:
    return importlib.util.find_spec("assistant.cli.serve") is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def _cli() -> list[str]:
    exe = Path(sys.executable).with_name("policy-assistant")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "assistant"]


def wait_http(url: str, timeout_s: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout_s
    last = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status < 500:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.5)
    raise TimeoutError(f"server at {url} not ready after {timeout_s:.0f} s ({last})")


@contextlib.contextmanager
def running_server(index_dir: Path | None = None, port: int = 0, ready_timeout_s: float = 300,
                   extra_env: dict[str, str] | None = None,
                   log: Callable[[str], None] = log_stderr) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start ``policy-assistant serve --headless`` on loopback; yield (url, process); stop it."""
    port = port or free_port()
    tmp = Path(tempfile.mkdtemp(prefix="pa-load-"))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PA_FEEDBACK_DB"] = str(tmp / "chat.db")
    env.pop("PA_AUTH_USERS", None)
    env.pop("PA_AUTH_USERS_FILE", None)
    # Its clients open anonymous socket sessions; single-user mode would have them sign in
    # through /login first, as a browser does, so it is off for the load test.
    env["PA_LOCAL_USER"] = ""
    cmd = [*_cli(), "serve", "--headless", "--port", str(port), "--host", LOOPBACK]
    if index_dir is not None:
        cmd += ["--index", str(index_dir), "--no-ingest"]
    else:  # the server builds its own index of the default collection at start-up
        env["PA_INDEX_DIR"] = str(tmp / "index")
    env.update(extra_env or {})
    errlog = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=errlog, stderr=subprocess.STDOUT, env=env, cwd=ROOT,
                            start_new_session=True)
    url = f"http://{LOOPBACK}:{port}"
    try:
        log(f"starting the server: policy-assistant {' '.join(cmd[1:])}")
        wait_http(url + "/", ready_timeout_s, proc)
        yield url, proc
    except BaseException:
        errlog.flush()
        tail = (tmp / "server.log").read_text(encoding="utf-8", errors="replace")[-2000:]
        log(f"server log (tail):\n{tail}")
        raise
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=20)
        errlog.close()
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


class MemorySampler(threading.Thread):
    """RSS of a process and its children, sampled until stopped."""

    def __init__(self, pid: int, interval_s: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.interval_s = interval_s
        self.samples: list[tuple[float, float]] = []
        self.t0_perf = time.perf_counter()
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psutil

        try:
            proc = psutil.Process(self.pid)
        except psutil.Error:
            return
        t0 = time.monotonic()
        self.t0_perf = time.perf_counter()
        while not self._stop_event.is_set():
            try:
                rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                self.samples.append((time.monotonic() - t0, rss / 2**20))
            except psutil.Error:
                pass
            self._stop_event.wait(self.interval_s)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=5)

    def summary(self) -> dict[str, Any]:
        if not self.samples:
            return {}
        rss = [r for _, r in self.samples]
        fifth = max(1, len(rss) // 5)
        first = sorted(rss[:fifth])[len(rss[:fifth]) // 2]
        last = sorted(rss[-fifth:])[len(rss[-fifth:]) // 2]
        return {"rss_start_mb": round(rss[0], 1), "peak_rss_mb": round(max(rss), 1),
                "rss_end_mb": round(rss[-1], 1), "rss_first_fifth_median_mb": round(first, 1),
                "rss_last_fifth_median_mb": round(last, 1), "rss_growth_mb": round(last - first, 1),
                "rss_samples": len(rss)}


def memory_checkpoints(sampler: MemorySampler, out: Outcome) -> dict[str, Any]:
    """Server RSS when 25/50/75/100 % of the answers had been given: growth between the half
    and the end (after the warm-up) is what would show a leak."""
    if not sampler.samples or not out.done_at:
        return {}
    t_sampler0 = sampler.t0_perf
    done = sorted(out.done_at)
    marks: dict[str, float] = {}
    for pct in (25, 50, 75, 100):
        t = done[max(0, round(len(done) * pct / 100) - 1)] - t_sampler0
        before = [r for ts, r in sampler.samples if ts <= t]
        marks[f"rss_at_{pct}pct_answers_mb"] = round(before[-1] if before else sampler.samples[0][1], 1)
    marks["rss_growth_second_half_mb"] = round(marks["rss_at_100pct_answers_mb"]
                                               - marks["rss_at_50pct_answers_mb"], 1)
    return marks


def conversation_scripts(n: int) -> list[list[str]]:
    """Question sequences from ``evals/cases``: each conversation starts with a standalone
    question; follow-up cases are asked after their own opening question."""
    import yaml

    singles: list[str] = []
    followups: list[list[str]] = []
    for path in sorted((ROOT / "evals" / "cases").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for c in data.get("cases", []) or []:
            if not isinstance(c, dict) or not c.get("question"):
                continue
            hist = [t.get("content", "") for t in c.get("history") or [] if t.get("role") == "user"]
            if hist:
                followups.append([*hist, str(c["question"])])
            else:
                singles.append(str(c["question"]))
    scripts = []
    for i in range(n):
        s = [singles[(i * 7 + j) % len(singles)] for j in range(3)]
        if followups:
            s += followups[i % len(followups)]
        scripts.append(s)
    return scripts


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    first_token: list[float] = field(default_factory=list)
    answer_message: list[float] = field(default_factory=list)  # the answer message arrived
    errors: dict[str, int] = field(default_factory=dict)
    error_examples: list[str] = field(default_factory=list)
    answered: int = 0
    done_at: list[float] = field(default_factory=list)  # perf_counter time of each answer

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_examples) < 10:
            self.error_examples.append(f"{kind}: {detail[:200]}")


class _Budget:
    def __init__(self, total: int, deadline: float) -> None:
        self.left = total
        self.deadline = deadline

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


WAITING_MARK = "Your answer follows as soon as it is ready"  # a status note, removed later
TROUBLE_MARK = "something went wrong while answering"


async def _conversation(url: str, script: list[str], budget: _Budget, out: Outcome,
                        question_timeout_s: float) -> None:
    """One user: connect like the browser, then ask the script's questions one at a time.

    A question is answered when the server has sent the answer message (an assistant message
    carrying the answer metadata) and then ``task_end``. An assistant message without that
    metadata which is not a status note is the server's error text: counted as an error."""
    import socketio

    sio = socketio.AsyncClient(reconnection=False, request_timeout=30)
    state: dict[str, Any] = {"done": asyncio.Event(), "first": None, "answer": None, "other": None,
                             "ready": asyncio.Event(), "chat_start": False}

    @sio.on("task_end")
    async def _task_end(*_: Any) -> None:
        if state["chat_start"]:
            state["ready"].set()  # the on_chat_start task (welcome) is over
        if state["answer"] is not None or state["other"] is not None:
            state["done"].set()

    @sio.on("stream_token")
    async def _token(*_: Any) -> None:
        if state["first"] is None:
            state["first"] = time.perf_counter()

    async def _message(msg: Any) -> None:
        if isinstance(msg, dict) and msg.get("name") == "on_chat_start":
            state["chat_start"] = True
        if not isinstance(msg, dict) or msg.get("type") != "assistant_message":
            return
        if not state["ready"].is_set():
            return  # a welcome message, before any question
        text = str(msg.get("output") or "")
        if msg.get("isError"):
            state["other"] = f"error message: {text[:200]}"
        elif (msg.get("metadata") or {}).get("answer") is not None:
            state["answer"] = msg
            state["answer_at"] = time.perf_counter()
        elif WAITING_MARK not in text and text:
            state["other"] = text[:200]

    sio.on("new_message", _message)
    sio.on("update_message", _message)
    session_id = str(uuid.uuid4())
    try:
        await sio.connect(url, socketio_path=SOCKET_PATH, transports=["websocket"], wait_timeout=30,
                          auth={"sessionId": session_id, "userEnv": "{}", "clientType": "webapp",
                                "chatProfile": None, "threadId": None})
    except Exception as exc:  # noqa: BLE001 - every failure is a counted error
        out.error("connect", f"{type(exc).__name__}: {exc}")
        return
    try:
        await sio.emit("connection_successful")
        with contextlib.suppress(TimeoutError):  # let on_chat_start finish first
            await asyncio.wait_for(state["ready"].wait(), 30)
        state["ready"].set()
        for q in script:
            if not budget.take():
                break
            state["done"].clear()
            state.update(first=None, answer=None, other=None)
            payload = {"message": {"id": str(uuid.uuid4()), "threadId": "", "name": "User",
                                   "type": "user_message", "output": q,
                                   "createdAt": datetime.now(UTC).isoformat()},
                       "fileReferences": []}
            t0 = time.perf_counter()
            await sio.emit("client_message", payload)
            try:
                await asyncio.wait_for(state["done"].wait(), question_timeout_s)
            except TimeoutError:
                out.error("timeout", f"no answer within {question_timeout_s:.0f} s: {q[:80]}")
                continue
            if not sio.connected:
                out.error("disconnected", q[:80])
                break
            if state["answer"] is None:
                out.error("server_message", str(state["other"]))
                continue
            t1 = time.perf_counter()
            out.latencies.append(t1 - t0)
            if state["first"] is not None:
                out.first_token.append(state["first"] - t0)
            out.answer_message.append(state["answer_at"] - t0)
            out.done_at.append(t1)
            out.answered += 1
    except Exception as exc:  # noqa: BLE001 - every failure is a counted error
        out.error("client", f"{type(exc).__name__}: {exc}")
    finally:
        with contextlib.suppress(Exception):
            await sio.disconnect()


async def drive(url: str, conversations: int, questions: int, duration_s: float,
                question_timeout_s: float = 120.0) -> tuple[Outcome, float, float]:
    """Returns the outcome, the wall time, and the perf_counter time the run started."""
    scripts = conversation_scripts(conversations)
    budget = _Budget(questions, time.monotonic() + duration_s)
    out = Outcome()
    t0 = time.perf_counter()
    tasks = []
    for i, script in enumerate(scripts):
        # each conversation keeps going round its script until the budget is spent
        long_script = (script * (questions // max(1, len(script) * conversations) + 2))
        tasks.append(asyncio.create_task(_conversation(url, long_script, budget, out, question_timeout_s)))
        if i % 10 == 9:
            await asyncio.sleep(0.05)
    try:
        await asyncio.wait_for(asyncio.gather(*tasks), duration_s + question_timeout_s + 30)
    except TimeoutError:
        for t in tasks:
            t.cancel()
        out.error("run_timeout", "the run did not finish in time; conversations cancelled")
    return out, time.perf_counter() - t0, t0


def _pct(xs: list[float], q: float) -> float | None:
    from evals.scale import percentile

    return round(percentile(xs, q) * 1e3, 1) if xs else None


def run_loadtest(index_dir: Path | None = None, conversations: int = 50, questions: int = 300,
                 duration_s: float = 300.0, port: int = 0, url: str | None = None,
                 question_timeout_s: float = 120.0,
                 log: Callable[[str], None] = log_stderr) -> dict[str, Any]:
    """Run the load test; returns the result dictionary."""
    result: dict[str, Any] = {"conversations": conversations, "question_budget": questions,
                              "duration_limit_s": duration_s}

    def once(target: str, pid: int | None) -> None:
        log("warm-up: one question, so that the server has loaded its model and index")
        warm, warm_wall, _ = asyncio.run(drive(target, 1, 1, 300, 300))
        result["warmup_s"] = round(warm_wall, 2)
        if warm.errors:
            result["warmup_errors"] = warm.error_examples
        sampler = MemorySampler(pid) if pid else None
        if sampler:
            sampler.start()
            time.sleep(1.0)
        try:
            log(f"driving {target} with {conversations} conversations, {questions} questions")
            out, wall, _ = asyncio.run(drive(target, conversations, questions, duration_s,
                                                   question_timeout_s))
        finally:
            if sampler:
                sampler.stop()
        n = out.answered
        result.update({
            "questions": n + sum(out.errors.values()), "answered": n,
            "errors": sum(out.errors.values()), "errors_by_kind": out.errors,
            "error_examples": out.error_examples, "wall_s": round(wall, 2),
            "throughput_qps": round(n / wall, 2) if wall else None,
            "p50_ms": _pct(out.latencies, 50), "p95_ms": _pct(out.latencies, 95),
            "max_ms": round(max(out.latencies) * 1e3, 1) if out.latencies else None,
            "first_token_p50_ms": _pct(out.first_token, 50),
            "first_token_p95_ms": _pct(out.first_token, 95),
            "answer_message_p50_ms": _pct(out.answer_message, 50),
            "answer_message_p95_ms": _pct(out.answer_message, 95),
        })
        if sampler:
            result.update(sampler.summary())
            result.update(memory_checkpoints(sampler, out))

    if url is not None:
        if not url.startswith(f"http://{LOOPBACK}:"):
            raise ValueError("the load test only drives servers on http://127.0.0.1:PORT")
        once(url, None)
    else:
        with running_server(index_dir, port, log=log) as (server_url, proc):
            once(server_url, proc.pid)
    return result


def summary_lines(r: dict[str, Any]) -> list[str]:
    lines = [
        f"{r['conversations']} concurrent conversations, {r['questions']} questions in {r['wall_s']} s: "
        f"{r['throughput_qps']} answers/s; {r['errors']} errors {r.get('errors_by_kind') or ''}",
        f"latency (question sent -> task_end) p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, max "
        f"{r['max_ms']} ms; first token p50 {r['first_token_p50_ms']} ms, p95 "
        f"{r['first_token_p95_ms']} ms; answer message p50 {r.get('answer_message_p50_ms')} ms",
    ]
    if "peak_rss_mb" in r:
        lines.append(f"server RSS {r['rss_start_mb']} MB after warm-up, peak {r['peak_rss_mb']} MB, "
                     f"{r['rss_end_mb']} MB at end; at 25/50/75/100% of answers: "
                     f"{r.get('rss_at_25pct_answers_mb')}/{r.get('rss_at_50pct_answers_mb')}/"
                     f"{r.get('rss_at_75pct_answers_mb')}/{r.get('rss_at_100pct_answers_mb')} MB "
                     f"(second half {r.get('rss_growth_second_half_mb')} MB)")
    return lines


def main(conversations: int = 50, questions: int = 300, duration_s: float = 300.0, port: int = 0,
         url: str | None = None, index_dir: Path | None = None, json_path: Path | None = None) -> int:
    if url is None and not serve_available():
        log_stderr("error: policy-assistant serve is not available (assistant/ui/server.py missing)")
        return 1
    try:
        r = run_loadtest(index_dir, conversations, questions, duration_s, port, url)
    except (RuntimeError, TimeoutError, ValueError, OSError) as exc:
        log_stderr(f"error: {exc}")
        return 1
    for line in summary_lines(r):
        print(line)
    path = json_path or ROOT / "artifacts" / "loadtest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(r, indent=1), encoding="utf-8")
    print(f"wrote {path}", file=sys.stderr)
    return 0 if r["errors"] == 0 else 1
