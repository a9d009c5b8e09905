"""Fixtures of the browser tests (see serving.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.serving import (
    CHROMIUM,
    CHROMIUM_ARGS,
    ROOT,
    SHOTS,
    Browser,
    Server,
    start_server,
    stop_server,
)


@pytest.fixture(scope="module")  # Playwright's sync loop must not outlive the browser tests
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                    args=CHROMIUM_ARGS)
        yield Browser(browser)
        browser.close()


@pytest.fixture(scope="module")
def app_server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on the real corpus, reading the session's index."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    work = tmp_path_factory.mktemp("app")
    server = start_server(work, {"PA_INDEX_DIR": str(corpus_index),
                                 "PA_CORPUS_DIR": str(ROOT / "corpus")})
    yield server
    stop_server(server)


@pytest.fixture(scope="module")
def local_server(corpus_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app on the real corpus in its default mode: loopback, no passwords (the local
    single-user mode)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests")
    work = tmp_path_factory.mktemp("window")
    server = start_server(work, {"PA_INDEX_DIR": str(corpus_index),
                                 "PA_CORPUS_DIR": str(ROOT / "corpus")})
    yield server
    stop_server(server)


def message_id(message: Any) -> str:
    """The Chainlit message id of an answer element on the page."""
    return str(message.locator("[id^=step-]").first.get_attribute("id"))[len("step-"):]
