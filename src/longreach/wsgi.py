"""The WSGI application, for gunicorn or any WSGI server (``longreach serve`` uses it too)."""

import os

from django.core.wsgi import get_wsgi_application

# As in longreach.cli: whatever the server creates (the SQLite -wal and -shm files among it)
# is private to the service user.
os.umask(0o077)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "longreach.settings")
application = get_wsgi_application()
