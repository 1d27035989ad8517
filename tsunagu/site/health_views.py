"""``GET /health`` and ``GET /health.json``: how the harvesting of the feeds goes.

Anyone sees the summary: how many active (published) feeds there are, how many
are healthy and how many need attention, by state. It says nothing else (no
feed names, addresses or error messages). Administrators see every feed with its
state, last run, last success, consecutive failures, parked-until, next due and
the last error; an institution's people see their own feeds likewise. The
answer is ``200`` even when a feed needs attention (a failing feed must not
take the site out of a load balancer): monitor ``"ok"`` in the JSON, or run
``tsunagu health``, which exits 1.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from tsunagu.accounts.rules import Actor, is_admin
from tsunagu.site.institution_web import answer, pipeline_of
from tsunagu.site.sessions import current_actor
from tsunagu.store.health import SourceHealth, health_payload, source_health, summarize


def health(request: Request) -> Response:
    every = source_health(pipeline_of(request).store.db)
    summary = summarize(every)
    shown = _visible(every, current_actor(request))
    payload = health_payload(summary, shown)
    response = answer(request, "health.html", {"summary": summary, "sources": shown},
                      payload)
    response.headers["Cache-Control"] = "no-store"
    return response


def _visible(every: list[SourceHealth], actor: Actor | None) -> list[SourceHealth] | None:
    """The feeds ``actor`` may see in detail (``None``: the summary only)."""
    if is_admin(actor):
        return every
    institution = getattr(actor, "institution_id", None)
    if institution:
        return [item for item in every if item.institution_id == institution]
    return None
