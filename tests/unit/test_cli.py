"""The ``longreach`` command itself: help always works, a closed pipe is not an error (issue 14, item 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

EXE = str(Path(sys.executable).parent / "longreach")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    env.update(extra)
    return env


def test_help_works_without_any_configuration(tmp_path: Path) -> None:
    for args in (["up", "--help"], ["reconcile", "-h"], ["help"], []):
        r = subprocess.run([EXE, *args], env=_env(), cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, (args, r.stderr)
        assert "Traceback" not in r.stderr
        assert "usage" in r.stdout.lower() or "subcommand" in r.stdout.lower(), args
        assert "showing help only" in r.stderr
    assert not (tmp_path / "var").exists()  # help wrote nothing


def test_a_command_without_configuration_says_what_is_missing_in_one_line(tmp_path: Path) -> None:
    r = subprocess.run(
        [EXE, "reconcile"], env=_env(), cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().count("\n") == 0 and "LONGREACH_SECRET_KEY" in r.stderr


def _chat(tmp_path: Path, lines: int) -> Path:
    path = tmp_path / "chat.txt"
    path.write_text(
        "".join(f"12/03/2024, 10:{n % 60:02d} - Officer: message number {n}\n" for n in range(lines)),
        encoding="utf-8",
    )
    return path


def test_a_reader_that_stops_early_is_not_an_error(tmp_path: Path) -> None:
    chat = _chat(tmp_path, 50_000)
    for args in (["parse-chat", str(chat)],):
        proc = subprocess.Popen([EXE, *args], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # what `| head -1` does
        err = proc.stderr.read().decode()
        proc.wait(timeout=60)
        assert first.startswith(b"{")
        assert proc.returncode == 0, err
        assert "Broken pipe" not in err and "Traceback" not in err


def test_tag_names_a_line_nested_too_deeply(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text('{"text": "hello"}\n' + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    r = subprocess.run(
        [EXE, "tag", "--lenient", str(path)], env=_env(), capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "line 2: nested too deeply" in r.stderr and r.stdout.count("\n") == 1
    r = subprocess.run([EXE, "tag", str(path)], env=_env(), capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and "line 2: nested too deeply" in r.stderr


def _loose(folder: Path) -> list[str]:
    out = []
    for path in [folder, *folder.rglob("*")]:
        if path.is_symlink():
            continue
        if path.stat().st_mode & 0o077:
            out.append(f"{path.relative_to(folder)} {oct(path.stat().st_mode & 0o777)}")
    return out


def test_everything_under_the_var_folder_is_private_to_the_service_user(tmp_path: Path) -> None:
    """Issue 14, item 12: the SQLite database and its -wal and -shm files were created 0644."""
    var = tmp_path / "var"
    old = os.umask(0o022)  # a usual login umask; the command must not depend on it
    try:
        r = subprocess.run(
            [EXE, "migrate", "-v", "0"],
            env=_env(LONGREACH_MODE="demo", LONGREACH_VAR_DIR=str(var)),
            capture_output=True,
            text=True,
            timeout=300,
        )
    finally:
        os.umask(old)
    assert r.returncode == 0, r.stderr
    assert (var / "longreach.sqlite3").exists()
    assert _loose(var) == []


def test_a_var_folder_made_loose_is_tightened_when_the_server_starts(tmp_path: Path) -> None:
    from longreach.site.management.commands._serve import make_private

    (tmp_path / "vault" / "files").mkdir(parents=True)
    for name in ("longreach.sqlite3", "longreach.sqlite3-wal", "vault/files/a.lrf"):
        (tmp_path / name).write_bytes(b"x")
        (tmp_path / name).chmod(0o644)
    (tmp_path / "vault").chmod(0o755)
    assert make_private(tmp_path) >= 4
    assert _loose(tmp_path) == []
    assert make_private(tmp_path) == 0


def test_a_longreach_process_never_writes_a_core_dump(tmp_path: Path) -> None:
    code = (
        "import resource, sys; from longreach.cli import main; "
        "sys.argv=['longreach','parse-chat','/nonexistent']; "
        "import atexit; "
        "atexit.register(lambda: print(resource.getrlimit(resource.RLIMIT_CORE), file=sys.stderr)); main()"
    )
    r = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True, timeout=60)
    assert "(0, 0)" in r.stderr
