"""The embedded SQLite store: sources, raw records as harvested, normalized
records, harvest runs, checkpoints and the quarantine.

Depends only on ``records``, ``config`` and ``errors``; every stage may use it.
The Whoosh index is derived from this store and can always be rebuilt from it.
"""

from __future__ import annotations

from pathlib import Path

from tsunagu.store.accounts import Institutions, Users
from tsunagu.store.activity import Activity
from tsunagu.store.collections import Collections
from tsunagu.store.credentials import ApiTokens, Invitations, Sessions
from tsunagu.store.database import Database, utc_now
from tsunagu.store.normalized import NormalizedRecords
from tsunagu.store.quarantine import Quarantine
from tsunagu.store.raw import ChangeKind, RawRecords
from tsunagu.store.raw_pages import PageRequest, RawPages, StoredPage
from tsunagu.store.runs import Checkpoint, HarvestRun, HarvestRuns
from tsunagu.store.source_notes import SourceNotes
from tsunagu.store.sources import Sources

__all__ = [
    "ChangeKind",
    "Checkpoint",
    "Database",
    "HarvestRun",
    "PageRequest",
    "Store",
    "StoredPage",
    "utc_now",
]


class Store:
    """The store's repositories over one database file."""

    def __init__(self, path: Path) -> None:
        self.db = Database(path)
        self.sources = Sources(self.db)
        self.raw = RawRecords(self.db)
        self.pages = RawPages(self.db)
        self.records = NormalizedRecords(self.db)
        self.runs = HarvestRuns(self.db)
        self.quarantine = Quarantine(self.db)
        self.institutions = Institutions(self.db)
        self.users = Users(self.db)
        self.invitations = Invitations(self.db)
        self.sessions = Sessions(self.db)
        self.api_tokens = ApiTokens(self.db)
        self.activity = Activity(self.db)
        self.collections = Collections(self.db)
        self.source_notes = SourceNotes(self.db)

    def close(self) -> None:
        self.db.close()
