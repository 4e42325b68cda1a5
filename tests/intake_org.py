"""A minimal organisation with an open reporting line, made in a fresh database by a subprocess.

Used by the crash tests (tests/e2e/test_intake_crash.py) and the load
benchmark (benchmarks/intake_load.py), which both drive a real ``longreach
serve`` against a var folder of their own:

    python -c "from tests.intake_org import create; create('PASSWORD', 'slug')"
"""

from __future__ import annotations


def create(password: str, slug: str) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from longreach.accounts import services
    from longreach.accounts.roles import Role
    from longreach.audit.services import write_signing_key
    from longreach.intake import pepper
    from longreach.intake import services as intake
    from longreach.keys import services as keys

    org = keys.org_keys_create(signing_public_key=write_signing_key(settings.SIGNING_KEY_FILE))
    lead = services.user_create(
        username="lead", role=Role.LEAD, password=password, acting_user=slug, linkage_key=org.linkage_key
    )
    compartment = services.compartment_create(slug=slug, name=slug.title(), lead=lead.user, acting_user=slug)
    pepper.ensure()
    intake.route_set(compartment=compartment, acting_user=slug)
