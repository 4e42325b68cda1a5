from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts import services
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment, User
from longreach.core.secrets_input import parse_private_key, read_secret


class Command(BaseCommand):
    help = "Restore a user's access to a compartment with the organisation recovery key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("username")
        parser.add_argument(
            "--key-stdin", action="store_true", help="read the recovery key from standard input"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        compartment = Compartment.objects.filter(slug=opts["slug"]).first()
        user = User.objects.filter(username=opts["username"], is_active=True).first()
        if compartment is None:
            raise CommandError(f"no compartment {opts['slug']!r}")
        if user is None:
            raise CommandError(f"no active user {opts['username']!r}")
        key = parse_private_key(read_secret("Recovery key: ", from_stdin=opts["key_stdin"]))
        try:
            services.recovery_restore_access(recovery_private_key=key, compartment=compartment, user=user)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{user.username} can open {compartment.slug} again (key version {compartment.key_version})"
        )
