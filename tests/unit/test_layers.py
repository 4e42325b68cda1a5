"""The floors hold: every app is placed in a floor, and no app reaches into another's private names.

import-linter (``lint-imports``, run by ``make lint`` and ``make test``) checks
which floor may import which. What it cannot see is *what* is imported: an
app uses another app's public functions only, never a name starting with ``_``.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "longreach"


# Django documents these underscored model attributes as public API.
DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager"}


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def private_reaches(source: str, module: str) -> list[str]:
    """``from longreach.other import _x`` and ``other_alias._x`` where ``other`` is another app."""
    tree = ast.parse(source)
    here = _app(module)
    aliases: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("longreach."):
            for name in node.names:
                target = f"{node.module}.{name.name}"
                if _app(target) != here and name.name.startswith("_") and not name.name.startswith("__"):
                    found.append(f"{module}:{node.lineno} imports {target}")
                aliases[name.asname or name.name] = target
        elif isinstance(node, ast.Import):
            for name in node.names:
                if name.name.startswith("longreach."):
                    aliases[name.asname or name.name.split(".")[0]] = name.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.attr not in DJANGO_PUBLIC
            and _app(aliases[node.value.id]) != here
            and _app(aliases[node.value.id])
        ):
            found.append(f"{module}:{node.lineno} uses {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_app_uses_another_apps_private_names() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        found += private_reaches(path.read_text(encoding="utf-8"), _module_name(path))
    assert not found, "\n".join(found)


def test_the_check_sees_both_ways_of_reaching_in() -> None:
    source = (
        "from longreach.vault import services as vault\n"
        "from longreach.vault.services import _locked\n"
        "vault._custody(1)\n"
        "from longreach.messages import _own\n"
    )
    assert private_reaches(source, "longreach.messages.services") == [
        "longreach.messages.services:2 imports longreach.vault.services._locked",
        "longreach.messages.services:3 uses longreach.vault.services._custody",
    ]


def test_every_app_has_a_floor() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    floors = next(c for c in config["contracts"] if c["id"] == "floors")["layers"]
    placed = {name.strip() for layer in floors for name in layer.split("|")}
    packages = {f"longreach.{p.name}" for p in SRC.iterdir() if (p / "__init__.py").exists()}
    assert packages - placed == set(), "a new app needs a floor in pyproject.toml and docs/development.md"
