"""Settings for the test suite: the real settings in test mode, plus a model that uses sealed fields."""

import os

os.environ.setdefault("LONGREACH_MODE", "test")

from longreach.settings import *  # noqa: E402,F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.sealedapp"]  # noqa: F405
