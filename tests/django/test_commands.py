"""The `longreach` commands: happy paths and clear errors for bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from longreach.accounts import services
from longreach.accounts.models import Membership, User
from tests.conftest import PASSWORD

ROOT = Path(__file__).parents[2]


def run(*args: str, stdin: str = "") -> str:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        call_command(*args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_token_create_prints_a_working_token(cast: Any) -> None:
    token = run("token", "create", "analyst", "--password-stdin", stdin=PASSWORD + "\n").strip()
    assert services.token_authenticate(token)[0] == cast.analyst  # type: ignore[index]


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["token", "create", "nobody", "--password-stdin"], "x\n", "no active user"),
        (["token", "create", "analyst", "--password-stdin"], "wrong\n", "password is not correct"),
        (["token", "create", "analyst", "--password-stdin"], "", "end of input"),
        (["token", "create", "analyst", "--password-stdin", "--name", "n" * 81], PASSWORD + "\n", "1 to 80"),
        (["recover", "demo-b", "analyst", "--key-stdin"], "zz\n", "64 hexadecimal"),
        (
            ["recover", "demo-b", "analyst", "--key-stdin"],
            "00" * 32 + "\n",
            "not the organisation's recovery key",
        ),
        (["recover", "nope", "analyst", "--key-stdin"], "", "no compartment"),
        (["compartment", "create", "demo-a", "--name", "x", "--member", "lead"], "", "already exists"),
        (["compartment", "create", "new", "--name", "x", "--member", "auditor"], "", "lead or analyst"),
        (["compartment", "revoke", "demo-b", "analyst"], "", "not a member"),
        (
            ["compartment", "rotate-key", "demo-b", "--as", "analyst", "--password-stdin"],
            PASSWORD + "\n",
            "do not open",
        ),
        (["user", "create", "x", "--role", "analyst"], "", "--as"),
        (["user", "create", "analyst", "--role", "auditor"], "", "already exists"),
        (["user", "deactivate", "nobody"], "", "no active user"),
        (["user", "reset-factor", "nobody"], "", "no active user"),
        (["user", "reset-password", "analyst", "--key-stdin"], "not hex\n", "64 hexadecimal"),
    ],
)
def test_commands_fail_with_a_clear_reason(cast: Any, args: list[str], stdin: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args, stdin=stdin)


def test_recover_and_rotate_and_revoke(cast: Any) -> None:
    key = cast.recovery_private.hex()
    grouped = " ".join(key[i : i + 8] for i in range(0, 64, 8))
    assert "can open demo-b" in run("recover", "demo-b", "analyst", "--key-stdin", stdin=grouped + "\n")
    assert Membership.objects.filter(user=cast.analyst, compartment__slug="demo-b").exists()
    out = run(
        "compartment", "rotate-key", "demo-b", "--as", "analyst", "--password-stdin", stdin=PASSWORD + "\n"
    )
    assert "key version 2" in out
    assert "rotate-key" in run("compartment", "revoke", "demo-b", "analyst")


def test_user_create_for_a_linkage_role_needs_an_administrator(cast: Any) -> None:
    out = run(
        "user",
        "create",
        "newbie",
        "--role",
        "analyst",
        "--as",
        "admin",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert "initial password" in out and "TOTP secret" in out
    assert User.objects.get(username="newbie").key_grants.filter(compartment=None).exists()
    out = run("user", "create", "reader", "--role", "researcher")
    assert "created reader" in out
    with pytest.raises(CommandError, match="not correct"):
        run(
            "user", "create", "other", "--role", "analyst", "--as", "admin", "--password-stdin", stdin="bad\n"
        )


def test_totp_command_works_only_in_demo_mode(cast: Any, settings: Any) -> None:
    with pytest.raises(CommandError, match="demo mode"):
        run("totp", "analyst")
    settings.MODE = "demo"
    assert run("totp", "analyst").strip().isdigit()
    with pytest.raises(CommandError, match="no demo user"):
        run("totp", "nobody")


def test_totp_command_gives_a_code_the_server_accepts_after_a_late_login(cast: Any, settings: Any) -> None:
    # A code typed just after its step ended is accepted with drift -1 and the
    # previous step marked used; the next code shown must still be accepted.
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.MODE = "demo"
    device = TOTPDevice.objects.get(user=cast.analyst)
    previous = TOTP(device.bin_key, device.step, device.t0, device.digits, -1)
    assert device.verify_token(previous.token())
    device.refresh_from_db()
    assert device.drift == -1
    assert device.verify_token(run("totp", "analyst").strip())


def test_setup_refuses_a_second_run(cast: Any) -> None:
    with pytest.raises(CommandError, match="already set up"):
        run("setup", "--admin", "x", "--password-stdin", stdin="a\na\n")


def _env(tmp: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LONGREACH_", "DJANGO_"))}
    env.update(
        LONGREACH_VAR_DIR=str(tmp),
        LONGREACH_KDF="test",
        LONGREACH_MODE="test",
        LONGREACH_DATABASE_URL=f"sqlite:///{tmp}/db.sqlite3",
    )
    env.update(extra)
    return env


def longreach(tmp: Path, *args: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "longreach"
    return subprocess.run(
        [str(exe), *args], input=stdin, capture_output=True, text=True, env=_env(tmp, **extra), timeout=120
    )


def test_setup_from_scratch_shows_the_recovery_key_once(tmp_path: Path) -> None:
    r = longreach(
        tmp_path,
        "setup",
        "--admin",
        "boss",
        "--password-stdin",
        stdin="a fine long passphrase\na fine long passphrase\n",
    )
    assert r.returncode == 0, r.stderr
    assert "RECOVERY KEY" in r.stdout and "TOTP secret" in r.stdout
    recovery = r.stdout.split("RECOVERY KEY")[1].splitlines()[3].replace(" ", "")
    assert len(recovery) == 64
    db = (tmp_path / "db.sqlite3").read_bytes()
    assert bytes.fromhex(recovery) not in db
    assert (tmp_path / "ledger-signing.key").stat().st_mode & 0o777 == 0o600
    verify = longreach(tmp_path, "ledger", "verify")
    assert verify.returncode == 0 and "ledger OK" in verify.stdout
    again = longreach(tmp_path, "setup", "--admin", "x", "--password-stdin", stdin="a\na\n")
    assert again.returncode != 0 and "already set up" in again.stderr


@pytest.mark.parametrize(
    ("stdin", "message"),
    [("short\nshort\n", "too short"), ("a fine long passphrase\ndifferent one here\n", "differ")],
)
def test_setup_refuses_bad_passwords_and_keeps_nothing(tmp_path: Path, stdin: str, message: str) -> None:
    r = longreach(tmp_path, "setup", "--admin", "boss", "--password-stdin", stdin=stdin)
    assert r.returncode != 0 and message in r.stderr
    assert not (tmp_path / "ledger-signing.key").exists()


def test_production_settings_refuse_to_start_without_secrets(tmp_path: Path) -> None:
    r = longreach(tmp_path, "check", LONGREACH_MODE="production")
    assert r.returncode != 0 and "LONGREACH_SECRET_KEY" in r.stderr
    r = longreach(tmp_path, "check", LONGREACH_MODE="production", LONGREACH_SECRET_KEY="x" * 60)
    assert r.returncode != 0 and "LONGREACH_ALLOWED_HOSTS" in r.stderr
    r = longreach(tmp_path, "check", LONGREACH_MODE="nonsense")
    assert r.returncode != 0 and "LONGREACH_MODE" in r.stderr


def test_deploy_check_passes_with_production_settings(tmp_path: Path) -> None:
    tmp_path = tmp_path / "production"  # the suite's own pepper lives in tmp_path itself
    tmp_path.mkdir()
    secret = tmp_path / "secret"
    secret.write_text("s" * 20 + "Q9x!" * 10 + "kZ")
    production = {
        "LONGREACH_MODE": "production",
        "LONGREACH_SECRET_KEY_FILE": str(secret),
        "LONGREACH_ALLOWED_HOSTS": "longreach.example.org",
        "LONGREACH_KDF": "interactive",
    }
    r = longreach(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production)
    assert r.returncode != 0 and "longreach.W001" in r.stderr + r.stdout  # no intake pepper yet
    assert "longreach intake init" in r.stderr + r.stdout
    (tmp_path / "intake-pepper.key").write_text("ab" * 32)
    r = longreach(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **production)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout


def test_reset_factor_issues_a_new_secret_and_ends_sessions(cast: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from longreach.audit.models import AuditEntry

    old = TOTPDevice.objects.get(user=cast.analyst).key
    out = run("user", "reset-factor", "analyst")
    new = TOTPDevice.objects.get(user=cast.analyst).key
    assert old != new
    assert "TOTP secret" in out
    assert any(block in out for block in "▀▄█")  # the QR code drawn in the terminal
    assert AuditEntry.objects.filter(event="factor.removed", object_code=cast.analyst.code).exists()


def test_reset_password_regrants_keys_from_the_recovery_key(cast: Any) -> None:
    from longreach.keys.context import using_keyring
    from longreach.keys.keyring import Keyring
    from tests.django.test_sealed_fields import make
    from tests.sealedapp.models import Record

    rec = make(cast, text="kept through a reset")
    token = services.token_create(user=cast.analyst, private_key=cast.privates["analyst"], name="old")
    with pytest.raises(CommandError, match="recovery key"):
        run("user", "reset-password", "analyst", "--key-stdin", stdin="11" * 32 + "\n")
    out = run("user", "reset-password", "analyst", "--key-stdin", stdin=cast.recovery_private.hex() + "\n")
    assert "1 compartment(s) re-granted" in out
    password = out.split("initial password: ")[1].split()[0]
    user = User.objects.get(pk=cast.analyst.pk)
    keyring = Keyring(user.pk, services.user_unlock(user=user, password=password))
    with using_keyring(keyring):
        assert Record.objects.get(pk=rec.pk).text == "kept through a reset"
        assert keyring.linkage_key() == cast.linkage_key
    assert services.token_authenticate(token) is None
