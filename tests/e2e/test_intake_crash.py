"""Kill the real server (SIGKILL, like a power cut) at each step of a submission.

Afterwards there is either a complete report whose files verify, or no report
at all; and the reporter never saw a receipt for something that was lost.
``LONGREACH_CRASH_AT`` is honoured only in test mode (core.uploads.crash_point).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.e2e.conftest import _free_port

SETUP = "from tests.intake_org import create; create('correct horse battery staple 7', 'crash')"

COUNT = """
import django, json
django.setup()
from longreach.intake.models import Report, ReportFile
print(json.dumps({"reports": Report.objects.count(), "files": ReportFile.objects.count()}))
"""

STEPS = ["files_encrypted", "files_renamed", "directory_synced", "rows_written", "committed"]


@pytest.fixture(scope="module")
def var(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("crash-var")
    run_python(path, SETUP)
    return path


def env_for(var: Path, crash_at: str = "", **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    env.update(
        LONGREACH_MODE="test",
        LONGREACH_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="longreach.settings",
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
    )
    if crash_at:
        env["LONGREACH_CRASH_AT"] = crash_at
    env.update(extra)
    return env


def run_python(var: Path, code: str) -> str:
    r = subprocess.run(
        [sys.executable, "-c", code], env=env_for(var), capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def reconcile(var: Path) -> list[str]:
    exe = str(Path(sys.executable).parent / "longreach")
    r = subprocess.run([exe, "reconcile"], env=env_for(var), capture_output=True, text=True, timeout=120)
    return [line.split("\t")[0] for line in r.stdout.splitlines() if "\t" in line]


def counts(var: Path) -> dict[str, int]:
    return dict(json.loads(run_python(var, COUNT)))


def start(var: Path, crash_at: str, **extra: str) -> tuple[subprocess.Popen[bytes], str]:
    """``longreach serve`` on a free port over ``var``; ``extra`` adds to its environment."""
    port = _free_port()
    exe = str(Path(sys.executable).parent / "longreach")
    proc = subprocess.Popen(
        [exe, "serve", "--port", str(port)],
        env=env_for(var, crash_at, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/report/", timeout=2)  # noqa: S310
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


def submit(url: str) -> tuple[int, bytes]:
    """The last step of the form with a 300 KB file, as a browser posts it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(url + "/report/form/", timeout=30).read()
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page).group(1).decode()  # type: ignore[union-attr]
    fields = {
        "csrfmiddlewaretoken": token,
        "nonce": nonce,
        "step": "send",
        "go": "next",
        "host_country": "DE",
        "danger": "no",
        "origin_state": "CN",
        "tactics": "FAMILY_THREAT",
    }
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="chat.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n".encode()
        + os.urandom(300_000)
        + b"\r\n"
    )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        url + "/report/form/",
        data=body,
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Origin": url,
            "Referer": url + "/report/form/",
        },
    )
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (ConnectionError, urllib.error.URLError, http.client.RemoteDisconnected):  # type: ignore[attr-defined]
        return 0, b""


@pytest.mark.parametrize("step", STEPS)
def test_killed_at_each_step_leaves_all_or_nothing(var: Path, step: str) -> None:
    before = counts(var)
    proc, url = start(var, step)
    status, body = submit(url)
    proc.wait(timeout=30)
    assert proc.returncode == -9, f"the server was meant to die at {step}"
    assert status == 0 and b"<span>" not in body  # the reporter saw no receipt
    after = counts(var)
    problems = reconcile(var)
    # Never a row without its file, never a file that fails its checksum.
    assert (
        "missing-file" not in problems
        and "checksum-mismatch" not in problems
        and "size-mismatch" not in problems
    )
    if step == "committed":
        assert after == {"reports": before["reports"] + 1, "files": before["files"] + 1}
    else:
        assert after == before
        if step != "files_encrypted":
            assert "orphan-file" in problems  # found, listed, and left alone for a person to decide


def test_without_a_crash_the_receipt_comes_after_the_commit(var: Path) -> None:
    before = counts(var)
    proc, url = start(var, "")
    try:
        status, body = submit(url)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert status == 200 and len(re.findall(rb"<span>(\d{4})</span>", body)) == 5
    assert counts(var) == {"reports": before["reports"] + 1, "files": before["files"] + 1}
