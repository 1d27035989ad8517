"""``python -m tsunagu.demo``: serve the bundled demo feeds over OAI-PMH until interrupted."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from tsunagu.demo.catalog import demo_feeds
from tsunagu.demo.provider import ProviderServer

logger = logging.getLogger(__name__)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, start the provider and block until Ctrl-C."""
    known = [feed.id for feed in demo_feeds()]
    parser = argparse.ArgumentParser(prog="python -m tsunagu.demo", description=__doc__)
    parser.add_argument("feeds", nargs="*", metavar="FEED",
                        help=f"feed ids to serve (default: all of {', '.join(known)})")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8321, help="port (0 = any free port)")
    parser.add_argument("--page-size", type=int, default=100, help="records per response")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.feeds) - set(known))
    if unknown:
        parser.error(f"unknown feed ids: {', '.join(unknown)}")
    selected = {feed.id: feed.path for feed in demo_feeds()
                if not args.feeds or feed.id in args.feeds}
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = ProviderServer(selected, host=args.host, port=args.port, page_size=args.page_size)
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
