from __future__ import annotations

import base64
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts import services
from longreach.accounts.models import User
from longreach.accounts.roles import LINKAGE_ROLES, Role
from longreach.core.secrets_input import read_secret
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

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "deactivate":
            user = User.objects.filter(username=opts["username"]).first()
            if user is None:
                raise CommandError(f"no user {opts['username']!r}")
            services.user_deactivate(user=user, acting_user="cli")
            self.stdout.write(f"{user.username} deactivated; sessions ended and tokens revoked.")
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
        except services.ServiceError as exc:
            raise CommandError(str(exc)) from exc
        secret = base64.b32encode(bytes.fromhex(new.totp.key)).decode("ascii")
        self.stdout.write(f"created {new.user.username} ({role.label})")
        self.stdout.write(f"initial password: {initial}   (ask them to change it at first login)")
        self.stdout.write(f"TOTP secret for their authenticator app: {secret}")
