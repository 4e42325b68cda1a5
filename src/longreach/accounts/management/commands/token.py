from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts import services
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import User
from longreach.core.secrets_input import read_secret
from longreach.crypto import CryptoError


class Command(BaseCommand):
    help = "API tokens: `token create USERNAME` (asks for the user's password, which unlocks their keys)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        create.add_argument("--password-stdin", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {opts['username']!r}")
        password = read_secret(f"Password for {user.username}: ", from_stdin=opts["password_stdin"])
        if not user.check_password(password):
            raise CommandError("the password is not correct")
        try:
            private = services.user_unlock(user=user, password=password)
            token = services.token_create(user=user, private_key=private, name=opts["name"])
        except CryptoError as exc:
            raise CommandError("the password does not unlock this user's keys") from exc
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
