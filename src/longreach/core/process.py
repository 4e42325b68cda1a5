"""What every Longreach process sets before it touches data. No Django.

Files it creates (the SQLite database and its -wal and -shm files, keys, stores,
exports, backups) are private to the service user whatever umask it inherited,
and it never writes a core dump: one would hold keys and plaintext.
"""

from __future__ import annotations

import os
import resource


def harden() -> None:
    os.umask(0o077)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
