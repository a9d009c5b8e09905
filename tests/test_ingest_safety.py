"""Ingest never loses a document without a word (issue 13, items 1-5): real ``policy-assistant``
processes on real files, with the word-hashing embedder so that each run takes a second.

A running ingest is held at a known point by ``scripts/fault_injection.py pause-at``, which stops
the real CLI process with SIGSTOP just before it embeds (or inside ``write_index``); the test
waits for the stop with ``waitpid(WUNTRACED)``, so nothing depends on timing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pdfgen import make_pdf

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "fault_injection.py"
NEW_DOC = ("Regional cooperation note on helpline data\n\nThe regional helpline consortium "
           "recorded that the zebrafinch reporting portal received reports from four countries.\n")
pytestmark = [pytest.mark.timeout(120), pytest.mark.slow, pytest.mark.e2e]  # real processes


def env() -> dict[str, str]:
    return {**os.environ, "PA_EMBEDDING_BACKEND": "hash"}


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cli(*args), env=env(), cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def paused(point: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    """A real ingest process, stopped (SIGSTOP) at ``point`` when this returns."""
    proc = subprocess.Popen([sys.executable, str(SCRIPT), "pause-at", point, "--", *args],
                            env=env(), cwd=cwd, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    _pid, status = os.waitpid(proc.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), "the ingest ended before reaching the pause point"
    return proc


def live(index: Path) -> dict[str, object]:
    folder = index / (index / "CURRENT").read_text(encoding="utf-8").strip()
    return {"manifest": json.loads((folder / "manifest.json").read_text(encoding="utf-8")),
            "chunks": json.loads((folder / "chunks.json").read_text(encoding="utf-8")),
            "documents": json.loads((folder / "documents.json").read_text(encoding="utf-8"))}


def live_files(index: Path) -> set[str]:
    manifest = live(index)["manifest"]
    assert isinstance(manifest, dict)
    return set(manifest["files"])


def live_text(index: Path) -> str:
    chunks = live(index)["chunks"]
    assert isinstance(chunks, list)
    return " ".join(c["text"] for c in chunks)


@pytest.fixture()
def where(corpus_copy: Path, tmp_path: Path) -> tuple[str, ...]:
    return ("--corpus", str(corpus_copy), "--index", str(tmp_path / "index"))


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
    pdf.unlink()
    assert run("ingest", *where, cwd=tmp_path).returncode == 0
    assert "helpline-report.pdf" not in live_files(index)
    assert "zebrafinch" not in live_text(index)


# ---- 3. UTF-16/32 text ------------------------------------------------------------------------
ENCODED = {
    "bom-utf16.txt": ("utf-16", "Helpline data from the quokka portal"),
    "le-utf16.txt": ("utf-16-le", "Labour inspectors read the wombat statistics"),
    "be-utf16.txt": ("utf-16-be", "Survivors reached the numbat helpline"),
    "bom-utf32.txt": ("utf-32", "Platforms removed the bilby advertisements"),
    "le-utf32.txt": ("utf-32-le", "Prosecutors cited the dingo case law"),
    "cyrillic-utf16.txt": ("utf-16-le", "Горячая линия тушканчик принимает звонки"),
}


def test_utf16_and_utf32_text_is_ingested(corpus_copy: Path, tmp_path: Path,
                                          where: tuple[str, ...]) -> None:
    for name, (encoding, line) in ENCODED.items():
        (corpus_copy / name).write_bytes(f"{line}.\n\n{line}, again, in a second paragraph.\n"
                                         .encode(encoding))
    out = run("ingest", *where, cwd=tmp_path)
    assert out.returncode == 0
    assert "binary content" not in out.stderr
    files, text = live_files(Path(where[3])), live_text(Path(where[3]))
    for name, (_encoding, line) in ENCODED.items():
        assert name in files
        assert line in text


def test_binary_with_zero_bytes_is_still_refused(corpus_copy: Path, tmp_path: Path,
                                                 where: tuple[str, ...]) -> None:
    (corpus_copy / "junk.txt").write_bytes(bytes(range(256)) * 10)
    (corpus_copy / "zeros.txt").write_bytes(b"\x00\x01\x02\x03" * 500)
    out = run("ingest", *where, cwd=tmp_path)
    assert out.returncode == 1
    assert "skipped junk.txt: binary content, not text" in out.stderr
    assert "skipped zeros.txt: binary content, not text" in out.stderr


# ---- 4. every file and page that gives no text gets a line -----------------------------------
def test_dangling_link_and_blank_pdf_pages_each_get_a_line(corpus_copy: Path, tmp_path: Path,
                                                           where: tuple[str, ...]) -> None:
    (corpus_copy / "moved.txt").symlink_to(corpus_copy / "gone.txt")
    text = ["Helpline report", "The zebrafinch helpline answered calls from survivors."]
    make_pdf(corpus_copy / "mixed.pdf", [text, [], text, [], [], text])
    out = run("ingest", *where, cwd=tmp_path)
    assert out.returncode == 1
    assert f"skipped moved.txt: broken symbolic link: {corpus_copy / 'gone.txt'} does not exist" \
        in out.stderr
    assert ("warning: mixed.pdf: 3 of 6 pages have no text layer (scanned?): pages 2, 4, 5"
            in out.stderr)
    assert "mixed.pdf" in live_files(Path(where[3]))



# ---- 6. links that leave the corpus are refused ------------------------------------------------
SECRET = "Quokka-7731 is the root password of the payroll server."


def test_links_leaving_the_corpus_are_refused_with_their_target(
        corpus_copy: Path, tmp_path: Path, where: tuple[str, ...]) -> None:
    outside = tmp_path / "outside"
    (outside / "more").mkdir(parents=True)
    (outside / "passwords.txt").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "more" / "notes.txt").write_text(SECRET + "\n", encoding="utf-8")
    (corpus_copy / "leak.txt").symlink_to(outside / "passwords.txt")
    (corpus_copy / "linked").symlink_to(outside / "more", target_is_directory=True)
    (corpus_copy / "sub").mkdir()
    (corpus_copy / "sub" / "up.txt").symlink_to(Path("..") / ".." / "outside" / "passwords.txt")
    (corpus_copy / "alias.txt").symlink_to("osce-2022-press-release-new-policies.txt")
    out = run("ingest", *where, cwd=tmp_path)
    assert out.returncode == 1
    assert (f"skipped leak.txt: links to {outside / 'passwords.txt'}, outside the corpus folder;"
            " not read") in out.stderr
    assert f"skipped linked: links to {outside / 'more'}, outside the corpus folder" in out.stderr
    assert "skipped sub/up.txt: links to ../../outside/passwords.txt, outside the corpus" \
        in out.stderr
    index = Path(where[3])
    assert "payroll" not in live_text(index)
    assert "payroll" not in json.dumps(live(index)["documents"])
    assert {"leak.txt", "linked", "sub/up.txt"}.isdisjoint(live_files(index))
    assert "alias.txt" in live_files(index)  # a link that stays inside the corpus is fine


# ---- 15. an index folder that cannot take the new version -------------------------------------
@pytest.fixture()
def small_mount(tmp_path: Path) -> Iterator[Path]:
    """A real 200 KB file system (tmpfs): needs the right to mount; skipped without it."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_full_index_folder_is_one_line_and_exit_4_before_embedding(
        corpus_copy: Path, tmp_path: Path, small_mount: Path) -> None:
    out = run("ingest", "--corpus", str(corpus_copy), "--index", str(small_mount / "index"),
              cwd=tmp_path)
    assert out.returncode == 4
    assert out.stderr.startswith(f"error: the index folder {small_mount / 'index'} has ")
    assert "MB free; the new version needs about" in out.stderr
    assert out.stderr.count("\n") == 1
    assert out.stdout == ""
    assert [p.name for p in (small_mount / "index").iterdir()] == ["ingest.lock"]


