"""``bench`` writes its JSON where the user runs it, or where ``--out`` says (issue 13, item 18);
it used to write into the install folder's ``artifacts/``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]
ONLY_THE_MODEL = ["--skip", "ingest", "--skip", "warm", "--skip", "cold_start", "--skip", "memory",
                  "--skip", "server", "--skip", "scale"]  # the smallest run that still writes


def bench(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PA_")}
    return subprocess.run([sys.executable, "-m", "assistant", "bench", "--smoke", *ONLY_THE_MODEL,
                           *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=580)


def test_smoke_json_lands_in_the_working_directory_or_out(tmp_path: Path) -> None:
    here = bench(tmp_path)
    assert here.returncode == 0, here.stderr[-2000:]
    assert (tmp_path / "artifacts" / "bench-smoke.json").is_file()
    out = tmp_path / "elsewhere" / "b.json"
    there = bench(tmp_path, "--out", str(out))
    assert there.returncode == 0, there.stderr[-2000:]
    assert out.is_file()
