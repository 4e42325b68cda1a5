from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from longreach.accounts import services
from longreach.accounts.errors import ServiceError
from longreach.accounts.roles import Role
from longreach.audit.models import Event
from longreach.audit.services import audit_record, ledger_sign_head, write_signing_key
from longreach.core.secrets_input import group, read_secret, show_totp
from longreach.intake import pepper
from longreach.keys import services as key_services
from longreach.keys.models import OrgKeys


class Command(BaseCommand):
    help = "Set up a new organisation: signing key, recovery key (shown once) and the first administrator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--admin", required=True, help="username of the first administrator")
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if OrgKeys.objects.exists():
            raise CommandError("this organisation is already set up")
        signing_path = Path(settings.SIGNING_KEY_FILE)
        if signing_path.exists():
            raise CommandError(
                f"{signing_path} already exists; move it away or point LONGREACH_SIGNING_KEY_FILE elsewhere"
            )
        password = read_secret("Administrator password: ", from_stdin=opts["password_stdin"])
        again = read_secret("Again: ", from_stdin=opts["password_stdin"])
        if password != again:
            raise CommandError("the two passwords differ")
        public = write_signing_key(signing_path)
        try:
            with transaction.atomic():
                org = key_services.org_keys_create(signing_public_key=public)
                new = services.user_create(
                    username=opts["admin"],
                    role=Role.ADMIN,
                    password=password,
                    acting_user="setup",
                    linkage_key=org.linkage_key,
                )
                audit_record(Event.ORG_SETUP, actor="setup")
        except (ValidationError, ServiceError) as exc:
            signing_path.unlink()
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("; ".join(messages)) from exc
        ledger_sign_head()
        pepper.ensure()
        w = self.stdout.write
        w(self.style.SUCCESS("Organisation set up."))
        w("")
        w("RECOVERY KEY: print this now and store it offline (two people, two places).")
        w("It is shown once and never stored on this server. It restores access when keys are lost.")
        w("")
        w("    " + group(org.recovery_private_key.hex()))
        w("")
        w(f"Administrator {opts['admin']}:")
        show_totp(new.totp, self.stdout)
        w(f"Ledger signing key: {signing_path} (keep it out of backups of the database)")
        w(f"Intake pepper: {settings.INTAKE_PEPPER_FILE} (back it up apart from the database; without it")
        w("no receipt can be checked). Route reports with: longreach intake route COMPARTMENT")
