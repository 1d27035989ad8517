"""Rendering: the Jinja2 environment, the per-request language, HTML and JSON responses.

One environment serves every language: the i18n extension's ``_``/``gettext``
look up the request's catalog in the template context (``i18n``), which a
context processor fills in from the negotiated language. Autoescaping is on for
every template, so text from feeds is always shown as text.
"""

from __future__ import annotations

import gettext
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from tsunagu.site.csrf import csrf_field
from tsunagu.site.i18n import LANGUAGE_COOKIE, LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Catalogs
from tsunagu.site.labels import Labeller
from tsunagu.site.search_state import MAX_TEXT_LENGTH
from tsunagu.site.urls import (
    go_path,
    is_web_url,
    item_path,
    language_switch_path,
    local_path,
    provider_search_path,
)

logger = logging.getLogger(__name__)

TEMPLATE_DIR = Path(__file__).parent / "templates"


@jinja2.pass_context
def _gettext(context: jinja2.runtime.Context, message: str) -> str:
    translations: gettext.NullTranslations = context["i18n"]
    return translations.gettext(message)


@jinja2.pass_context
def _ngettext(
    context: jinja2.runtime.Context, singular: str, plural: str, number: int
) -> str:
    translations: gettext.NullTranslations = context["i18n"]
    return translations.ngettext(singular, plural, number)


@jinja2.pass_context
def _number(context: jinja2.runtime.Context, value: int) -> str:
    return format_decimal(value, locale=context["lang"])


def build_environment(template_dir: Path = TEMPLATE_DIR) -> jinja2.Environment:
    """The template environment (autoescape always on, i18n installed, strict undefined)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        _gettext, _ngettext, newstyle=True
    )
    env.filters["number"] = _number
    env.globals.update(
        item_path=item_path,
        is_web_url=is_web_url,
        source_search_path=provider_search_path,
        max_text_length=MAX_TEXT_LENGTH,
        csrf_field=csrf_field,
        go_path=go_path,
    )
    return env


class Renderer:
    """Negotiates the language of a request and renders pages and JSON in it."""

    def __init__(self, catalogs: Catalogs, template_dir: Path = TEMPLATE_DIR) -> None:
        self.catalogs = catalogs
        self.templates = Jinja2Templates(
            env=build_environment(template_dir), context_processors=[self._context]
        )

    def language(self, request: Request) -> str:
        """The request's language: cookie, then ``Accept-Language``, then the default."""
        return self.catalogs.negotiate(
            request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
        )

    def labeller(
        self, request: Request, provider_names: Mapping[str, str] | None = None
    ) -> Labeller:
        lang = self.language(request)
        return Labeller(self.catalogs.translations(lang), lang, provider_names)

    def gettext(self, request: Request, message: str) -> str:
        return self.catalogs.gettext(self.language(request), message)

    def html(
        self,
        request: Request,
        template: str,
        context: dict[str, Any],
        *,
        status_code: int = 200,
    ) -> Response:
        context.setdefault("json_url", None)
        context.setdefault("search_text", "")
        context.setdefault("search_filters", ())
        if "labels" not in context:
            context["labels"] = self.labeller(request)
        return self.templates.TemplateResponse(
            request, template, context, status_code=status_code
        )

    def json(self, data: Any, *, status_code: int = 200) -> Response:
        return JSONResponse(data, status_code=status_code)

    def _context(self, request: Request) -> dict[str, Any]:
        lang = self.language(request)
        raw_path = request.scope.get("raw_path")
        path = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else request.url.path
        query = request.url.query
        here = local_path(path + (f"?{query}" if query else ""))
        return {
            "lang": lang,
            "i18n": self.catalogs.translations(lang),
            # The logged-in person (tsunagu.site.sessions), for the header's account links.
            "current_user": getattr(request.state, "user", None),
            "language_options": [
                {
                    "code": code,
                    "name": LANGUAGE_NAMES[code],
                    "current": code == lang,
                    "url": language_switch_path(code, here),
                }
                for code in SUPPORTED_LANGUAGES
            ],
        }
