"""Longreach: documenting and answering transnational repression."""

__version__ = "0.1.0"
