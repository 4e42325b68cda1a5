"""Running the real WSGI server (waitress) with two threads beside it: housekeeping (signing
tree heads, dropping rate-limit counters of windows long past, removing abandoned uploads, watching
for surges once a day, e-mailing content-free notices) and the job worker.

The job worker runs in the server's process on purpose: a job is handed its
file key sealed to a key pair that exists only in this process's memory
(vault/jobkeys.py), so no other process could run it anyway."""

from __future__ import annotations

import math
import os
import stat
import threading
import time
from pathlib import Path
from typing import Any

from django.db import close_old_connections


def _signer(stop: threading.Event, every: float, out: Any) -> None:
    from django.conf import settings

    from longreach.audit.models import LedgerState, TreeHead
    from longreach.audit.services import ledger_sign_head
    from longreach.insight import services as insight
    from longreach.intake import reconcile as intake_files
    from longreach.intake import throttle
    from longreach.site import inbox
    from longreach.vault import reconcile as vault_files

    watch_every = float(settings.SURGE_WATCH_HOURS) * 3600
    watched = -math.inf
    while not stop.wait(every):
        try:
            close_old_connections()
            last = TreeHead.objects.order_by("-size").values_list("size", flat=True).first()
            size = LedgerState.objects.filter(pk=1).values_list("size", flat=True).first() or 0
            if last is None or size > last + 1:  # +1: signing itself adds an entry
                ledger_sign_head()
            throttle.prune()
            if watch_every and time.monotonic() - watched >= watch_every:
                watched = time.monotonic()
                found = insight.watch()
                if found.new:
                    out.write(f"surge watch: {len(found.new)} new surge(s) for the leads\n")
            if notices := inbox.send_notices():
                out.write(f"notices: {notices} e-mail(s) sent\n")
            for source in (intake_files, vault_files):
                for removed in source.sweep(settings.TEMP_UPLOAD_MAX_AGE_SECONDS):
                    out.write(f"{removed.kind}\t{removed.name}\t{removed.detail}\n")
        except Exception as exc:  # keep serving; the failure is printed for the operator
            out.write(f"housekeeping failed: {exc}\n")
        finally:
            close_old_connections()


def _job_worker() -> Any:
    """The django-tasks database worker, started on a thread; None when jobs run at once (tests)."""
    from django.conf import settings

    if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
        return None
    from django_tasks_db.management.commands.db_worker import Worker

    jobs = Worker(
        queue_names=["default"],
        interval=1.0,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="longreach-serve",
        excluded_queue_names=[],
    )
    from longreach.vault import jobkeys

    jobkeys.worker_started()
    threading.Thread(target=jobs.run, daemon=True, name="job-worker").start()
    return jobs


def seal_server_buffers() -> None:
    """waitress spools request bodies over ``inbuf_overflow`` and responses over ``outbuf_overflow``
    to unnamed files in the temp directory: make those files ciphertext (core/spool.py).

    waitress has no setting for its spool file, so its one factory is replaced; a waitress
    without that factory stops the server rather than spool plaintext.
    """
    from waitress import buffers

    from longreach.core.spool import open_spool

    factory = getattr(buffers.TempfileBasedBuffer, "newfile", None)
    if factory is None:
        raise RuntimeError("this waitress has no TempfileBasedBuffer.newfile: refusing to spool in the clear")
    buffers.TempfileBasedBuffer.newfile = lambda self: open_spool()


def make_private(folder: Path) -> int:
    """Files under ``folder`` to 0600 and folders to 0700 (a var folder made before the umask was
    set, or copied in by hand); the number changed."""
    changed = 0
    if not folder.is_dir():
        return 0
    for root, _dirs, files in os.walk(folder):
        for name, mode in [(root, 0o700)] + [(os.path.join(root, f), 0o600) for f in files]:
            st = os.lstat(name)
            if stat.S_ISLNK(st.st_mode):
                continue
            if stat.S_IMODE(st.st_mode) & 0o077:
                os.chmod(name, stat.S_IMODE(st.st_mode) & mode)
                changed += 1
    return changed


def serve(host: str, port: int, threads: int, out: Any, sign_every: float = 600.0) -> None:
    from waitress import serve as waitress_serve

    from longreach.wsgi import application

    seal_server_buffers()
    from django.conf import settings

    for folder in {Path(settings.VAR_DIR), Path(settings.INTAKE_DIR), Path(settings.VAULT_DIR)}:
        if changed := make_private(folder):
            out.write(f"{folder}: {changed} files and folders made private to this user\n")

    stop = threading.Event()
    worker = threading.Thread(
        target=_signer, args=(stop, sign_every, out), daemon=True, name="tree-head-signer"
    )
    worker.start()
    jobs = _job_worker()
    try:
        waitress_serve(
            application,
            host=host,
            port=port,
            threads=threads,
            ident="longreach",
            clear_untrusted_proxy_headers=True,
        )
    finally:
        stop.set()
        if jobs is not None:
            jobs.running = False
