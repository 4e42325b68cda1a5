"""Charts drawn on the server as SVG: horizontal bars, stacked columns over time, and a world map. No
Django.

Every chart is a complete ``<svg>`` with a title and a description (``role="img"``),
so it works with JavaScript off, inside a PDF and as a download; the page beside it
carries the same numbers as a table for screen readers. In a right-to-left
language the bars grow from the right and time runs from right to left; the map
is never mirrored. A count withheld by small-cell suppression (``None``) is drawn
as a hatched stub and labelled, never as zero. Text is escaped here: labels can be
anything a user typed (a campaign's name).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from html import escape as _escape
from pathlib import Path

WORLD = Path(__file__).with_name("data") / "world.json"
# Colour-blind-safe (Okabe-Ito), in the order stacks are drawn.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")
# The map's classes, light to dark (ColorBrewer Blues, 5 classes).
BLUES = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_DATA = "#e3e3e3"  # visible against a light page
FONT = "font-family:'Noto Sans','Noto Naskh Arabic','WenQuanYi Micro Hei','DejaVu Sans',sans-serif"


# Characters XML 1.0 cannot hold even escaped (a downloaded SVG is XML): control characters and
# non-characters; a label keeps everything else.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(text: str) -> str:
    return _escape(_NOT_XML.sub("", text))


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None  # None: withheld (small-cell suppression)
    href: str = ""


@dataclass(frozen=True)
class Stack:
    label: str
    values: tuple[int, ...]  # one per period


def _open(width: float, height: float, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}"'
        f' height="{height:g}" role="img" aria-label="{escape(title)}"'
        # Positions are worked out here for either direction; the page's own must not flip the anchors.
        f' direction="ltr" style="{FONT};font-size:12px;direction:ltr">',
        f"<title>{escape(title)}</title><desc>{escape(desc)}</desc>",
        '<defs><pattern id="withheld" width="6" height="6" patternUnits="userSpaceOnUse"'
        ' patternTransform="rotate(45)"><rect width="6" height="6" fill="#ddd"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#999" stroke-width="2"/></pattern></defs>',
    ]


def _link(href: str, inner: str) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def bars(
    rows: list[Bar], *, title: str, withheld: str = "withheld", rtl: bool = False, width: int = 560
) -> str:
    """One horizontal bar per row, longest first as given, its count at its end."""
    label_w, gap, row_h = 190, 8, 22
    height = max(1, len(rows)) * row_h + 10
    top = max([r.value for r in rows if r.value is not None], default=0) or 1
    room = width - label_w - gap - 60
    desc = "; ".join(f"{r.label}: {withheld if r.value is None else r.value}" for r in rows)
    out = _open(width, height, title, desc)
    for k, row in enumerate(rows):
        y = 5 + k * row_h
        length = 6.0 if row.value is None else max(1.0, room * row.value / top)
        fill = "url(#withheld)" if row.value is None else PALETTE[0]
        shown = withheld if row.value is None else f"{row.value:,}"
        # Text is anchored by its right edge ("end") on both sides; the bars grow away from the labels.
        if rtl:
            label_x, bar_x = width - 4.0, width - label_w - gap - length
            count_x, count_anchor = bar_x - 4, "end"
        else:
            label_x, bar_x = label_w - 4.0, float(label_w + gap)
            count_x, count_anchor = bar_x + length + 4, "start"
        out.append(
            _link(
                row.href,
                f'<text x="{label_x:g}" y="{y + 15}" text-anchor="end">{escape(row.label[:40])}</text>'
                f'<rect x="{bar_x:.1f}" y="{y + 3}" width="{length:.1f}" height="{row_h - 7}" fill="{fill}"/>'
                f'<text x="{count_x:.1f}" y="{y + 15}" text-anchor="{count_anchor}">{escape(shown)}</text>',
            )
        )
    out.append("</svg>")
    return "".join(out)


def columns(
    periods: list[str],
    stacks: list[Stack],
    *,
    title: str,
    rtl: bool = False,
    width: int = 720,
    height: int = 260,
) -> str:
    """Stacked columns, one per period (oldest first), a legend below."""
    left, bottom, top_pad = 44, 40, 10
    legend_h = 18 * ((len(stacks) + 2) // 3)
    plot_h = height - bottom - top_pad
    totals = [sum(s.values[k] for s in stacks) for k in range(len(periods))]
    top = max(totals, default=0) or 1
    slot = (width - left - 10) / max(1, len(periods))
    desc = "; ".join(f"{p}: {t}" for p, t in zip(periods, totals, strict=True))
    out = _open(width, height + legend_h, title, desc)
    axis_x = width - left if rtl else left
    for tick in (0, top // 2, top):
        y = top_pad + plot_h - plot_h * tick / top
        x1, x2 = (10, width - left) if rtl else (left, width - 10)
        out.append(f'<line x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        anchor = "start" if rtl else "end"
        out.append(
            f'<text x="{axis_x + (4 if rtl else -4)}" y="{y + 4:.1f}" text-anchor="{anchor}">{tick:,}</text>'
        )
    every = max(1, len(periods) // 12)
    for k, period in enumerate(periods):
        x = (width - left - (k + 1) * slot) if rtl else (left + k * slot)
        y = top_pad + plot_h
        for s, stack in enumerate(stacks):
            value = stack.values[k]
            if not value:
                continue
            h = plot_h * value / top
            y -= h
            out.append(
                f'<rect x="{x + slot * 0.1:.1f}" y="{y:.1f}" width="{slot * 0.8:.1f}" height="{h:.1f}"'
                f' fill="{PALETTE[s % len(PALETTE)]}"><title>{escape(period)} · {escape(stack.label)}: '
                f"{value:,}</title></rect>"
            )
        if k % every == 0:
            out.append(
                f'<text x="{x + slot / 2:.1f}" y="{top_pad + plot_h + 16}" text-anchor="middle"'
                f' style="font-size:10px">{escape(period)}</text>'
            )
    for s, stack in enumerate(stacks):
        col, row = s % 3, s // 3
        x = (width - 20 - col * (width / 3)) if rtl else (20 + col * (width / 3))
        y = height + row * 18
        box_x, text_x, anchor = (x - 12, x - 16, "end") if rtl else (x, x + 16, "start")
        colour = PALETTE[s % len(PALETTE)]
        out.append(f'<rect x="{box_x:.1f}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{text_x:.1f}" y="{y}" text-anchor="{anchor}">{escape(stack.label)}</text>')
    out.append("</svg>")
    return "".join(out)


@cache
def _world() -> dict[str, object]:
    data: dict[str, object] = json.loads(WORLD.read_text(encoding="utf-8"))
    return data


def classes(values: list[int], n: int = len(BLUES)) -> list[int]:
    """Upper bounds of ``n`` classes of the positive counts, by quantiles (at most ``n``, increasing)."""
    ordered = sorted(v for v in values if v > 0)
    if not ordered:
        return []
    bounds: list[int] = []
    for k in range(1, n + 1):
        bound = ordered[min(len(ordered) - 1, round(k * len(ordered) / n) - 1)]
        if not bounds or bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def world(
    values: dict[str, int],
    *,
    title: str,
    names: dict[str, str],
    hrefs: dict[str, str] | None = None,
    rtl: bool = False,
    width: int = 720,
) -> str:
    """A choropleth of countries by ISO alpha-2 code (countries not drawn at this scale are listed in the
    page's table only)."""
    data = _world()
    shapes: dict[str, str] = data["countries"]  # type: ignore[assignment]
    w, h = float(data["width"]), float(data["height"])  # type: ignore[arg-type]
    bounds = classes(list(values.values()))
    hrefs = hrefs or {}
    desc = "; ".join(f"{names.get(c, c)}: {v}" for c, v in sorted(values.items(), key=lambda kv: -kv[1]))
    out = _open(width, width * h / w + 30, title, desc)
    out.append(f'<g transform="scale({width / w:.4f})" stroke="#fff" stroke-width="0.5">')
    for code, path in shapes.items():
        value = values.get(code, 0)
        fill = NO_DATA
        if value > 0 and bounds:
            fill = BLUES[next(k for k, b in enumerate(bounds) if value <= b) + len(BLUES) - len(bounds)]
        label = f"{names.get(code, code)}: {value:,}" if value else names.get(code, code)
        out.append(
            _link(
                hrefs.get(code, "") if value else "",
                f'<path d="{path}" fill="{fill}"><title>{escape(label)}</title></path>',
            )
        )
    out.append("</g>")
    y = width * h / w + 20
    low = 1
    for k, bound in enumerate(bounds):
        colour = BLUES[k + len(BLUES) - len(bounds)]
        x = (width - 20 - k * 90) if rtl else (20 + k * 90)
        text = f"{low:,}–{bound:,}" if bound > low else f"{bound:,}"
        box_x, text_x, anchor = (x - 14, x - 18, "end") if rtl else (x, x + 18, "start")
        out.append(f'<rect x="{box_x:.0f}" y="{y - 10:.0f}" width="14" height="12" fill="{colour}"/>')
        out.append(f'<text x="{text_x:.0f}" y="{y:.0f}" text-anchor="{anchor}">{text}</text>')
        low = bound + 1
    out.append("</svg>")
    return "".join(out)


def png(svg: str, zoom: float = 2.0) -> bytes:
    """The chart as a PNG for slides and reports, drawn by resvg (shaping Arabic-script and Han text
    with the system's fonts, as the SVG names them), on white, at ``zoom`` times its size."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=zoom))
