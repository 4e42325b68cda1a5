"""Two tables on the demo's public statistics page: one suppressed, one differentially private."""

from __future__ import annotations

from longreach.accounts.models import User
from longreach.insight import services

NOTE = (
    "Synthetic incidents of the Longreach demo, recorded over nine years by two caseworking teams. "
    "They show how the page works; they are not a count of anything that happened."
)


TABLES = (
    ("Incidents by origin state", ("origin_state",), "suppression", None),
    ("Incidents by host country", ("host_country",), "dp", 1.0),
)


def demo_publications(*, user: User) -> None:
    for title, group_by, method, epsilon in TABLES:
        services.publication_create(
            user=user,
            data=services.PublicationInput(
                title=title, note=NOTE, group_by=group_by, method=method, threshold=5, epsilon=epsilon
            ),
        )
