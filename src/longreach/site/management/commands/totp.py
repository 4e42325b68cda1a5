from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from longreach.site.demo import demo_password


class Command(BaseCommand):
    help = "DEMO ONLY: print a demo user's current TOTP code (and, with --password, their password)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        if settings.MODE != "demo":
            raise CommandError(
                "`longreach totp` works only in demo mode; real users read codes from their own app"
            )
        device = TOTPDevice.objects.filter(user__username=opts["username"], confirmed=True).first()
        if device is None:
            raise CommandError(f"no demo user {opts['username']!r} with a TOTP device")
        if opts["password"]:
            self.stdout.write(f"password: {demo_password(opts['username'])}")
        # This command plays the user's phone, whose clock is this machine's. The
        # device's drift is the server's estimate of a phone's clock error: applying
        # it here after a late login gives an already-used step, refused as a replay.
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits)
        code = f"{totp.token():0{device.digits}d}"
        remaining = device.step - (int(totp.time) - device.t0) % device.step
        self.stdout.write(f"{code}  (valid for {remaining} more seconds)" if opts["password"] else code)
