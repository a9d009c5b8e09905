"""CLI: ``policy-assistant bench`` (speed, scale, memory) and ``policy-assistant loadtest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _ints(text: str | None) -> list[int] | None:
    if not text:
        return None
    out = []
    for part in text.split(","):
        x = part.strip().replace("_", "")
        if not x:
            continue
        mult = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(x[-1], 1)
        try:
            out.append(int(float(x[:-1] if mult > 1 else x) * mult))
        except ValueError as exc:
            raise typer.BadParameter(f"expected sizes like 10k,100k,1M, got {part!r}") from exc
    return out


def bench(
    smoke: Annotated[bool, typer.Option(
        "--smoke", help="Every section, small (< ~60 s): checks that the benchmark runs")] = False,
    json_path: Annotated[Path | None, typer.Option(
        "--json", "--out", help="Where to write the JSON (default: artifacts/bench.json, or "
        "artifacts/bench-smoke.json with --smoke, in the current folder)")] = None,
    sizes: Annotated[str | None, typer.Option(
        help="Synthetic collection sizes, e.g. 10k,100k,1M")] = None,
    embed_limit: Annotated[int | None, typer.Option(
        help="Embed real passage vectors up to this many passages; random unit vectors above")] = None,
    skip: Annotated[list[str] | None, typer.Option(
        "--skip", help="Sections to skip: ingest (synthetic), warm, cold_start, memory, server, scale")] = None,
) -> None:
    """Measure cold start, warm latency, ingest throughput, memory and scale; print tables, write JSON."""
    from evals.bench import main

    name = "bench-smoke.json" if smoke else "bench.json"
    main(smoke=smoke, json_path=json_path or Path.cwd() / "artifacts" / name, sizes=_ints(sizes),
         embed_limit=embed_limit, skip=skip or [])

def loadtest(
    conversations: Annotated[int, typer.Option(min=1, max=500, help="Concurrent conversations")] = 50,
    questions: Annotated[int, typer.Option(min=1, max=20000, help="Questions in total")] = 300,
    duration: Annotated[float, typer.Option(min=5, max=3600, help="Stop after this many seconds")] = 300.0,
    port: Annotated[int, typer.Option(help="Port for the server it starts (0 = a free one)")] = 0,
    url: Annotated[str | None, typer.Option(
        help="Drive a server already running on http://127.0.0.1:PORT instead")] = None,
    index: Annotated[Path | None, typer.Option(help="Index folder for the server it starts")] = None,
    json_path: Annotated[Path | None, typer.Option(
        "--json", help="Where to write the JSON (default artifacts/loadtest.json)")] = None,
    replicas: Annotated[int, typer.Option(
        min=0, max=8, help="N > 0: start deploy/cluster.sh (PostgreSQL, N replicas, nginx, login "
        "on) and test it too: throughput beside one process, a thread continued on another "
        "replica, a replica killed mid-run")] = 0,
) -> None:
    """Drive the chat server with concurrent conversations over loopback; report latency and errors.

    Exit status 1 when any question failed (with --replicas: or a saved answer or feedback
    went missing)."""
    if replicas:
        from evals.cluster_run import main as cluster_main

        raise typer.Exit(cluster_main(replicas, conversations, questions,
                                      json_path=json_path, index_dir=index))
    from evals.loadtest import main

    raise typer.Exit(main(conversations=conversations, questions=questions, duration_s=duration,
                          port=port, url=url, index_dir=index, json_path=json_path))


def register(app: typer.Typer) -> None:
    app.command()(bench)
    app.command()(loadtest)
