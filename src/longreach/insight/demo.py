"""Two tables on the demo's public statistics page: one suppressed, one differentially private."""

from __future__ import annotations

from longreach.accounts.models import User
from longreach.insight import services

NOTE = (
    "Synthetic incidents of the Longreach demo, recorded over nine years by two caseworking teams. "
    "They show how the page works; they are not a count of anything that happened."
)


def demo_publications(*, user: User) -> None:
    services.publication_create(
        user=user,
        data=services.PublicationInput(
            title="Incidents by origin state",
            note=NOTE,
            group_by=("origin_state",),
            method="suppression",
            threshold=5,
        ),
    )
    services.publication_create(
        user=user,
        data=services.PublicationInput(
            title="Incidents by host country",
            note=NOTE,
            group_by=("host_country",),
            method="dp",
            threshold=5,
            epsilon=1.0,
        ),
    )
