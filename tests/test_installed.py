"""The packages that share an import name: exactly the pinned one is installed.

``pyoai`` and ``oaipmh`` both install the ``oaipmh`` module (``pyoai`` 2.5.0 breaks
with lxml >= 5), ``Whoosh`` and ``whoosh-reloaded`` both install ``whoosh``: with
both present, whichever was installed last wins, silently.
"""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import pytest

PINS = {
    name: version for name, version in re.findall(
        r'"([A-Za-z0-9_.-]+)==([^"]+)"',
        (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
}


@pytest.mark.parametrize(("wanted", "rival"), [("oaipmh", "pyoai"),
                                               ("whoosh-reloaded", "Whoosh")])
def test_only_the_pinned_one_of_two_rival_distributions_is_installed(
        wanted: str, rival: str) -> None:
    assert importlib.metadata.version(wanted) == PINS[wanted]
    with pytest.raises(importlib.metadata.PackageNotFoundError):
        importlib.metadata.distribution(rival)
