"""Ingest never loses a document without a word (issue 13, items 1, 2 and 5): two ingests at
once, a killed ingest, a briefly broken file; and the fault-injection script. Real processes on
real files (see tests/ingest_procs.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ingest_procs import (
    NEW_DOC,
    SCRIPT,
    cli,
    env,
    live_files,
    live_text,
    paused,
    run,
    where,
)
from tests.pdfgen import make_pdf

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow, pytest.mark.e2e]  # real processes
__all__ = ["where"]  # a fixture


# ---- 1. two ingests at once ------------------------------------------------------------------
def test_later_ingest_waits_for_running_rebuild_and_new_file_stays(
        corpus_copy: Path, tmp_path: Path, where: tuple[str, ...]) -> None:
    assert run("ingest", *where, cwd=tmp_path).returncode == 0
    rebuild = paused("embed", "ingest", "--rebuild", *where, cwd=tmp_path)  # has read the corpus
    (corpus_copy / "zz-helpline-note.txt").write_text(NEW_DOC, encoding="utf-8")
    quick = subprocess.Popen(cli("ingest", *where), env=env(), cwd=tmp_path, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert quick.stderr is not None
    first_line = quick.stderr.readline()  # before the fix: it finished at once, printing nothing
    os.kill(rebuild.pid, signal.SIGCONT)
    rebuild.communicate(timeout=120)
    out, _err = quick.communicate(timeout=120)
    assert "zz-helpline-note.txt" in live_files(Path(where[3]))  # before the fix: lost
    assert "zebrafinch" in live_text(Path(where[3]))
    assert first_line.startswith("waiting: another ingest is running on this index "
                                 f"(pid {rebuild.pid} on ")
    assert rebuild.returncode == 0
    assert quick.returncode == 0


def test_no_wait_exits_with_its_own_code_naming_the_holder(tmp_path: Path,
                                                           where: tuple[str, ...]) -> None:
    holder = paused("embed", "ingest", *where, cwd=tmp_path)
    try:
        second = run("ingest", "--no-wait", *where, cwd=tmp_path)
    finally:
        os.kill(holder.pid, signal.SIGCONT)
        holder.communicate(timeout=120)
    assert second.returncode == 3
    assert second.stderr.startswith(f"error: another ingest is running on {where[3]} "
                                    f"(pid {holder.pid} on ")
    assert second.stderr.count("\n") == 1
    assert holder.returncode == 0


# ---- 1 (stale lock) and 5. an ingest killed while writing its version --------------------------
def test_killed_ingest_stale_lock_detected_and_half_built_folder_removed(
        tmp_path: Path, where: tuple[str, ...]) -> None:
    index = Path(where[3])
    killed = paused("write", "ingest", *where, cwd=tmp_path)
    killed.kill()
    killed.communicate(timeout=60)
    assert [p.name[:7] for p in index.glob(".tmp-*")] == [".tmp-v-"]
    assert json.loads((index / "ingest.lock").read_text(encoding="utf-8"))["pid"] == killed.pid
    again = run("ingest", *where, cwd=tmp_path)
    assert again.returncode == 0
    assert f"the previous ingest (pid {killed.pid} on " in again.stderr
    assert "removed 1 half-built version folder(s) left by an interrupted ingest" in again.stderr
    assert list(index.glob(".tmp-*")) == []
    assert (index / "ingest.lock").read_text(encoding="utf-8") == ""  # released cleanly


# ---- 2. a briefly broken file keeps its last good version ------------------------------------
def test_truncated_pdf_keeps_previous_version_marked_stale_until_deleted(
        corpus_copy: Path, tmp_path: Path, where: tuple[str, ...]) -> None:
    index = Path(where[3])
    pdf = make_pdf(corpus_copy / "helpline-report.pdf", [
        ["Helpline report 2024", "The zebrafinch helpline answered calls from survivors."],
        ["Recommendations", "Labour inspectors should receive the helpline statistics."]])
    assert run("ingest", *where, cwd=tmp_path).returncode == 0
    before = live_text(index)
    data = pdf.read_bytes()
    pdf.write_bytes(data[: len(data) // 3])
    broken = run("ingest", *where, cwd=tmp_path)
    assert broken.returncode == 1
    assert ("kept the previous version of helpline-report.pdf (the new file cannot be used: "
            "corrupt or unreadable PDF") in broken.stderr
    assert "1 kept at their previous version" in broken.stdout
    assert "helpline-report.pdf" in live_files(index)
    assert sorted(live_text(index).split()) == sorted(before.split())
    listed = json.loads(run("corpus", "--json", "--index", str(index), cwd=tmp_path).stdout)
    stale = {d["file"]: d["stale"] for d in listed["documents"]}
    assert stale["helpline-report.pdf"].startswith("corrupt or unreadable PDF")
    assert stale["osce-2022-press-release-new-policies.txt"] is None
    again = run("ingest", *where, cwd=tmp_path)  # still broken: still kept, nothing rewritten
    assert "(unchanged)" in again.stdout
    assert "kept the previous version of helpline-report.pdf" in again.stderr
    rebuilt = run("ingest", "--rebuild", *where, cwd=tmp_path)  # a rebuild keeps it too
    assert "kept the previous version of helpline-report.pdf" in rebuilt.stderr
    assert sorted(live_text(index).split()) == sorted(before.split())
    pdf.unlink()
    assert run("ingest", *where, cwd=tmp_path).returncode == 0
    assert "helpline-report.pdf" not in live_files(index)
    assert "zebrafinch" not in live_text(index)


# ---- the fault-injection script ----------------------------------------------------------------
@pytest.mark.timeout(300)
def test_fault_injection_script_reports_nothing_lost_nothing_read(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(SCRIPT), "--workdir", str(tmp_path)], env=env(),
                         cwd=tmp_path, capture_output=True, text=True, timeout=280)
    assert out.stdout.splitlines()[-1] == "0 documents lost, 0 files outside the corpus read"
    assert out.returncode == 0
