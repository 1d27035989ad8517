"""Fixtures: a real store and index with realistic records, and an in-process client.

The data is built once per test module in a temporary directory; every test
gets a fresh client (so fresh cookies) over it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from site_records import build_site_data, make_records
from starlette.testclient import TestClient

from tsunagu.config import Settings
from tsunagu.site import create_app


@pytest.fixture(scope="module")
def site_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return build_site_data(tmp_path_factory.mktemp("site"), make_records())


@pytest.fixture
def client(site_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(site_settings)) as test_client:
        yield test_client
