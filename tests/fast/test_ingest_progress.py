"""``ingest`` progress as plain lines when stderr is not a terminal (issue 15), on a fake clock."""

from __future__ import annotations

import pytest

from assistant.cli import ingest as cli_ingest


def test_plain_progress_says_rate_and_time_left(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    now = [100.0]
    monkeypatch.setattr(cli_ingest.time, "monotonic", lambda: now[0])
    plain = cli_ingest._PlainProgress(every=10.0)
    plain("load", 5, 5)  # other stages say nothing
    plain("passages", 0, 400)
    now[0] = 105.0
    plain("passages", 50, 400)  # under 10 s since the last line: quiet
    now[0] = 120.0
    plain("passages", 100, 400)
    now[0] = 180.0
    plain("passages", 400, 400)
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["embedding: 100/400 passages (25%), 5.0 passages/s, about 60 s left",
                     "embedding: 400 passages in 80 s (5.0 passages/s)"]


def test_plain_progress_is_silent_on_a_short_run(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    now = [0.5]
    monkeypatch.setattr(cli_ingest.time, "monotonic", lambda: now[0])
    plain = cli_ingest._PlainProgress(every=10.0)
    plain("passages", 0, 45)
    now[0] = 3.0
    plain("passages", 45, 45)
    assert capsys.readouterr().err == ""
