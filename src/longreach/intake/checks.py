"""System check: the reporting line needs its pepper file."""

from __future__ import annotations

from typing import Any

from django.core.checks import Warning, register

from longreach.intake.pepper import PepperMissing, load


@register()
def pepper_present(app_configs: Any, **kwargs: Any) -> list[Warning]:
    try:
        load()
    except PepperMissing as exc:
        return [
            Warning(
                str(exc),
                hint="Run `longreach intake init` once (setup does it for new organisations); "
                "the public reporting line stays closed until then.",
                id="longreach.W001",
            )
        ]
    return []
