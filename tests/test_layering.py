"""The pipeline is visible in the tree and imports flow one way.

``records``, ``config`` and ``errors`` depend on nothing in tsunagu; ``store``
only on them; each stage only on the foundation and the stages before it that it
is allowed to read; only ``pipeline``, ``cli`` and ``demo`` wire stages together.
Third-party types stop at their stage's edge.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tsunagu"
FOUNDATION = {"tsunagu", "tsunagu.records", "tsunagu.config", "tsunagu.errors", "tsunagu.uses",
              "tsunagu.credits"}

#: unit -> the tsunagu units it may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "tsunagu.records": set(),
    "tsunagu.uses": {"tsunagu.records"},
    "tsunagu.credits": {"tsunagu.records"},
    "tsunagu.config": {"tsunagu"},
    "tsunagu.errors": set(),
    "tsunagu.store": FOUNDATION,
    "tsunagu.harvester": FOUNDATION | {"tsunagu.store"},
    "tsunagu.mappings": FOUNDATION,
    "tsunagu.index": FOUNDATION,
    "tsunagu.site": FOUNDATION | {"tsunagu.store", "tsunagu.index", "tsunagu.accounts",
                                  "tsunagu.institutions", "tsunagu.pipeline", "tsunagu.feeds",
                                  "tsunagu.collections"},
    "tsunagu.accounts": FOUNDATION | {"tsunagu.store"},
    "tsunagu.collections": FOUNDATION | {"tsunagu.store", "tsunagu.accounts"},
    "tsunagu.feeds": FOUNDATION | {"tsunagu.store", "tsunagu.harvester"},
    "tsunagu.institutions": FOUNDATION | {"tsunagu.store", "tsunagu.harvester",
                                          "tsunagu.mappings", "tsunagu.feeds",
                                          "tsunagu.accounts", "tsunagu.pipeline"},
    "tsunagu.worker": FOUNDATION | {"tsunagu.store", "tsunagu.pipeline", "tsunagu.institutions"},
    "tsunagu.console": FOUNDATION | {"tsunagu.store", "tsunagu.harvester", "tsunagu.pipeline"},
    "tsunagu.demo": FOUNDATION | {"tsunagu.pipeline", "tsunagu.site", "tsunagu.store",
                                  "tsunagu.harvester", "tsunagu.console"},
    # The pipeline's page hook: harvester -> mappings, in a page's transaction (what a
    # harvest's store process imports: no index, no site).
    "tsunagu.page_mapper": FOUNDATION | {"tsunagu.store", "tsunagu.mappings"},
    "tsunagu.pipeline": FOUNDATION | {"tsunagu.store", "tsunagu.harvester",
                                      "tsunagu.mappings", "tsunagu.index", "tsunagu.feeds",
                                      "tsunagu.page_mapper"},
    "tsunagu.arguments": FOUNDATION,
    "tsunagu.cli": FOUNDATION | {"tsunagu.arguments", "tsunagu.store", "tsunagu.harvester",
                                 "tsunagu.pipeline",
                                 "tsunagu.site", "tsunagu.demo", "tsunagu.console",
                                 "tsunagu.accounts", "tsunagu.worker"},
}

#: third-party top-level packages and the only units that may import them.
THIRD_PARTY: dict[str, set[str]] = {
    "httpx2": set(),  # a test dependency only (starlette's TestClient): http.client harvests
    "oaipmh": {"tsunagu.demo"},
    "whoosh": {"tsunagu.index"},
    "numpy": {"tsunagu.index"},
    "starlette": {"tsunagu.site"},
    "jinja2": {"tsunagu.site"},
    "babel": {"tsunagu.site"},
    "uvicorn": {"tsunagu.site", "tsunagu.cli", "tsunagu.demo"},
    "argon2": {"tsunagu.accounts"},
    "openpyxl": {"tsunagu.feeds"},
    "segno": {"tsunagu.site"},
}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else module


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        name = ".".join(relative.parts)
        found.append((name.removesuffix(".__init__"), path))
    return found


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_imports_flow_one_way(module: str, path: Path) -> None:
    unit = unit_of(module)
    if module == "tsunagu":
        return
    assert unit in ALLOWED, f"{unit} is a new unit: add it to the layering rules"
    for imported in imports_of(path):
        top = imported.split(".")[0]
        if top == "tsunagu":
            target = unit_of(imported)
            assert target == unit or target in ALLOWED[unit], (
                f"{module} imports {imported}: {unit} may import only "
                f"{sorted(ALLOWED[unit])}"
            )
        elif top in THIRD_PARTY:
            assert unit in THIRD_PARTY[top], (
                f"{module} imports {top}, which belongs to {sorted(THIRD_PARTY[top])}"
            )


def test_the_rules_cover_every_unit() -> None:
    units = {unit_of(module) for module, _ in modules()} - {"tsunagu"}
    assert units <= set(ALLOWED), sorted(units - set(ALLOWED))
    assert {"tsunagu.harvester", "tsunagu.mappings", "tsunagu.index", "tsunagu.site"} <= units


def test_a_violation_would_be_caught(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from tsunagu.site import create_app\nimport whoosh\n", encoding="utf-8")
    assert imports_of(bad) == {"tsunagu.site", "whoosh"}
    assert "tsunagu.site" not in ALLOWED["tsunagu.index"]
