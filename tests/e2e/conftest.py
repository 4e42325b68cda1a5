"""A real Longreach (waitress, demo data, its own SQLite) and Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, var: Path, port: int) -> None:
        self.var, self.port = var, port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
        # The demo as it was sized before it grew for statistics: the tests count on its records.
        self.env.update(LONGREACH_MODE="demo", LONGREACH_VAR_DIR=str(var), LONGREACH_DEMO_INCIDENTS="300")
        self.exe = str(Path(sys.executable).parent / "longreach")
        self.used_steps: dict[str, int] = {}

    def cli(self, *args: str) -> str:
        r = subprocess.run([self.exe, *args], env=self.env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout

    def password(self, username: str) -> str:
        return self.cli("totp", username, "--password").splitlines()[0].split(": ", 1)[1]

    def code(self, username: str) -> str:
        # A code is accepted once per 30-second step: a second login of the same
        # user waits for the next step instead of failing as a replay. The command
        # takes a second or two, so a code made across a step boundary may belong
        # to the later step; that one counts as used.
        if int(time.time() // 30) <= self.used_steps.get(username, -1):
            time.sleep(30 - time.time() % 30 + 0.5)
        code = self.cli("totp", username).strip()
        self.used_steps[username] = int(time.time() // 30)
        return code


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    var = tmp_path_factory.mktemp("longreach-var")
    srv = Server(var, _free_port())
    log = open(var / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [srv.exe, "up", "--port", str(srv.port)], env=srv.env, stdout=log, stderr=subprocess.STDOUT
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(srv.url + "/login/", timeout=2)  # noqa: S310
            break
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((var / "server.log").read_text()) from None
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError("server did not start in 120 s")
    yield srv
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (make test does this as root)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="session", autouse=True)
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
