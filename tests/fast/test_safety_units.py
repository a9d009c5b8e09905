"""Units behind the safety fixes of issue 13 (the process and HTTP tests are in
tests/test_ingest_safety.py and tests/e2e/test_server_safety.py)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from assistant.core.settings import Settings
from assistant.ui import auth
from assistant.ui.access import LoginThrottle
from assistant.ui.headers import is_loopback, own_origins
from ingest.decode import decode_text


def test_empty_users_file_setting_is_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PA_AUTH_USERS_FILE", "")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.auth_users_file is None
    assert auth.configured_users(settings) == {}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_back_off_starts_after_max_failures_and_doubles() -> None:
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, backoff_s=10, clock=clock)
    keys = ("user:alice", "addr:10.0.0.5")
    for _ in range(3):
        assert throttle.wait_s(*keys) == 0
        throttle.attempt(*keys)
    assert throttle.wait_s(*keys) == 10
    assert throttle.wait_s("user:bob", "addr:10.0.0.5") == 10  # same address
    assert throttle.wait_s("user:alice", "addr:10.0.0.6") == 10  # same user
    assert throttle.wait_s("user:bob", "addr:10.0.0.6") == 0
    clock.now += 10
    throttle.attempt(*keys)
    assert throttle.wait_s(*keys) == 20
    clock.now += 20
    throttle.attempt(*keys)
    throttle.succeeded(*keys)
    assert throttle.wait_s("user:alice", "addr:10.0.0.6") == 0
    assert throttle.failures["addr:10.0.0.5"][0] == 4


def test_users_file_holds_argon2_hashes_readable_by_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "users.txt"
    path.write_text("# team\ncarol:plain-for-testing\n", encoding="utf-8")
    assert auth.add_user(path, "alice", "first-passphrase") is False
    assert auth.add_user(path, "alice", "second-passphrase") is True
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["# team", "carol:plain-for-testing"]
    assert len(lines) == 3
    assert lines[2].startswith("alice:$argon2id$")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    users = auth.read_users_file(path)
    assert auth.check_password(users, "alice", "second-passphrase")
    assert not auth.check_password(users, "alice", "first-passphrase")
    assert auth.check_password(users, "carol", "plain-for-testing")
    assert not auth.check_password(users, "nobody", "second-passphrase")
    with pytest.raises(auth.AuthConfigError):
        auth.add_user(path, "eve:admin", "whatever-passphrase")


def test_loopback_and_own_origins() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.168.1.20")
    assert own_origins("0.0.0.0", 8000, ["https://chat.example.org/"]) == [
        "http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]:8000",
        "https://chat.example.org"]
    assert own_origins("10.0.0.5", 80, [])[-1] == "http://10.0.0.5:80"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                      "utf-32-le", "utf-32-be"])
def test_wide_encodings_decode(encoding: str) -> None:
    text = "Survivors’ helplines — a note on data. Second sentence.\n" * 3
    warnings: list[str] = []
    assert decode_text(text.encode(encoding), "x.txt", warnings) == text
    assert warnings == []
