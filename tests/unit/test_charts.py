"""Server-drawn SVG charts: well-formed, escaped, withheld counts drawn as such, right to left, and the
world map from the boundaries shipped with the project. No Django."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from longreach.insight import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  our own output, checked to be well-formed


def test_bars_are_well_formed_and_say_what_they_show() -> None:
    svg = charts.bars(
        [charts.Bar("China", 420, "/incidents/?origin_state=CN"), charts.Bar("Iran", 7)], title="Origins"
    )
    root = parse(svg)
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Origins"
    assert "China: 420; Iran: 7" in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}a").get("href") == "/incidents/?origin_state=CN"


def test_a_hostile_label_is_text_not_markup() -> None:
    label = '<script>alert(1)</script>" onload="x'
    svg = charts.bars([charts.Bar(label, 3, 'javascript:"><x')], title="<b>t</b>")
    root = parse(svg)
    assert root.find(f".//{SVG}script") is None and "<script>" not in svg
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert label[:40] in texts


@given(
    st.lists(st.tuples(st.text(max_size=60), st.one_of(st.none(), st.integers(0, 10**9))), max_size=30),
    st.booleans(),
)
def test_any_rows_make_a_parseable_chart(rows: list[tuple[str, int | None]], rtl: bool) -> None:
    parse(charts.bars([charts.Bar(label, value) for label, value in rows], title="t", rtl=rtl))


def test_a_withheld_count_is_hatched_and_labelled_never_zero() -> None:
    svg = charts.bars(
        [charts.Bar("Russia", None), charts.Bar("China", 9)], title="t", withheld="fewer than 5"
    )
    assert 'fill="url(#withheld)"' in svg and "fewer than 5" in svg
    assert ">0<" not in svg


def test_right_to_left_bars_grow_from_the_right() -> None:
    ltr = parse(charts.bars([charts.Bar("a", 10)], title="t", width=500))
    rtl = parse(charts.bars([charts.Bar("a", 10)], title="t", width=500, rtl=True))
    bars_ltr = [r for r in ltr.iter(f"{SVG}rect") if r.get("fill") == charts.PALETTE[0]]
    bars_rtl = [r for r in rtl.iter(f"{SVG}rect") if r.get("fill") == charts.PALETTE[0]]
    assert float(bars_ltr[0].get("x")) < 250 < float(bars_rtl[0].get("x")) + float(bars_rtl[0].get("width"))
    label_rtl = next(t for t in rtl.iter(f"{SVG}text") if t.text == "a")
    assert float(label_rtl.get("x")) > 400  # the label sits on the right


def test_columns_stack_by_family_and_run_right_to_left_in_rtl() -> None:
    stacks = [charts.Stack("Direct attacks", (1, 2, 3)), charts.Stack("Threats", (4, 0, 6))]
    ltr = parse(charts.columns(["2020", "2021", "2022"], stacks, title="t"))
    rtl = parse(charts.columns(["2020", "2021", "2022"], stacks, title="t", rtl=True))
    assert "2020: 5; 2021: 2; 2022: 9" in ltr.find(f"{SVG}desc").text

    def x_of(root: ET.Element, year: str) -> float:
        return float(next(t for t in root.iter(f"{SVG}text") if t.text == year).get("x"))

    assert x_of(ltr, "2020") < x_of(ltr, "2022") and x_of(rtl, "2020") > x_of(rtl, "2022")
    titles = [t.text for t in ltr.iter(f"{SVG}title")]
    assert "2022 · Threats: 6" in titles and not any("2021 · Threats" in (t or "") for t in titles)


def test_the_world_map_comes_from_the_shipped_boundaries() -> None:
    data = json.loads(charts.WORLD.read_text(encoding="utf-8"))
    assert "Natural Earth" in data["source"] and len(data["countries"]) > 150
    for code in (
        "CN",
        "TR",
        "DE",
        "KZ",
        "KG",
        "US",
        "GB",
        "NL",
        "SE",
        "NO",
        "FR",
        "JP",
        "AU",
        "CA",
        "RU",
        "IR",
    ):
        assert code in data["countries"], code
    svg = charts.world({"TR": 120, "DE": 3}, title="Hosts", names={"TR": "Türkiye", "DE": "Germany"})
    root = parse(svg)
    titles = [t.text for t in root.iter(f"{SVG}title")]
    assert (
        "Türkiye: 120" in titles
        and "Germany: 3" in titles
        and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
    )


def test_map_classes_rise_and_cover_every_count() -> None:
    assert charts.classes([]) == []
    assert charts.classes([0, 0]) == []
    bounds = charts.classes([1, 2, 3, 50, 400, 7])
    assert bounds == sorted(set(bounds)) and bounds[-1] == 400 and len(bounds) <= 5
    assert charts.classes([9]) == [9]


def test_suppression_at_every_level_leaves_no_line_with_one_withheld_cell() -> None:
    from itertools import product

    from hypothesis import settings as hsettings

    from longreach.registry.disclosure import ALL, suppress_levels

    @hsettings(max_examples=60, deadline=None)
    @given(
        st.dictionaries(
            st.tuples(st.sampled_from("ABC"), st.sampled_from("xyz")), st.integers(0, 12), max_size=9
        )
    )
    def check(base: dict[tuple[str, str], int]) -> None:
        cells: dict[tuple[str, str], int] = dict(base)
        for a, b in product("ABC", "xyz"):
            cells.setdefault((a, b), 0)
        for a in "ABC":
            cells[(a, ALL)] = sum(cells[(a, b)] for b in "xyz")
        for b in "xyz":
            cells[(ALL, b)] = sum(cells[(a, b)] for a in "ABC")
        cells[(ALL, ALL)] = sum(base.values())
        shown = suppress_levels(cells, 5)
        assert all(shown[k] is None for k, v in cells.items() if 0 < v < 5)
        for fixed in [*("ABC"), ALL]:
            line = [k for k in shown if k[0] == fixed]
            assert sum(shown[k] is None for k in line) != 1, (fixed, shown)
        for fixed in [*("xyz"), ALL]:
            line = [k for k in shown if k[1] == fixed]
            assert sum(shown[k] is None for k in line) != 1, (fixed, shown)

    check()


def test_a_chart_becomes_a_png_with_its_arabic_script_labels_shaped() -> None:
    import io

    from PIL import Image

    svg = charts.bars(
        [charts.Bar("تۈركىيە", 30, ""), charts.Bar("中国", 7, "")], title="t", withheld="", rtl=True
    )
    body = charts.png(svg)
    assert body.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(body))
    width = float(svg.split('width="', 1)[1].split('"', 1)[0])
    assert image.size[0] == round(2 * width)
    assert (
        len(image.convert("L").getcolors(maxcolors=65536) or ()) > 10
    )  # something was drawn, not a blank canvas
