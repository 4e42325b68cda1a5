"""Longreach's settings with the benchmark's URLs (Longreach plus the peer view)."""

from longreach.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.intake_peer_urls"
