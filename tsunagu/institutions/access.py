"""Finding a source for an actor: a draft of another institution does not exist for them."""

from __future__ import annotations

from tsunagu.accounts.rules import Actor, can_manage_source, can_view_source
from tsunagu.errors import NotFoundError, PermissionDeniedError
from tsunagu.records import Source
from tsunagu.store import Store


def managed_source(store: Store, actor: Actor | None, source_id: str) -> Source:
    """The source, if ``actor`` may manage it.

    A source the actor may not even see (another institution's draft) is a
    :class:`NotFoundError` (404), a public one a :class:`PermissionDeniedError` (403).
    """
    source = store.sources.get(source_id)
    if can_manage_source(actor, source):
        return source
    if can_view_source(actor, source):
        raise PermissionDeniedError("not allowed: manage this source", source_id=source_id)
    raise NotFoundError("no such source", source_id=source_id)
