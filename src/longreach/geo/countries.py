"""Countries as ISO 3166-1 alpha-2 codes, with names from pycountry (no Django).

Names are translated with pycountry's bundled ISO catalogues, so a Uyghur
caseworker sees "جۇڭگو" where an English one sees "China".
"""

from __future__ import annotations

import functools
import gettext

import pycountry


class CountryError(ValueError):
    """Not an ISO 3166-1 alpha-2 code."""


_LOCALE_DIRS = {"zh-hans": "zh_CN", "zh": "zh_CN"}


def normalise(code: str) -> str:
    """Upper-case ISO alpha-2; raises CountryError naming the value otherwise."""
    if not isinstance(code, str) or len(code.strip()) != 2:
        raise CountryError(f"{code!r} is not a two-letter ISO 3166-1 country code")
    up = code.strip().upper()
    if pycountry.countries.get(alpha_2=up) is None:
        raise CountryError(f"{code!r} is not an ISO 3166-1 country code")
    return up


def is_country(code: str) -> bool:
    try:
        normalise(code)
    except CountryError:
        return False
    return True


@functools.lru_cache(maxsize=16)
def _translation(language: str) -> gettext.NullTranslations:
    lang = _LOCALE_DIRS.get(language.lower(), language.replace("-", "_"))
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def name(code: str, language: str = "en") -> str:
    country = pycountry.countries.get(alpha_2=normalise(code))
    if language.startswith("en"):
        return getattr(country, "common_name", None) or country.name  # type: ignore[union-attr]
    return _translation(language).gettext(country.name)  # type: ignore[union-attr]


@functools.lru_cache(maxsize=1)
def _codes() -> tuple[str, ...]:
    return tuple(sorted(c.alpha_2 for c in pycountry.countries))


def all_codes() -> list[str]:
    return list(_codes())


@functools.lru_cache(maxsize=16)
def names(language: str = "en") -> dict[str, str]:
    """Every code's name in one language (cached: the catalogues do not change at run time)."""
    return {code: name(code, language) for code in all_codes()}


@functools.lru_cache(maxsize=16)
def choices(language: str = "en") -> tuple[tuple[str, str], ...]:
    """(code, name) sorted by name in that language, for select boxes."""
    return tuple(sorted(names(language).items(), key=lambda item: item[1]))
