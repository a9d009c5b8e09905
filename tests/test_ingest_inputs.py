"""Every file that gives no text says so, nothing outside the corpus is read, and errors are
one clear line (issue 13, items 3, 4, 6, 15, 16 and 17). Real processes on real files (see
tests/ingest_procs.py)."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ingest_procs import NEW_DOC, live, live_files, live_text, paused, run, where
from tests.pdfgen import make_pdf

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow, pytest.mark.e2e]  # real processes
__all__ = ["where"]  # a fixture


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
@contextlib.contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A real file system of ``size`` (tmpfs): needs the right to mount; skipped without it."""
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.fixture()
def small_mount(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "small", "200k") as mount:
        yield mount


@pytest.fixture()
def roomy_mount(tmp_path: Path) -> Iterator[Path]:
    with tmpfs(tmp_path / "roomy", "16m") as mount:
        yield mount


def fill(folder: Path) -> None:
    """Write zeros into ``folder`` until its file system is full."""
    with (folder / "filler").open("wb") as fh:
        try:
            while True:
                fh.write(b"\0" * (1 << 16))
                fh.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


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


def test_disk_full_while_writing_keeps_previous_version_and_says_so(
        corpus_copy: Path, tmp_path: Path, roomy_mount: Path) -> None:
    index = roomy_mount / "index"
    where = ("--corpus", str(corpus_copy), "--index", str(index))
    assert run("ingest", *where, cwd=tmp_path).returncode == 0
    before = (index / "CURRENT").read_text(encoding="utf-8")
    (corpus_copy / "zz-note.txt").write_text(NEW_DOC, encoding="utf-8")
    writer = paused("write", "ingest", *where, cwd=tmp_path)  # its new folder exists
    fill(roomy_mount)
    os.kill(writer.pid, signal.SIGCONT)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 4
    assert err == (f"error: the index folder {index} is not writable (could not write "
                   "faiss.index; is the disk full?); fix its permissions or free space, or pass "
                   "--index DIR\n")
    assert list(index.glob(".tmp-*")) == []
    assert (index / "CURRENT").read_text(encoding="utf-8") == before
    assert "zz-note.txt" not in live_files(index)


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


