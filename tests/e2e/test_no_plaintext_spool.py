"""No request body reaches a disk in the clear, on the real server (issue 14, item 1).

An upload larger than every buffer on the path (waitress's 512 KB ``inbuf_overflow``,
Django's 2.5 MB in-memory limit, the encryptor's chunk) carries a marker in its file and
in a form answer. While it streams, and after, the server's open files (through
/proc/PID/fd, which reaches unlinked files too) and every temporary directory are read
whole and searched for the marker.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.test_intake_crash import SETUP, run_python, start

FILE_BYTES = 6_000_000


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.Popen[bytes], str, Path, Path]:
    var = tmp_path_factory.mktemp("spool-var")
    spool = tmp_path_factory.mktemp("spool-tmp")
    run_python(var, SETUP)
    proc, url = start(var, "", TMPDIR=str(spool))
    yield proc, url, var, spool
    proc.terminate()
    proc.wait(timeout=20)


def _open_files(pid: int) -> list[Path]:
    found = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if fd.is_file():  # follows the link: regular files only, deleted ones included
                found.append(fd)
        except OSError:
            continue
    return found


def _holds(path: Path, marker: bytes) -> bool:
    try:
        with open(path, "rb") as fh:
            return marker in fh.read()
    except OSError:
        return False


def _scan(pid: int, marker: bytes, folders: list[Path]) -> tuple[list[str], int]:
    """(where the marker was found, the largest open regular file in bytes)."""
    hits, largest = [], 0
    for fd in _open_files(pid):
        try:
            largest = max(largest, fd.stat().st_size)
        except OSError:
            continue
        if _holds(fd, marker):
            hits.append(f"fd {fd.name} -> {os.readlink(fd)}")
    for folder in folders:
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            try:
                if path.is_file() and path.stat().st_size < 200_000_000 and _holds(path, marker):
                    hits.append(str(path))
            except OSError:
                continue
    return hits, largest


def _form(url: str) -> tuple[str, dict[str, str]]:
    with urllib.request.urlopen(url + "/report/form/", timeout=30) as r:  # noqa: S310
        page = r.read()
        cookie = "; ".join(c.split(";", 1)[0] for c in r.headers.get_all("Set-Cookie") or [])
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()  # type: ignore[union-attr]
    nonce = re.search(rb'name="nonce" value="([0-9a-f]{32})"', page).group(1).decode()  # type: ignore[union-attr]
    return cookie, {"csrfmiddlewaretoken": token, "nonce": nonce}


@pytest.mark.e2e
@pytest.mark.parametrize("target", ["/report/form/", "/evidence/add/incident/I-ABCDEFGH/"])
def test_a_large_upload_never_reaches_a_disk_in_the_clear(
    served: tuple[subprocess.Popen[bytes], str, Path, Path], target: str
) -> None:
    proc, url, var, spool = served
    marker = b"LR-MARKER-" + secrets.token_hex(12).encode()
    cookie, hidden = _form(url)
    fields = {
        **hidden,
        "step": "send",
        "go": "next",
        "host_country": "DE",
        "danger": "no",
        "origin_state": "CN",
        "tactics": "FAMILY_THREAT",
        "story": "They said " + marker.decode() + " and hung up.",
    }
    boundary = secrets.token_hex(16)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    )
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="chat.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    line = marker + b" think of your family\n"
    content = (line * (FILE_BYTES // len(line) + 1))[:FILE_BYTES]
    body = head + content + f"\r\n--{boundary}--\r\n".encode()
    folders = [spool, var, Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")]  # noqa: S108
    during: list[str] = []
    largest = 0
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(
            (
                f"POST {target} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n"
                f"Origin: {url}\r\nReferer: {url}/report/form/\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
        )
        sent = 0
        piece = 256 * 1024
        while sent < len(body):
            sock.sendall(body[sent : sent + piece])
            sent += piece
            if sent in (piece * 8, piece * 16):  # well past inbuf_overflow, before the app sees it
                time.sleep(0.3)
                hits, big = _scan(proc.pid, marker, folders)
                during += hits
                largest = max(largest, big)
        response = b""
        while chunk := sock.recv(65536):
            response += chunk
    status = int(response.split(b" ", 2)[1])
    after, _big = _scan(proc.pid, marker, folders)
    assert largest > 1_000_000, "the server never spooled the body: the test did not reach the path"
    assert during == [] and after == [], (during, after)
    if target == "/report/form/":
        assert status == 200 and b"<span>" in response  # the receipt page: the upload was kept
    else:
        assert status in (302, 403, 404)
    assert list((var / "intake" / "tmp").glob("*")) == [] if (var / "intake" / "tmp").exists() else True
