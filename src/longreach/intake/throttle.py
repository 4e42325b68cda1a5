"""Rate limits kept in the database: no addresses, only hashed session keys and global buckets.

A reporter on Tor shares an exit with strangers, so addresses would both leak
and mislead; limits are per browser session and for everyone together.
Windows are fixed (start = now rounded down), which is enough to stop floods.
"""

from __future__ import annotations

import hashlib
import time

from django.db import transaction
from django.db.models import F, Sum

from longreach.intake.models import Counter


def session_key(kind: str, session: str) -> str:
    digest = hashlib.blake2b(session.encode("utf-8"), digest_size=16, person=b"lr-throttle").hexdigest()
    return f"{kind}:{digest}"


def _window(seconds: int, now: float | None = None) -> int:
    t = int(now if now is not None else time.time())
    return t - t % seconds


def hit(key: str, *, seconds: int, limit: int, amount: int = 1) -> bool:
    """Count ``amount`` events; False (and nothing counted) when the window is already full."""
    window = _window(seconds)
    with transaction.atomic():
        counter, _ = Counter.objects.select_for_update().get_or_create(key=key, window=window)
        if counter.count + amount > limit:
            return False
        Counter.objects.filter(pk=counter.pk).update(count=F("count") + amount)
    return True


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


def total(prefix: str) -> int:
    return Counter.objects.filter(key__startswith=prefix).aggregate(n=Sum("count"))["n"] or 0


def prune(older_than_seconds: int = 86400) -> int:
    deleted, _ = Counter.objects.filter(window__lt=time.time() - older_than_seconds).delete()
    return deleted
