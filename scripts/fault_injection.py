"""Fault injection: the two ways ingest used to lose a document without a word, and a symlink
that reached outside the corpus. Real ``policy-assistant`` processes on real files.

    .venv/bin/python scripts/fault_injection.py [--workdir DIR] [--real-model]

1. Two ingests at once: an ``ingest --rebuild`` is stopped (SIGSTOP) after it read the corpus
   and before it embeds; a file is added and a quick ``ingest`` started; then the rebuild goes
   on. Whatever order they finish in, the new file must be in the live index.
2. A briefly broken file: an ingested PDF is replaced by a truncated copy and ``ingest`` runs;
   the document must stay in the index (its previous version, marked stale).
3. A symlink escape: links in the corpus to a file and a folder outside it; nothing of theirs
   may reach the index.

Prints "N documents lost, M files outside the corpus read" and exits 0 only when both are 0.
Uses the word-hashing embedder (no model; the whole run takes seconds) unless ``--real-model``.

``pause-at {embed,write} -- ARGS`` (used by the above and by the tests) runs
``policy-assistant ARGS`` and stops itself with SIGSTOP just before embedding, or inside
``write_index`` after the new version's temporary folder exists.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NEW_DOC = ("Regional cooperation note on helpline data\n\nThe regional helpline consortium "
           "recorded that the zebrafinch reporting portal received reports from four "
           "neighbouring countries. Analysts recommend that the portal share anonymised "
           "statistics with labour inspectors every quarter.\n")
SECRET = "Quokka-7731 is the root password of the payroll server; never share this line."


def pause_at(point: str, args: list[str]) -> None:
    import ingest.index
    import ingest.pipeline

    module: Any = ingest.pipeline if point == "embed" else ingest.index
    name = "embed_corpus" if point == "embed" else "build_faiss"
    real = getattr(module, name)

    def paused(*a: Any, **k: Any) -> Any:
        os.kill(os.getpid(), signal.SIGSTOP)
        return real(*a, **k)

    setattr(module, name, paused)
    from assistant.cli.main import app

    app(args=args, prog_name="policy-assistant")


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


def paused_cli(point: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "pause-at", point, "--", *args]


def wait_stopped(proc: subprocess.Popen[str]) -> None:
    """Block until ``proc`` has stopped itself; an exit instead is an error."""
    _pid, status = os.waitpid(proc.pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        out, err = proc.communicate()
        raise RuntimeError(f"the paused ingest exited instead of stopping: {out}{err}")


def read_until_waiting(proc: subprocess.Popen[str]) -> str:
    """stderr lines of ``proc`` up to its 'waiting:' line, or all of them if it ends first."""
    assert proc.stderr is not None
    lines = []
    for line in proc.stderr:
        lines.append(line)
        if line.startswith("waiting:"):
            break
    return "".join(lines)


def live_index(index: Path) -> dict[str, Any]:
    folder = index / (index / "CURRENT").read_text(encoding="utf-8").strip()
    chunks = json.loads((folder / "chunks.json").read_text(encoding="utf-8"))
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return {"files": manifest["files"], "text": " ".join(c["text"] for c in chunks),
            "documents": (folder / "documents.json").read_text(encoding="utf-8")}


def run(cmd: list[str], env: dict[str, str], work: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, cwd=work, capture_output=True, text=True, timeout=300)


def concurrent_ingests(work: Path, env: dict[str, str]) -> tuple[int, str]:
    corpus, index = work / "c1", work / "i1"
    shutil.copytree(ROOT / "corpus", corpus)
    where = ("--corpus", str(corpus), "--index", str(index))
    run(cli("ingest", *where), env, work)
    rebuild = subprocess.Popen(paused_cli("embed", "ingest", "--rebuild", *where), env=env,
                               cwd=work, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    wait_stopped(rebuild)
    (corpus / "zz-helpline-note.txt").write_text(NEW_DOC, encoding="utf-8")
    quick = subprocess.Popen(cli("ingest", *where), env=env, cwd=work, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    said = read_until_waiting(quick)
    os.kill(rebuild.pid, signal.SIGCONT)
    rebuild.communicate(timeout=300)
    quick.communicate(timeout=300)
    files = set(live_index(index)["files"])
    expected = {p.name for p in corpus.iterdir() if p.name != "manifest.yaml"}
    lost = sorted(expected - files)
    waited = "waited for the rebuild" if "waiting:" in said else "did not wait"
    return len(lost), f"two ingests at once: the quick ingest {waited}; lost {lost or 'nothing'}"


def broken_pdf(work: Path, env: dict[str, str]) -> tuple[int, str]:
    sys.path.insert(0, str(ROOT))
    from tests.pdfgen import make_pdf

    corpus, index = work / "c2", work / "i2"
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "osce-2022-press-release-new-policies.txt", corpus)
    pdf = make_pdf(corpus / "helpline-report.pdf", [
        ["Helpline report 2024", "The zebrafinch helpline answered calls from survivors."],
        ["Recommendations", "Labour inspectors should receive the helpline statistics."]])
    where = ("--corpus", str(corpus), "--index", str(index))
    run(cli("ingest", *where), env, work)
    before = live_index(index)["files"]
    data = pdf.read_bytes()
    pdf.write_bytes(data[: len(data) // 3])  # a half-finished copy
    out = run(cli("ingest", *where), env, work)
    after = live_index(index)["files"]
    lost = sorted(set(before) - set(after))
    kept = "kept the previous version of helpline-report.pdf" in out.stderr
    return len(lost), (f"truncated PDF: exit {out.returncode}, "
                       f"{'previous version kept' if kept else 'no kept line'}; "
                       f"lost {lost or 'nothing'}")


def symlink_escape(work: Path, env: dict[str, str]) -> tuple[int, str]:
    corpus, index, outside = work / "c3", work / "i3", work / "outside"
    outside.mkdir()
    corpus.mkdir()
    shutil.copy(ROOT / "corpus" / "osce-2022-press-release-new-policies.txt", corpus)
    (outside / "passwords.txt").write_text(SECRET + "\n", encoding="utf-8")
    (outside / "more").mkdir()
    (outside / "more" / "notes.txt").write_text(SECRET.replace("payroll", "mail") + "\n",
                                                encoding="utf-8")
    (corpus / "leak.txt").symlink_to(outside / "passwords.txt")
    (corpus / "linked-folder").symlink_to(outside / "more", target_is_directory=True)
    out = run(cli("ingest", "--corpus", str(corpus), "--index", str(index)), env, work)
    live = live_index(index)
    read = sum(1 for marker in ("payroll", "mail server")
               if marker in live["text"] or marker in live["documents"])
    refused = out.stderr.count("outside the corpus")
    return read, f"symlink escape: {refused} link(s) refused; {read} outside file(s) read"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["pause-at"]:
        pause_at(argv[1], argv[argv.index("--") + 1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, help="Folder for the trial corpora and indexes")
    parser.add_argument("--real-model", action="store_true", help="Embed with the real model")
    opts = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pa-faults-", dir=opts.workdir))
    env = dict(os.environ)
    if not opts.real_model:
        env["PA_EMBEDDING_BACKEND"] = "hash"
    lost = outside = 0
    try:
        for scenario, is_loss in ((concurrent_ingests, True), (broken_pdf, True),
                                  (symlink_escape, False)):
            n, line = scenario(work, env)
            sys.stdout.write(line + "\n")
            lost, outside = (lost + n, outside) if is_loss else (lost, outside + n)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    sys.stdout.write(f"{lost} documents lost, {outside} files outside the corpus read\n")
    return 0 if lost == 0 and outside == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
