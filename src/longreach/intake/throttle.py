"""Rate limits kept in the database: no addresses, only hashed session keys and global buckets.

A reporter on Tor shares an exit with strangers, so addresses would both leak
and mislead; limits are per browser session and for everyone together.
Windows are fixed (start = now rounded down), which is enough to stop floods.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from longreach.intake.models import Counter


def session_key(kind: str, session: str) -> str:
    digest = hashlib.blake2b(session.encode("utf-8"), digest_size=16, person=b"lr-throttle").hexdigest()
    return f"{kind}:{digest}"


def _window(seconds: int, now: float | None = None) -> int:
    t = int(now if now is not None else time.time())
    return t - t % seconds


@dataclass(frozen=True)
class Limit:
    key: str
    seconds: int
    limit: int
    amount: int = 1


def hit_all(limits: list[Limit]) -> int | None:
    """Count every limit in one transaction; the index of the first full one (nothing counted) or None."""
    with transaction.atomic():
        rows = []
        for i, lim in enumerate(limits):
            if lim.amount == 0:
                continue
            counter, _ = Counter.objects.select_for_update().get_or_create(
                key=lim.key, window=_window(lim.seconds)
            )
            if counter.count + lim.amount > lim.limit:
                return i
            rows.append((counter.pk, lim.amount))
        for pk, amount in rows:
            Counter.objects.filter(pk=pk).update(count=F("count") + amount)
    return None


def count(key: str, *, seconds: int) -> int:
    row = Counter.objects.filter(key=key, window=_window(seconds)).values_list("count", flat=True).first()
    return row or 0


def add(key: str, *, seconds: int, amount: int = 1) -> int:
    """Count without a limit; returns the new total of the window."""
    window = _window(seconds)
    with transaction.atomic():
        counter, _ = Counter.objects.select_for_update().get_or_create(key=key, window=window)
        Counter.objects.filter(pk=counter.pk).update(count=F("count") + amount)
        counter.refresh_from_db()
    return counter.count


def prune(older_than_seconds: int = 86400) -> int:
    deleted, _ = Counter.objects.filter(window__lt=time.time() - older_than_seconds).delete()
    return deleted
