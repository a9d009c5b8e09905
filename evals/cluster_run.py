"""The cluster load test's checks and its report (see :mod:`evals.cluster`):
``policy-assistant loadtest --replicas 2``."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from evals.cluster import (
    FOLLOW_UP,
    Cluster,
    _free,
    drive,
    figures,
    killer,
    running_cluster,
    sample,
    saved,
    summary,
    wait_gone,
)
from evals.cluster_client import User
from evals.loadtest import ROOT, log_stderr, run_loadtest

USER = ("loadtest", "loadtest-password")


async def across_replicas(c: Cluster) -> dict[str, Any]:
    """A thread answered by replica 1, continued on replica 2; brief added on both."""
    one, two = (f"http://127.0.0.1:{p}" for p in c.ports[:2])
    first, follow, name = FOLLOW_UP
    user = User(one, *USER)
    fresh = User(two, *USER)
    try:
        await user.login()
        await user.connect()
        r1 = await user.ask(first)
        add1 = await user.action("add_to_brief", r1.message_id)
        wrong = await user.action("add_to_brief", r1.message_id, base=two)  # not sticky
        await user.disconnect()
        await user.connect(two)  # the same thread, now on replica 2
        r2 = await user.ask(follow)
        add2 = await user.action("add_to_brief", r2.message_id)
        await asyncio.sleep(0.5)  # the toast comes over the socket
        await fresh.login()
        await fresh.connect()
        r3 = await fresh.ask(follow)  # the same follow-up in a new conversation
        sticky = set()
        await user.connect(c.base)  # through nginx: every request of the session goes to
        for _ in range(5):  # the replica its socket is on
            async with user.http.get(f"{c.base}/user") as resp:
                sticky.add(resp.headers.get("X-PA-Upstream"))
        return {
            "same_thread": r1.thread_id == r2.thread_id, "add_on_replica1": add1,
            "add_on_replica2": add2, "action_on_other_replica_status": wrong,
            # the follow-up is read with the first turn (answered by the other replica)
            "follow_up_uses_history": name in str(r2.metadata.get("standalone_question")),
            "fresh_thread_uses_history": name in str(r3.metadata.get("standalone_question")),
            "follow_up_standalone": r2.metadata.get("standalone_question"),
            "last_toast": user.toasts[-1] if user.toasts else "",
            "brief_rows": _brief(c.db_url, r1.thread_id),
            "brief_expected": [r1.message_id, r2.message_id],
            "replicas_seen_by_one_session_via_nginx": len(sticky),
        }
    finally:
        await user.close()
        await fresh.close()


def _brief(db_url: str, thread_id: str) -> list[str]:
    from assistant.chatdb import connect_sync

    with connect_sync(db_url) as db:
        assert db is not None
        rows = db.all('SELECT "messageId" FROM pa_brief WHERE "threadId" = ? ORDER BY "addedAt"',
                      (thread_id,))
    return [str(r["messageId"]) for r in rows]


def users_file(folder: Path) -> Path:
    import subprocess

    from evals.loadtest import _cli

    path = folder / "users.txt"
    subprocess.run([*_cli(), "users", "add", USER[0], "--file", str(path), "--password-stdin"],
                   input=USER[1] + "\n", text=True, check=True, capture_output=True)
    return path


def run_cluster(replicas: int = 2, conversations: int = 50, questions: int = 600,
                kill_questions: int = 300, index_dir: Path | None = None,
                baseline: bool = True) -> dict[str, Any]:
    result: dict[str, Any] = {"replicas": replicas, "conversations": conversations,
                              "questions": questions, "date": time.strftime("%Y-%m-%d")}
    if baseline:
        log_stderr("single process (local index, SQLite), for comparison")
        result["single"] = run_loadtest(index_dir, conversations, questions, 600)
    with tempfile.TemporaryDirectory(prefix="pa-cluster-") as tmp:
        tmpdir = Path(tmp)
        tmpdir.chmod(0o755)  # PostgreSQL runs as its own user when we are root
        env = {"PA_AUTH_USERS_FILE": str(users_file(tmpdir)), "PA_PGDATA": str(tmpdir / "pg")}
        if index_dir is not None:
            env["PA_INDEX_DIR"] = str(index_dir)
        with running_cluster(replicas, _free(replicas), tmpdir / "run", env) as c:
            result["cluster"] = _throughput(c, conversations, questions)
            result["across_replicas"] = asyncio.run(across_replicas(c))
            log_stderr(f"killing replica 2 (pid {c.pids[1]}) after {kill_questions // 3} answers")
            run, wall = asyncio.run(drive(  # half the users start on each replica
                c.base, USER, conversations, kill_questions,
                killer(c.pids[1], kill_questions // 3),
                start_on=[f"http://127.0.0.1:{p}" for p in c.ports]))
            wait_gone(c.pids[1])
            time.sleep(2.0)  # the surviving replica's last writes
            result["kill"] = {**figures(run, wall), "reconnected": run.reconnected,
                              **saved(c.db_url, run)}
    return result


def _throughput(c: Cluster, conversations: int, questions: int) -> dict[str, Any]:
    for port in c.ports:  # warm-up: each replica answers once before the clock starts
        asyncio.run(drive(f"http://127.0.0.1:{port}", USER, 1, 1))
    samplers = sample(c.pids)
    time.sleep(1.0)
    log_stderr(f"driving {c.base}: {conversations} conversations, {questions} questions")
    run, wall = asyncio.run(drive(c.base, USER, conversations, questions))
    return {**figures(run, wall), "memory_by_replica": summary(c.pids, samplers),
            **saved(c.db_url, run)}


def lines(r: dict[str, Any]) -> list[str]:
    out = []
    s, c, x, k = r.get("single"), r["cluster"], r["across_replicas"], r["kill"]
    if s:
        out.append(f"single process: {s['throughput_qps']} answers/s, p50 {s['p50_ms']} ms, "
                   f"p95 {s['p95_ms']} ms, {s['errors']} errors, peak RSS {s.get('peak_rss_mb')} MB")
    mem = ", ".join(f"{m.get('peak_rss_mb')} MB" for m in c["memory_by_replica"].values())
    out.append(f"{r['replicas']} replicas via nginx: {c['answers_per_s']} answers/s, p50 "
               f"{c['p50_ms']} ms, p95 {c['p95_ms']} ms, {c['errors']} errors; answers by "
               f"replica {c['by_replica']}; peak RSS per replica {mem}")
    out.append(f"across replicas: same thread {x['same_thread']}, follow-up used history "
               f"{x['follow_up_uses_history']} (fresh thread {x['fresh_thread_uses_history']}),"
               f" brief {len(x['brief_rows'])} answers, action sent to the other replica: HTTP "
               f"{x['action_on_other_replica_status']}")
    out.append(f"replica killed: {k['answered']} answers ({k['reconnected']} asked again after "
               f"reconnecting), {k['errors']} errors; missing afterwards: {k['answers_missing']} "
               f"answers, {k['messages_missing']} messages, {k['feedback_missing']} of "
               f"{k['feedback_acknowledged']} feedback")
    return out


def main(replicas: int = 2, conversations: int = 50, questions: int = 600,
         json_path: Path | None = None, index_dir: Path | None = None) -> int:
    r = run_cluster(replicas, conversations, questions, index_dir=index_dir)
    for line in lines(r):
        print(line)
    path = json_path or ROOT / "artifacts" / "loadtest-cluster.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(r, indent=1), encoding="utf-8")
    ok = r["cluster"]["errors"] == 0 and r["kill"]["answers_missing"] == 0 \
        and r["kill"]["feedback_missing"] == 0
    return 0 if ok else 1
