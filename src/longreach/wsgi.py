"""The WSGI application, for gunicorn or any WSGI server (``longreach serve`` uses it too)."""

import os

from django.core.wsgi import get_wsgi_application

from longreach.core.process import harden

# As in longreach.cli, for gunicorn and any other WSGI server: private files, no core dumps.
harden()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "longreach.settings")
application = get_wsgi_application()
