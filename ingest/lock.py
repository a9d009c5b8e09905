"""One ingest at a time per index folder.

Two ingests that overlap would each build a version from the corpus as they read it, and the
one that finished last would replace ``CURRENT``, even when it read an older corpus (a long
``--rebuild`` finishing after a quick ``ingest`` of a new file dropped that file without a
word). So an ingest holds ``<index>/ingest.lock`` for its whole run, from reading the previous
version to moving ``CURRENT``: a second one waits for it, or with ``wait=False`` stops with
:class:`IngestBusyError`.

The lock is an advisory ``flock`` on the file, so the kernel releases it when the holder dies,
even by ``kill -9``; the file holds the holder's pid, host and start time for the messages. A
holder that finishes empties the file, so content found by the next holder means the previous
one stopped without finishing: a stale lock, reported as such (its half-built version folders
are then removed, see :func:`remove_leftovers`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

LOCK_NAME = "ingest.lock"


class IngestBusyError(RuntimeError):
    """Another ingest holds the lock of this index folder (and the caller chose not to wait)."""

    def __init__(self, index_dir: Path, holder: Holder | None) -> None:
        who = holder.describe() if holder else "holder unknown"
        super().__init__(f"another ingest is running on {index_dir} ({who}); "
                         "try again when it has finished")
        self.holder = holder


class IndexNotWritableError(OSError):
    """The index folder cannot take a new version (read-only, missing rights, or full)."""


@dataclass(frozen=True)
class Holder:
    pid: int
    host: str
    started: str

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started}"

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), str(data["started"]))
        except (ValueError, KeyError, TypeError):
            return None


def _read_holder(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 4096).decode("utf-8", errors="replace").strip()
    return Holder.parse(text) if text else None


def not_writable(index_dir: Path, exc: OSError) -> IndexNotWritableError:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return IndexNotWritableError(f"the index folder {index_dir} is not writable ({reason}); "
                                 "fix its permissions or free space, or pass --index DIR")


class IngestLock:
    """``with IngestLock(index_dir):`` holds the index folder's ingest lock for the block."""

    def __init__(self, index_dir: Path, wait: bool = True,
                 on_wait: Callable[[Holder | None], None] | None = None) -> None:
        self.index_dir = index_dir
        self.wait = wait
        self.on_wait = on_wait
        self.stale: Holder | None = None  # a previous holder that stopped without finishing
        self._fd: int | None = None

    def __enter__(self) -> IngestLock:
        try:
            self.index_dir.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.index_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise not_writable(self.index_dir, exc) from exc
        try:
            self._acquire(fd)
            self.stale = _read_holder(fd)
            self._write_holder(fd)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return self

    def _acquire(self, fd: int) -> None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            holder = _read_holder(fd)
        if not self.wait:
            raise IngestBusyError(self.index_dir, holder)
        if self.on_wait:
            self.on_wait(holder)
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _write_holder(self, fd: int) -> None:
        me = {"pid": os.getpid(), "host": socket.gethostname(),
              "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, json.dumps(me).encode("utf-8"))
            os.fsync(fd)
        except OSError as exc:
            raise not_writable(self.index_dir, exc) from exc

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            os.ftruncate(fd, 0)  # finished: the next holder finds nothing stale
        except OSError:
            pass
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def remove_leftovers(index_dir: Path) -> list[str]:
    """Remove half-built version folders and pointer files that an interrupted ingest left.

    Only call this while holding the lock: then no ingest is writing any of them."""
    removed = []
    for junk in sorted(index_dir.glob(".tmp-*")) + sorted(index_dir.glob(".CURRENT.*")) + sorted(
            index_dir.glob(".probe-*")):
        if junk.is_dir() and not junk.is_symlink():
            shutil.rmtree(junk, ignore_errors=True)
        else:
            junk.unlink(missing_ok=True)
        removed.append(junk.name)
    return removed
