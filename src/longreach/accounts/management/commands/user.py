from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from longreach.accounts import services
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import User
from longreach.accounts.roles import LINKAGE_ROLES, Role
from longreach.core.secrets_input import parse_private_key, read_secret, show_totp
from longreach.crypto import CryptoError
from longreach.keys.context import using_keyring
from longreach.keys.keyring import Keyring


class Command(BaseCommand):
    help = "Staff users: `user create NAME --role ROLE [--as ADMIN]`, `user deactivate NAME`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--as", dest="acting", help="administrator whose keys grant the linkage key")
        create.add_argument("--password-stdin", action="store_true")
        deactivate = sub.add_parser("deactivate")
        deactivate.add_argument("username")
        factor = sub.add_parser("reset-factor", help="new TOTP secret after a lost phone")
        factor.add_argument("username")
        reset = sub.add_parser(
            "reset-password", help="forgotten password: new keys, re-granted with the recovery key"
        )
        reset.add_argument("username")
        reset.add_argument(
            "--key-stdin", action="store_true", help="read the recovery key from standard input"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] != "create":
            user = User.objects.filter(username=opts["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {opts['username']!r}")
            if opts["action"] == "deactivate":
                services.user_deactivate(user=user, acting_user="cli")
                self.stdout.write(f"{user.username} deactivated; sessions ended and tokens revoked.")
            elif opts["action"] == "reset-factor":
                self._show_factor(services.user_reset_factor(user=user, acting_user="cli"))
            else:
                key = parse_private_key(read_secret("Recovery key: ", from_stdin=opts["key_stdin"]))
                initial = "lr-" + secrets.token_urlsafe(15)
                try:
                    n = services.user_reset_password(
                        user=user, new_password=initial, recovery_private_key=key, acting_user="cli"
                    )
                except ServiceError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(f"{user.username}: new keys, {n} compartment(s) re-granted, tokens revoked")
                self.stdout.write(f"initial password: {initial}   (ask them to change it at first login)")
            return
        role = Role(opts["role"])
        keyring = None
        acting: User | str = "cli"
        if role in LINKAGE_ROLES:
            if not opts["acting"]:
                raise CommandError(f"a {role.label} needs the linkage key: pass --as ADMINISTRATOR")
            admin = User.objects.filter(username=opts["acting"], role=Role.ADMIN, is_active=True).first()
            if admin is None:
                raise CommandError(f"no active administrator {opts['acting']!r}")
            password = read_secret(f"Password for {admin.username}: ", from_stdin=opts["password_stdin"])
            try:
                keyring = Keyring(admin.pk, services.user_unlock(user=admin, password=password))
            except CryptoError as exc:
                raise CommandError("the administrator password is not correct") from exc
            acting = admin
        initial = "lr-" + secrets.token_urlsafe(15)
        try:
            with using_keyring(keyring):
                new = services.user_create(
                    username=opts["username"], role=role, password=initial, acting_user=acting
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"created {new.user.username} ({role.label})")
        self.stdout.write(f"initial password: {initial}   (ask them to change it at first login)")
        self._show_factor(new.totp)

    def _show_factor(self, device: TOTPDevice) -> None:
        show_totp(device, self.stdout)
