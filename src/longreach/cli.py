"""``longreach``: Django's management commands with Longreach's settings preset."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

HELP = {"-h", "--help", "help"}


def _stateless(run: Callable[[list[str]], int], argv: list[str]) -> None:
    """Run a command that writes to a pipe: a reader that stops early (``| head``) is not an error."""
    try:
        code = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the failed flush of stdout at exit; point it at nothing instead.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)


def _settings_problem() -> str | None:
    """Why the settings cannot load, or None when they can."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loading the settings is the check)
    except ImproperlyConfigured as exc:
        return str(exc)
    return None


def main(argv: list[str] | None = None) -> None:
    from longreach.core.process import harden

    harden()
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["verify-package"]:
        # Whoever checks a package has no Longreach to configure: no settings, no database.
        from longreach.vault.verify_cli import main as verify_package

        _stateless(verify_package, args[1:])
    if args[:1] == ["parse-chat"]:
        # Stateless: a chat is parsed without settings, a database or keys.
        from longreach.messages.parse_cli import main as parse_chat

        _stateless(parse_chat, args[1:])
    if args[:1] == ["tag"]:
        # Stateless too: rules, indicators and heuristics come from files.
        from longreach.messages.tag_cli import main as tag

        _stateless(tag, args[1:])
    if args[:1] == ["names"]:
        # Stateless: names are compared without settings, a database or keys.
        from longreach.names.cli import main as names

        _stateless(names, args[1:])
    if args[:1] == ["legal"]:
        # Stateless: deadlines come from the rules files.
        from longreach.legal.cli import main as legal

        _stateless(legal, args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "longreach.settings")
    problem = _settings_problem()
    if problem is not None:
        if not args or HELP & set(args):
            # Help must always work: show it with settings that need nothing, and say why.
            print(f"(configuration: {problem}; showing help only)", file=sys.stderr)
            os.environ["LONGREACH_MODE"] = "test"
        else:
            print(f"longreach: {problem} (see docs/admin-guide.md, Configuration)", file=sys.stderr)
            sys.exit(2)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["longreach", *args])


if __name__ == "__main__":
    main()
