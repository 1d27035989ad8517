"""The application: routes, middleware, error handlers and the lifespan.

``create_app(settings)`` returns a Starlette app; nothing is opened before its
lifespan starts (the store and the search index are opened at startup and
closed at shutdown, and reach the handlers as ``request.state.catalog``).
Middleware is one list (:func:`middleware`), so CSRF protection or sessions
slot in beside the security headers when forms that change state arrive.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from tsunagu.accounts.passwords import use_hashing_profile
from tsunagu.config import Settings
from tsunagu.errors import ConfigError
from tsunagu.index import MAX_PAGE_SIZE, SearchIndex
from tsunagu.pipeline import Pipeline
from tsunagu.site import views
from tsunagu.site.account_errors import ACCOUNT_EXCEPTION_HANDLERS
from tsunagu.site.catalog import Catalog
from tsunagu.site.collection_routes import collection_routes
from tsunagu.site.csrf import CsrfMiddleware
from tsunagu.site.error_pages import EXCEPTION_HANDLERS
from tsunagu.site.i18n import Catalogs
from tsunagu.site.institution_routes import institution_routes
from tsunagu.site.rendering import Renderer
from tsunagu.site.security import SecurityHeadersMiddleware
from tsunagu.site.sessions import SessionMiddleware, signing_key
from tsunagu.store import Store

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).parent / "static"


def routes() -> list[BaseRoute]:
    """Every page with its ``.json`` twin (Datasette style)."""
    return [
        Route("/", views.home, name="home"),
        Route("/index.json", views.home_json, name="home_json"),
        Route("/.json", views.home_json, name="home_json_alias"),
        Route("/search", views.search, name="search"),
        Route("/search.json", views.search_json, name="search_json"),
        Route("/item/{record_id:path}", views.item, name="item"),
        Route("/lang", views.switch_language, name="switch_language"),
        Route("/go/{record_id:path}", views.go_to_institution, name="go"),
        *institution_routes(),
        *collection_routes(),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def middleware() -> list[Middleware]:
    """Outermost first: headers on every answer, then who is asking, then the CSRF check."""
    return [Middleware(SecurityHeadersMiddleware), Middleware(SessionMiddleware),
            Middleware(CsrfMiddleware)]


def create_app(settings: Settings) -> Starlette:
    """The public site over ``settings.db_path`` (store) and ``settings.index_dir`` (index)."""
    if not 1 <= settings.page_size <= MAX_PAGE_SIZE:
        raise ConfigError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {settings.page_size}",
            field="page_size",
        )
    renderer = Renderer(Catalogs(settings.default_language))
    use_hashing_profile(settings.password_hashing)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict[str, Catalog | Pipeline]]:
        store = Store(settings.db_path)
        index = SearchIndex(settings.index_dir)
        logger.info("site serving %s and %s", settings.db_path, settings.index_dir)
        app.state.signing_key = signing_key(settings)
        try:
            # The pipeline shares the store: institutions' actions (register, harvest,
            # publish) go through it; public pages read through the catalog.
            yield {"catalog": Catalog(store, index, page_size=settings.page_size),
                   "pipeline": Pipeline(settings, store)}
        finally:
            index.close()
            store.close()

    app = Starlette(
        routes=routes(),
        middleware=middleware(),
        exception_handlers={**EXCEPTION_HANDLERS, **ACCOUNT_EXCEPTION_HANDLERS},
        lifespan=lifespan,
    )
    app.state.renderer = renderer
    app.state.settings = settings
    return app
