"""What every headless-Chromium test shares: Debian's browser, the site served by uvicorn
in a thread on 127.0.0.1, requests kept on this machine, and CSP violations collected.

The browser is Debian's ``/usr/bin/chromium`` driven through Playwright's
``executable_path`` (never a downloaded build). Without it the tests are skipped,
except where ``TSUNAGU_REQUIRE_BROWSER`` is set (CI), where they fail instead.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Page, Route

from tsunagu.config import Settings
from tsunagu.site import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: ``pytestmark`` of every browser test module.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("TSUNAGU_REQUIRE_BROWSER"),
        reason="needs Debian's chromium at /usr/bin/chromium (apt); CI requires it",
    ),
]
PLACEHOLDER_IMAGE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160">'
    b'<rect width="240" height="160" fill="#8aa4c8"/>'
    b'<path d="M0 120 Q60 40 120 110 T240 90 V160 H0Z" fill="#1d4e89"/></svg>'
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def serve_site(settings: Settings) -> Iterator[str]:
    """The site for ``settings`` on a free 127.0.0.1 port; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def stay_local(route: Route) -> None:
    """Serve our own host; fake other hosts' images; abort anything else."""
    if route.request.url.startswith("http://127.0.0.1:"):
        route.continue_()
    elif route.request.resource_type == "image":
        route.fulfill(status=200, content_type="image/svg+xml", body=PLACEHOLDER_IMAGE)
    else:
        route.abort()


def csp_violations(page: Page) -> list[str]:
    """A list that fills with the page's Content Security Policy violations."""
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text)
        if "Content Security Policy" in message.text
        else None,
    )
    return violations
