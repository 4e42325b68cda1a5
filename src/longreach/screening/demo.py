"""A demo watchlist and screening (synthetic names only), so the Screening page shows its work."""

from __future__ import annotations

import io

from longreach.accounts.models import Compartment, User
from longreach.screening import services

# Made-up people; any likeness to a real person's name is a coincidence of common names.
DEMO_LIST = (
    "id,name,aliases,birth_date,nationality\n"
    "DEMO-1,Kaysar Tursunov,Қайсар Турсунов;قەيسەر تۇرسۇنوف,1979-03,CN\n"
    "DEMO-2,Wang Jianguo,王建国,1968,CN\n"
    "DEMO-3,Farid Al-Mansouri,فريد المنصوري,1974-11-02,AE\n"
    "DEMO-4,Dmitri Sokolovsky,Дмитрий Соколовский,1981,RU\n"
    "DEMO-5,Reza Bahrami Nejad,رضا بهرامی نژاد,1970,IR\n"
)
DEMO_BATCH = (
    "id,name,birth_date,nationality\n"
    "visa-101,Қайсар Турсунов,1979-03-14,CN\n"
    "visa-102,王建国,1968-05-01,CN\n"
    "visa-103,Sokolovskiy Dmitriy,1990,RU\n"
    "visa-104,Amina Haddad,1992-07-09,LB\n"
    "visa-105,Reza Bahraminejad,,IR\n"
)


def demo_screening(*, user: User, compartment: Compartment) -> None:
    """Import the demo list into ``compartment`` and screen the demo batch against it and the records."""
    from longreach.names.lists import read_csv

    imported = services.watchlist_import(
        user=user,
        compartment=compartment,
        fh=io.BytesIO(DEMO_LIST.encode()),
        filename="demo-watchlist.csv",
        kind="csv",
        title="Demo watchlist (synthetic)",
        source="Longreach demo data",
    )
    assert imported.watchlist is not None
    batch = services.batch_from(read_csv(io.BytesIO(DEMO_BATCH.encode()), "demo-batch.csv"))
    services.screening_run(
        user=user,
        compartment=compartment,
        batch=batch,
        watchlists=[imported.watchlist],
        title="Demo visa applicants (synthetic)",
    )
