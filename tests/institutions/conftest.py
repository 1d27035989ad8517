"""A real OAI-PMH provider serving real records, a pipeline, an institution and its people."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tsunagu.accounts import accept_invitation, create_admin, create_institution, invite_editor
from tsunagu.config import Settings
from tsunagu.demo.catalog import demo_feed
from tsunagu.demo.feedfile import load_feed, write_feed
from tsunagu.demo.provider import ProviderServer
from tsunagu.pipeline import Pipeline
from tsunagu.store.accounts import User

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProviderServer]:
    """The first 30 records of the bundled NIJL feed (real data, with sets), 10 per page."""
    feed = load_feed(demo_feed("nijl").path)
    path = write_feed(tmp_path_factory.mktemp("feed") / "nijl30.oai.jsonl",
                      feed.records[:30], repository_name=feed.repository_name,
                      set_names=dict(feed.sets))
    with ProviderServer({"nijl30": path}, page_size=10) as server:
        yield server


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", allow_private_hosts=True, request_delay=0.0,
                    connect_timeout=2.0, read_timeout=5.0, sandbox_sample_size=12)


@pytest.fixture
def pipeline(settings: Settings) -> Iterator[Pipeline]:
    opened = Pipeline(settings)
    create_institution(opened.store, None, "nijl", "国文学研究資料館")
    create_institution(opened.store, None, "other", "よその館")
    yield opened
    opened.close()


@pytest.fixture
def editor(pipeline: Pipeline) -> User:
    admin = create_admin(pipeline.store, "admin@example.jp", PASSWORD)
    issued = invite_editor(pipeline.store, pipeline.settings, admin, "nijl", "ed@example.jp")
    return accept_invitation(pipeline.store, issued.token, PASSWORD)


@pytest.fixture
def outsider(pipeline: Pipeline) -> User:
    admin = pipeline.store.users.find("admin@example.jp") or create_admin(
        pipeline.store, "admin@example.jp", PASSWORD)
    issued = invite_editor(pipeline.store, pipeline.settings, admin, "other", "out@example.jp")
    return accept_invitation(pipeline.store, issued.token, PASSWORD)
