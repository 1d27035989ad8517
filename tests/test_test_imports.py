"""Test modules never import each other's ``conftest`` by name.

The tests directories have no ``__init__.py`` and pytest puts each test folder on
``sys.path``, so a module name means whichever file of that name was imported first.
``from conftest import …`` then binds to some other folder's conftest as soon as two
test folders run together (``pytest tests/harvester tests/site`` failed to collect),
even though the full suite and each folder alone pass. Helpers the tests import by
name live in uniquely named modules (``harvest_support.py``, ``hostile_server.py``,
``site_records.py`` …); conftest files hold fixtures.
"""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def conftest_imports(source: str) -> list[int]:
    """The line numbers of ``source`` that import a module called ``conftest`` by name."""
    lines: list[int] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            names = [node.module]
        else:
            continue
        if any("conftest" in name.split(".") for name in names):
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    ("source", "flagged"),
    [
        ("from conftest import keep\n", [1]),
        ("import os\nimport conftest\n", [2]),
        ("import conftest as c\n", [1]),
        ("def f():\n    from conftest import zenodo\n", [2]),
        ("from tests.harvester.conftest import keep\n", [1]),
        ("from harvest_support import keep\n", []),
        ("import pytest\nCONFTEST = 'conftest.py'\n", []),
        ("from . import helpers\n", []),
    ],
)
def test_conftest_imports_are_found(source: str, flagged: list[int]) -> None:
    assert conftest_imports(source) == flagged


def test_no_test_module_imports_conftest_by_name() -> None:
    found = [
        f"{path.relative_to(TESTS)}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if "fixtures" not in path.relative_to(TESTS).parts
        for line in conftest_imports(path.read_text(encoding="utf-8"))
    ]
    assert found == [], (
        "import helpers from a uniquely named module, not from conftest: " + ", ".join(found)
    )


def test_importable_test_modules_have_unique_names() -> None:
    """A helper module imported by name must be the only file with that name in tests/."""
    counts = Counter(
        path.name for path in TESTS.rglob("*.py")
        if "fixtures" not in path.relative_to(TESTS).parts and path.name != "conftest.py"
    )
    assert sorted(name for name, n in counts.items() if n > 1) == []
