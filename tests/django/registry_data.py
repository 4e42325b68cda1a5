"""Synthetic registry input shared by the registry tests."""

from __future__ import annotations

from typing import Any


def incident_input(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Calls from a police officer in Urumqi",
        "narrative": "Six months of WhatsApp calls asking about the association.",
        "origin_state": "CN",
        "host_country": "TR",
        "date": "2024-03",
        "until": "2024-09",
        "acts": [
            {
                "tactics": ["FAMILY_THREAT", "INFO_OTHERS"],
                "demands": ["PROVIDE_INFO_ON_OTHERS"],
                "channels": ["WHATSAPP"],
                "origin_confidence": "PROBABLE",
                "targets": [{"new_person": {"name": "Aynur Test", "phone": "+90 532 111 2233"}}],
                "perpetrators": [
                    {
                        "new_organisation": {"name": "A county public security bureau", "country": "CN"},
                        "perpetrator_type": "ORIGIN_POLICE",
                        "confidence": "PROBABLE",
                        "basis": "Caller named the bureau; number matches another case.",
                    }
                ],
                "relatives": [
                    {
                        "new_person": {"name": "Mother of Aynur"},
                        "relationship": "MOTHER",
                        "outcomes": ["DETAINED"],
                    }
                ],
            },
            {
                "tactics": ["DETENTION_HOST"],
                "harm_country": "AE",
                "executing_state": "AE",
                "executing_confidence": "CONFIRMED",
                "date": "2024-08-02",
            },
        ],
    }
    data.update(overrides)
    return data
