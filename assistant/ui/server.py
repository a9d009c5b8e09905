"""Starting the Chainlit chat window: a private app folder per server, the assistant prepared
in the background while the web server starts."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from assistant.chatdb import chat_target
from assistant.core.settings import Settings
from assistant.ui import auth, headers, local_user, runtime, welcome

PROJECT_ROOT = Path(__file__).resolve().parents[2]
APP_FILE = Path(__file__).resolve().with_name("app.py")


def project_root() -> Path:
    """Folder holding the committed ``.chainlit/config.toml`` and ``public/``: the project
    checkout, else the working directory."""
    if (PROJECT_ROOT / ".chainlit" / "config.toml").is_file():
        return PROJECT_ROOT
    return Path.cwd()


def make_app_root(project: Path) -> Path:
    """A private Chainlit app folder for this server: copies of the committed configuration,
    translations and ``public/``, plus what Chainlit writes at run time (the generated
    ``chainlit.md``, uploaded and exported files). Servers never write into the checkout, and
    two servers on different corpora don't share a welcome page."""
    run = Path(tempfile.mkdtemp(prefix="pa-chainlit-"))
    src = project / ".chainlit"
    (run / ".chainlit").mkdir()
    if (src / "config.toml").is_file():
        shutil.copy2(src / "config.toml", run / ".chainlit" / "config.toml")
    if (src / "translations").is_dir():
        shutil.copytree(src / "translations", run / ".chainlit" / "translations")
    if (project / "public").is_dir():
        shutil.copytree(project / "public", run / "public")
    return run


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def has_display() -> bool:
    return sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def user_url(host: str, port: int) -> str:
    shown = "localhost" if host in ("127.0.0.1", "localhost", "0.0.0.0", "::", "::1") else host
    return f"http://{shown}:{port}"


def harden(settings: Settings, host: str, port: int) -> None:
    """Security headers, own-origin CORS, login back-off, feedback ownership (see
    :mod:`assistant.ui.headers` and :mod:`assistant.ui.access`)."""
    from assistant.ui import access, headers

    headers.install(host, port, settings.allowed_origins)
    access.install(access.LoginThrottle(settings.login_max_failures, settings.login_backoff_s),
                   chat_target(settings.database_url, settings.feedback_db))


def run_server(settings: Settings, host: str, port: int, headless: bool, root: Path,
               say: Callable[[str], None]) -> None:
    """Start Chainlit in this process (the prepared Assistant is reused by ``app.py``);
    ``root`` is this server's private app folder, removed when it stops."""
    os.environ["CHAINLIT_HOST"] = host
    os.environ["CHAINLIT_PORT"] = str(port)
    import chainlit as cl
    from chainlit.cli import run_chainlit
    from chainlit.config import config

    harden(settings, host, port)
    url = user_url(host, port)

    @cl.on_app_startup
    def _ready() -> None:
        say(f"policy-assistant is running: open {url} in your browser (Ctrl-C to stop).")

    @cl.on_app_shutdown
    def _cleanup() -> None:  # Chainlit ends the process (os._exit) right after this hook
        shutil.rmtree(root, ignore_errors=True)

    config.run.headless = headless
    run_chainlit(str(APP_FILE))




class ServeError(RuntimeError):
    """The server cannot start; the message says why and what to do."""


class UnsafeServeError(ServeError):
    """Starting would open the assistant beyond this machine without login."""


def check_exposure(host: str, users: dict[str, str], allow_no_login: bool,
                   say: Callable[[str], None]) -> None:
    if users:
        plain = sum(1 for stored in users.values() if not auth.is_hashed(stored))
        if plain:
            say(f"warning: {plain} user(s) have plain-text passwords (for local testing only); "
                "store hashes with: policy-assistant users add NAME")
        return
    if headers.is_loopback(host):
        return
    if not allow_no_login:
        raise UnsafeServeError(
            f"refusing to listen on {host} without login: anyone who can reach this machine "
            "could use the assistant and read every stored conversation. Add users "
            "(policy-assistant users add NAME, then PA_AUTH_USERS_FILE), listen on 127.0.0.1, "
            "or pass --allow-no-login if this network is trusted")
    say(f"warning: listening on {host} without login (--allow-no-login): anyone who can reach "
        "this machine can use the assistant")


def serve(settings: Settings, host: str, port: int, headless: bool, ingest: bool,
          say: Callable[[str], None], allow_no_login: bool = False) -> None:
    """Prepare the assistant (building or updating the index) and run the chat window until
    stopped. ``say`` prints progress lines for the operator."""
    try:
        users = auth.configured_users(settings)
    except auth.AuthConfigError as exc:
        raise ServeError(str(exc)) from exc
    check_exposure(host, users, allow_no_login, say)
    if not port_free(host, port):
        raise ServeError(f"port {port} on {host} is in use; stop the other server or pass --port N")
    project = project_root()
    single = local_user.local_user(settings, users, host)
    if users or single:
        auth.ensure_secret(project / ".chainlit")
    if users:
        say(f"Password login is on ({len(users)} user(s)).")
    elif single:
        say(f"Single-user mode: conversations are kept for '{single}' and listed in the "
            "sidebar (loopback only; PA_LOCAL_USER= turns it off).")
    root = make_app_root(project)
    os.environ["CHAINLIT_APP_ROOT"] = str(root)  # read when chainlit is imported
    welcome.write_welcome(root, None)  # until the index has loaded

    def ready(rt: runtime.Runtime) -> None:
        if rt.assistant is None:
            say(f"warning: {rt.error}")
        else:
            welcome.write_welcome(root, rt.documents())

    # the model and index load while the web server starts; questions wait for them
    runtime.prepare(settings, ingest=ingest, background=True, on_ready=ready, say=say)
    try:
        with contextlib.suppress(KeyboardInterrupt):
            run_server(settings, host, port, headless or not has_display(), root, say)
    finally:  # when the server failed to start; a normal stop cleans up in _cleanup
        shutil.rmtree(root, ignore_errors=True)
