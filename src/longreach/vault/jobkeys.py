"""Handing a file key to a background job without writing it anywhere readable.

The job queue is a database table: a key put there in the clear would sit in
every backup. Instead each server process makes a key pair when it starts and
keeps the private half in memory only; a request seals the file key to the
public half, and the job (run by the worker thread of the same process) opens
it. A job left over from a process that has since stopped cannot be opened
by anyone: its item's page offers to make the viewing copy again.
"""

from __future__ import annotations

import base64

from nacl.exceptions import CryptoError as NaclCryptoError
from nacl.public import PrivateKey, SealedBox

from longreach.crypto import CryptoError

_PROCESS_KEY = PrivateKey.generate()
_worker_here = False


def worker_started() -> None:
    """Called by the server when it starts its job worker thread in this process."""
    global _worker_here
    _worker_here = True


def can_queue() -> bool:
    """Whether a job sealed here can run: a worker in this process, or jobs that run at once (tests).

    A command such as `longreach vault add` has no worker; its jobs would
    wait for a server whose key could not open them, so it does the work itself.
    """
    from django.conf import settings

    return _worker_here or settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend"


def seal_for_job(secret: bytes) -> str:
    return base64.b64encode(SealedBox(_PROCESS_KEY.public_key).encrypt(secret)).decode("ascii")


def open_in_job(sealed: str) -> bytes:
    try:
        return bytes(SealedBox(_PROCESS_KEY).decrypt(base64.b64decode(sealed)))
    except (NaclCryptoError, ValueError) as exc:
        raise CryptoError("this job was queued by a server process that has stopped; queue it again") from exc
