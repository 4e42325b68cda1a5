"""Make the world map the dashboards draw from (src/longreach/insight/data/world.json), once, offline.

Input: ``countries-110m.json`` of the npm package world-atlas 2.0.2 (Natural Earth 4.1.0 Admin 0
boundaries at 1:110m, public domain, as TopoJSON; ``npm pack world-atlas@2.0.2``). Output: for each
country with an ISO 3166-1 alpha-2 code, one SVG path in an equirectangular projection 1000 wide
(longitude -180..180) and 420 high (latitude 84..-56; Antarctica left out), to one decimal.

Run: .venv/bin/python scripts/world_map.py path/to/countries-110m.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pycountry

WIDTH, NORTH, SOUTH = 1000.0, 84.0, -56.0
HEIGHT = WIDTH * (NORTH - SOUTH) / 360.0
OUT = Path(__file__).resolve().parents[1] / "src/longreach/insight/data/world.json"
# Natural Earth names some places without a numeric code that ISO gives an alpha-2 code.
BY_NAME = {"Kosovo": "XK", "N. Cyprus": "", "Somaliland": ""}


def decode(topology: dict) -> list[list[tuple[float, float]]]:
    scale, translate = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale[0] + translate[0], y * scale[1] + translate[1]))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Russia, Fiji) kept on one side: each longitude within 180
    degrees of the one before, so no edge is drawn across the whole map (what lies past 180 is clipped)."""
    out = points[:1]
    for lon, lat in points[1:]:
        previous = out[-1][0]
        while lon - previous > 180:
            lon -= 360
        while previous - lon > 180:
            lon += 360
        out.append((lon, lat))
    return out


def project(lon: float, lat: float) -> tuple[float, float]:
    lat = max(SOUTH, min(NORTH, lat))
    return (lon + 180.0) / 360.0 * WIDTH, (NORTH - lat) / (NORTH - SOUTH) * HEIGHT


def path(polygons: list[list[list[int]]], arcs: list[list[tuple[float, float]]]) -> str:
    parts = []
    for polygon in polygons:
        for indexes in polygon:
            points = [project(lon, lat) for lon, lat in unwrap(ring(indexes, arcs))]
            if len(points) < 3:
                continue
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
    return "".join(parts)


def main() -> None:
    topology = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    arcs = decode(topology)
    shapes: dict[str, str] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        code = BY_NAME.get(name)
        if code is None:
            found = pycountry.countries.get(numeric=str(geometry.get("id", "")).zfill(3))
            code = found.alpha_2 if found else ""
        if not code or name == "Antarctica":
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        shapes[code] = shapes.get(code, "") + path(polygons, arcs)
    OUT.write_text(
        json.dumps(
            {
                "source": "Natural Earth 4.1.0 Admin 0 countries, 1:110m (public domain), via world-atlas 2.0.2",
                "width": WIDTH,
                "height": round(HEIGHT, 1),
                "countries": dict(sorted(shapes.items())),
            },
            separators=(",", ":"),
        ),
        encoding="utf-8",
    )
    print(f"{len(shapes)} countries written to {OUT}")


if __name__ == "__main__":
    main()
