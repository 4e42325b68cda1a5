from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from longreach.accounts import services
from longreach.accounts.errors import ServiceError
from longreach.accounts.models import Compartment, User
from longreach.core.secrets_input import read_secret
from longreach.crypto import CryptoError
from longreach.keys.keyring import KeyAccessDenied, Keyring


class Command(BaseCommand):
    help = "Compartments: create, revoke a member, rotate the key."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="a new compartment with its first member")
        create.add_argument("slug")
        create.add_argument("--name", required=True)
        create.add_argument("--member", required=True, help="first lead or analyst")
        revoke = sub.add_parser("revoke", help="end a membership and delete the member's keys")
        revoke.add_argument("slug")
        revoke.add_argument("username")
        rotate = sub.add_parser("rotate-key", help="issue a new key and re-encrypt everything in it")
        rotate.add_argument("slug")
        rotate.add_argument(
            "--as", dest="acting", required=True, help="a member whose password unlocks the key"
        )
        rotate.add_argument("--password-stdin", action="store_true")

    def _compartment(self, slug: str) -> Compartment:
        c = Compartment.objects.filter(slug=slug).first()
        if c is None:
            raise CommandError(f"no compartment {slug!r}")
        return c

    def _user(self, username: str) -> User:
        u = User.objects.filter(username=username).first()
        if u is None:
            raise CommandError(f"no user {username!r}")
        return u

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["action"] == "create":
                c = services.compartment_create(
                    slug=opts["slug"], name=opts["name"], lead=self._user(opts["member"]), acting_user="cli"
                )
                self.stdout.write(f"created compartment {c.slug} (code {c.code})")
            elif opts["action"] == "revoke":
                c = self._compartment(opts["slug"])
                services.membership_revoke(
                    compartment=c, user=self._user(opts["username"]), acting_user="cli"
                )
                self.stdout.write(f"revoked; now run: longreach compartment rotate-key {c.slug} --as LEAD")
            else:
                c = self._compartment(opts["slug"])
                member = self._user(opts["acting"])
                password = read_secret(f"Password for {member.username}: ", from_stdin=opts["password_stdin"])
                try:
                    keyring = Keyring(member.pk, services.user_unlock(user=member, password=password))
                    rows = services.compartment_rotate_key(compartment=c, acting_user=member, keyring=keyring)
                except (CryptoError, KeyAccessDenied) as exc:
                    raise CommandError(f"{member.username}'s keys do not open this compartment") from exc
                c.refresh_from_db()
                self.stdout.write(f"{c.slug} now uses key version {c.key_version}; {rows} rows re-encrypted")
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        except PermissionError as exc:
            raise CommandError(str(exc)) from exc
