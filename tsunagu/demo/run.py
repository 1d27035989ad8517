"""``tsunagu demo``: the whole path on one machine with no network.

Starts the local OAI-PMH data provider with the bundled real feeds on
127.0.0.1, registers each feed as a source, harvests them over HTTP, brings the
index up to date and serves the site. Safe to run again: sources are updated
in place (the provider's port may change) and harvests are incremental.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import time

from tsunagu.config import Settings
from tsunagu.console import print_progress, print_runs
from tsunagu.demo.catalog import DemoFeed, demo_feeds
from tsunagu.demo.provider import ProviderServer
from tsunagu.pipeline import IndexUpdate, Pipeline
from tsunagu.records import Sector, Source
from tsunagu.store import HarvestRun

logger = logging.getLogger(__name__)


def demo_source(feed: DemoFeed, base_url: str) -> Source:
    """The source registration of a bundled feed served at ``base_url``."""
    return Source(
        id=feed.id, name=feed.name, name_en=feed.name_en, base_url=base_url,
        metadata_prefix=feed.metadata_prefix, sector=Sector(feed.sector),
        metadata_rights=feed.metadata_rights,
    )


def load_demo(
    settings: Settings, provider: ProviderServer, *, progress: bool = True
) -> tuple[list[HarvestRun], IndexUpdate]:
    """Register every demo feed served by ``provider``, harvest and index them."""
    pipeline = Pipeline(settings)
    try:
        for feed in demo_feeds():
            pipeline.add_source(demo_source(feed, provider.base_url(feed.id)), replace=True)
        runs = pipeline.harvest([feed.id for feed in demo_feeds()],
                                progress=print_progress if progress else None)
        return runs, pipeline.update_index()
    finally:
        pipeline.close()


def run_demo(settings: Settings, *, host: str, port: int, serve: bool = True) -> int:
    """Run the demo; returns the process exit status."""
    # The demo's sources live on 127.0.0.1, which the SSRF guard refuses by default;
    # the provider is our own, so no politeness delay between its requests.
    settings = dataclasses.replace(settings, allow_private_hosts=True, request_delay=0.0,
                                   request_delay_factor=0.0)
    feeds = {feed.id: feed.path for feed in demo_feeds()}
    with ProviderServer(feeds, host="127.0.0.1", port=0) as provider:
        print(f"tsunagu demo: OAI-PMH provider with {len(feeds)} real feeds at "
              f"{provider.root_url}", file=sys.stderr)
        started = time.monotonic()
        runs, update = load_demo(settings, provider)
        print_runs(runs)
        print(f"index: {update.documents} documents; harvested and indexed in "
              f"{time.monotonic() - started:.1f}s", file=sys.stderr)
        if any(run.status != "ok" for run in runs):
            return 1
        if not serve:
            return 0
        import uvicorn

        from tsunagu.site import create_app

        print(f"tsunagu demo: open http://{host}:{port}/ (Ctrl-C to stop)", file=sys.stderr)
        uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
    return 0