def test_read_only_index_folder_is_one_line_and_exit_4(corpus_copy: Path, tmp_path: Path,
                                                      small_mount: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_mount)], check=True)
    out = run("ingest", "--corpus", str(corpus_copy), "--index", str(small_mount / "index"),
              cwd=tmp_path)
    assert out.returncode == 4
    assert out.stderr == (f"error: the index folder {small_mount / 'index'} is not writable "
                          "(Read-only file system); fix its permissions or free space, or pass "
                          "--index DIR\n")


# ---- 16. file names printed literally -----------------------------------------------------------
def test_file_names_with_brackets_are_printed_literally(corpus_copy: Path, tmp_path: Path,
                                                        where: tuple[str, ...]) -> None:
    (corpus_copy / "[draft] notes.txt").write_bytes(b"")
    (corpus_copy / "[bold]memo.txt").write_text(NEW_DOC, encoding="utf-8")
    out = run("ingest", *where, cwd=tmp_path)
    assert "skipped [draft] notes.txt: empty file" in out.stderr
    assert "warning: [bold]memo.txt: not in manifest.yaml" in out.stderr
    assert "1 duplicate documents merged [hstoday-osce-study-2023 → osce-press-release-2022]" \
        in out.stdout


# ---- 17. pypdf's warnings on the file's own line ------------------------------------------------
def test_pypdf_warnings_land_on_the_files_line(corpus_copy: Path, tmp_path: Path,
                                               where: tuple[str, ...]) -> None:
    pdf = make_pdf(corpus_copy / "report.pdf", [["Helpline report", "Survivors called."]])
    pdf.write_bytes(b"junk\n" + pdf.read_bytes())  # readable, with a warning
    cut = make_pdf(corpus_copy / "cut.pdf", [["Helpline report", "Survivors called."]])
    cut.write_bytes(cut.read_bytes().replace(b"%%EOF", b""))  # unreadable, with a warning
    out = run("ingest", *where, cwd=tmp_path)
    lines = out.stderr.splitlines()
    assert [ln for ln in lines if "pypdf" in ln and not ln.startswith(("warning: ", "skipped "))] \
        == []
    assert [ln for ln in lines if "report.pdf" in ln and "pypdf" in ln] == [
        "warning: report.pdf: pypdf: invalid pdf header: b'junk\\n'; incorrect startxref "
        "pointer(1); parsing for Object Streams"]
    cut_lines = [ln for ln in lines if "cut.pdf" in ln]
    assert len(cut_lines) == 1
    assert cut_lines[0].startswith("skipped cut.pdf: corrupt or unreadable PDF")
    assert cut_lines[0].endswith("; EOF marker not found")
    assert "report.pdf" in live_files(Path(where[3]))


# ---- the fault-injection script ----------------------------------------------------------------
@pytest.mark.timeout(300)
def test_fault_injection_script_reports_nothing_lost_nothing_read(tmp_path: Path) -> None:
    out = subprocess.run([sys.executable, str(SCRIPT), "--workdir", str(tmp_path)], env=env(),
                         cwd=tmp_path, capture_output=True, text=True, timeout=280)
    assert out.stdout.splitlines()[-1] == "0 documents lost, 0 files outside the corpus read"
    assert out.returncode == 0
