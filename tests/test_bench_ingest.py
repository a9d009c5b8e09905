"""scripts/bench_ingest.py runs both pipelines on one folder and reports times and their ratio."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.pdfgen import make_pdf

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def test_bench_ingest_times_ours_and_the_recipe_on_the_same_folder(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "note.txt").write_text("Online recruitment of victims is a form of trafficking. "
                                     "Platforms should report it to the police.\n" * 3,
                                     encoding="utf-8")
    pdf = make_pdf(tmp_path / "brief.pdf", [["Traffickers advertise victims online.",
                                             "Moderators remove such adverts."]])
    out = tmp_path / "runs.json"
    done = subprocess.run([sys.executable, "scripts/bench_ingest.py", "--corpus", str(corpus),
                           "--pdf", str(pdf), "--runs", "1", "--json", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300, check=True)
    lines = done.stdout.splitlines()
    assert "brief.pdf, note.txt" in lines[0]
    match = re.fullmatch(r"run 1: ours ([\d.]+) s, recipe ([\d.]+) s, ratio ([\d.]+) "
                         r"\(load average [\d.]+ -> [\d.]+\)", lines[1])
    assert match, lines[1]
    run = json.loads(out.read_text(encoding="utf-8"))["runs"][0]
    assert run["ratio"] == pytest.approx(run["ours_s"] / run["recipe_s"], abs=0.01)
    assert "Ingested 2 documents" in run["ours_said"]
    assert run["recipe_said"] == "recipe: 2 chunks"  # the text file and the one PDF page
