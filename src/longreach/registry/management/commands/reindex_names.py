from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts.errors import NotAllowed
from longreach.accounts.models import Compartment
from longreach.accounts.terminal import unlock_user
from longreach.keys.context import using_keyring
from longreach.registry import services


class Command(BaseCommand):
    help = (
        "Remake the name comparison tokens of a compartment's people and organisations (after the "
        "linkage key was rotated): their names are opened with the user's keys and hashed again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--compartment", required=True, help="the compartment's slug")
        parser.add_argument("--user", required=True, help="a member who may write cases")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        compartment = Compartment.objects.filter(slug=opts["compartment"]).first()
        if compartment is None:
            raise CommandError(f"no compartment {opts['compartment']!r}")
        user, keyring = unlock_user(opts["user"], from_stdin=opts["password_stdin"])
        with using_keyring(keyring):
            try:
                done = services.name_tokens_rebuild(user=user, compartment=compartment)
            except NotAllowed as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"remade the name tokens of {done} records in {compartment.slug}")
