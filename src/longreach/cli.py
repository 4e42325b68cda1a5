"""``longreach``: Django's management commands with Longreach's settings preset."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["verify-package"]:
        # Whoever checks a package has no Longreach to configure: no settings, no database.
        from longreach.vault.verify_cli import main as verify_package

        sys.exit(verify_package(args[1:]))
    if args[:1] == ["parse-chat"]:
        # Stateless: a chat is parsed without settings, a database or keys.
        from longreach.messages.parse_cli import main as parse_chat

        sys.exit(parse_chat(args[1:]))
    if args[:1] == ["tag"]:
        # Stateless too: rules, indicators and heuristics come from files.
        from longreach.messages.tag_cli import main as tag

        sys.exit(tag(args[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "longreach.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["longreach", *args])


if __name__ == "__main__":
    main()
