"""The public site: search Japanese and English records and see what may be re-used.

``create_app(settings)`` returns the Starlette application. Pages, each with a
JSON twin at the same path plus ``.json``:

``/`` (twin ``/index.json``; ``/.json`` is an alias)
    Intro, search box, sources with their record counts. JSON:
    ``{"sources": [{"id", "name", "name_en", "sector", "sector_label", "count",
    "search_url"}], "total": n}``.
``/search?q=…&page=N&sector=…&provider=…&type=…&reuse=…`` (twin ``/search.json``)
    Results with facets; facet parameters repeat for OR. JSON: ``{"total",
    "page", "page_size", "pages", "query", "results": [{"id", "title", "url",
    "source_url", "provider", "provider_id", "sector", "type", "date",
    "thumbnail", "rights": {"code", "reuse", "raw", "label"}}], "facets":
    {"sector"|"provider"|"type"|"reuse": [{"value", "count", "label",
    "selected"}]}}``. Unknown parameters or values, bad page numbers and
    unsearchable text are HTTP 400 with ``{"error": message}``.
``/item/<record id>`` (twin ``/item/<record id>.json``)
    The record with its rights panel; the twin is ``record_to_dict(record)``.
``/lang?to=en&next=/local/path``
    Sets the language cookie and redirects to a local path only.

The interface is Japanese by default and English; see :mod:`tsunagu.site.i18n`.
The site imports only ``records``, ``config``, ``errors``, ``store`` and
``index`` from tsunagu; Starlette and Jinja2 stay inside this package.
"""

from tsunagu.site.app import create_app

__all__ = ["create_app"]
