"""HTML to PDF for the documents lawyers file (WeasyPrint, on Pango and fontconfig). No Django.

Nothing is ever fetched while a document is laid out: its stylesheet is inline, and
every URL it names (an image, a font, a link's target in the text a user typed) is
refused, so a document can neither reach the network nor read a file of the server.
The fonts are the system's: ``make pdf-tools`` installs those that cover the scripts
of the communities served (Noto for Latin, Cyrillic, Arabic-script Uyghur, Arabic and
Persian; WenQuanYi for Han), and ``missing_fonts`` says which are absent.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import cache
from typing import Any

# The family each script is set in, first to last; "sans-serif" catches what none covers.
FONT_STACK = (
    '"Noto Sans", "Noto Naskh Arabic", "Noto Sans Arabic", "WenQuanYi Micro Hei", "DejaVu Sans", sans-serif'
)
NEEDED_FONTS = {
    "Latin and Cyrillic": "Noto Sans",
    "Arabic, Persian and Uyghur": "Noto Naskh Arabic",
    "Chinese": "WenQuanYi Micro Hei",
}


class PdfError(RuntimeError):
    """The document could not be laid out; the message says why."""


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"documents fetch nothing: {url[:80]}")


def to_pdf(html: str, *, title: str = "") -> bytes:
    """Lay out ``html`` (a whole document, its stylesheet inline) as PDF bytes."""
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as exc:  # OSError: Pango missing from the system
        raise PdfError(f"PDF output needs WeasyPrint and Pango: {exc}") from exc

    class _NoFetch(URLFetcher):  # type: ignore[misc]
        fetch = staticmethod(_refuse)

    document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=_NoFetch())
    rendered = document.render()
    if title:
        rendered.metadata.title = title
    out = rendered.write_pdf()
    assert isinstance(out, bytes)
    return out


def direction(text: str) -> str:
    """``rtl`` when the first letter with a direction is written right to left, else ``ltr`` (the
    first-strong rule of the Unicode bidirectional algorithm, as ``dir="auto"`` in a browser, which the
    PDF layout does not read)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"


@cache
def missing_fonts() -> tuple[str, ...]:
    """The scripts whose font is not installed (fontconfig's list), e.g. ("Chinese",)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return tuple(NEEDED_FONTS)
    try:  # a fixed command: fontconfig's own list of the families installed
        found = subprocess.run(  # noqa: S603
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return tuple(NEEDED_FONTS)
    families = {name.strip() for line in found.splitlines() for name in line.split(",")}
    return tuple(script for script, family in NEEDED_FONTS.items() if family not in families)
