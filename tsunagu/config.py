"""Settings: read once into a frozen object and passed explicitly.

Sources of configuration, highest first: explicit arguments (the CLI's
``--data-dir``), environment variables (``TSUNAGU_*``), defaults. This module
depends on nothing else in tsunagu.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from tsunagu import __version__

DEFAULT_DATA_DIR = "./tsunagu-data"
PROJECT_URL = "https://github.com/tsunagu"
#: The User-Agent without an operator's contact (``TSUNAGU_CONTACT`` adds one).
DEFAULT_USER_AGENT = f"tsunagu/{__version__} (+{PROJECT_URL}; OAI-PMH harvester)"
_MAX_CONTACT = 200  # characters of TSUNAGU_CONTACT
_MAX_USER_AGENT = 400  # characters of TSUNAGU_USER_AGENT
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything tsunagu reads from its environment, once."""

    data_dir: Path
    allow_private_hosts: bool = False
    #: Sent with every request: ``tsunagu/<version> (+<project url>; <contact>)`` with the
    #: operator's ``TSUNAGU_CONTACT``, or ``TSUNAGU_USER_AGENT`` whole.
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_response_bytes: int = 256 * 1024 * 1024
    #: Wall-clock limit of one HTTP response, from the request to its last byte
    #: (``TSUNAGU_RESPONSE_DEADLINE``): a server trickling bytes, each read within
    #: ``read_timeout``, is cut off and retried like a network error.
    response_deadline: float = 300.0
    page_size: int = 20
    default_language: str = "ja"
    # -- harvesting (docs/operating.md, "Harvesting") --------------------------
    #: Attempts per request (network errors, 408/429/5xx, truncated pages).
    retry_attempts: int = 4
    #: A Retry-After longer than this parks the source instead of waiting in the run.
    max_retry_after: float = 120.0
    #: A parked source is resumed after the server's Retry-After, clamped to this.
    max_park_seconds: float = 86400.0
    #: Wall-clock limit of one run; at the deadline the source is parked (resumable).
    run_deadline: float = 6 * 3600.0
    #: Minimum pause between requests to one host, and at least this many times the
    #: time the host took to answer the previous request (it is idle as long as busy).
    request_delay: float = 0.1
    request_delay_factor: float = 1.0
    #: Sources harvested at the same time (one request at a time per host still).
    harvest_workers: int = 4
    #: Records a run may quarantine (parse or mapping failures) before it stops.
    error_budget: int = 100
    #: Processes that build the segments of an index rebuild (``TSUNAGU_INDEX_PROCS``;
    #: default: two, or one on a single-core machine).
    index_procs: int = dataclasses.field(default_factory=lambda: _default_index_procs())
    #: Empty pages in a row that carry a token before the list counts as a loop.
    max_empty_pages: int = 20
    #: Send the request for the next ListRecords page as soon as its token is read,
    #: so the server answers while the current page is parsed (still one request at a
    #: time per host, and only when the host's pause has ended), and store pages while
    #: the next ones are fetched: by a store process, or a writer thread
    #: (:mod:`tsunagu.harvester.page_writer`; several pages to a transaction when it
    #: falls behind); ``False`` turns both off: pages are fetched, parsed and stored
    #: one after the other in the run's thread.
    prefetch_pages: bool = True
    #: Store (and map) a run's pages in a process of its own rather than a thread of
    #: the harvest's (:mod:`tsunagu.harvester.store_process`): parsing and storing then
    #: each have a core (``TSUNAGU_STORE_PROCESS``; off: a writer thread, as with a
    #: page hook that cannot be pickled).
    store_process: bool = True
    #: Validate every harvested page against the OAI-PMH schema and its records against
    #: their format's schema (``TSUNAGU_VALIDATE_ALL_PAGES``); otherwise only the first
    #: page of a run and the pages that needed repair. Findings are run warnings.
    validate_all_pages: bool = False
    #: A long range (a first or full harvest from ``earliestDatestamp``, a long gap since
    #: the last run) is listed in windows of this many days, one after the other, each
    #: checkpointed (``TSUNAGU_WINDOW_DAYS``; ``0``: one window); a source's
    #: ``window_days`` overrides it.
    window_days: int = 30
    #: Incremental windows start this much before the last high-water mark (second
    #: granularity; day-granularity servers overlap by one day).
    overlap_seconds: int = 3600
    #: Servers whose deletions are not persistent get a full, reconciling harvest
    #: at least this often (days).
    full_harvest_days: int = 30
    #: Harvested pages are kept verbatim while a stored record was last seen in them,
    #: and all pages of each source's last this many runs (``TSUNAGU_KEEP_PAGE_RUNS``).
    keep_page_runs: int = 3
    #: A run that would delete more than this share of a source's live records (and
    #: at least ``mass_deletion_min`` of them), or more than ``mass_deletion_max``
    #: records whatever the share (``0``: no absolute limit), is held until a person
    #: approves it (``TSUNAGU_MASS_DELETION_SHARE``, ``TSUNAGU_MASS_DELETION_MAX``).
    mass_deletion_share: float = 0.2
    mass_deletion_min: int = 10
    mass_deletion_max: int = 10_000
    # -- institutions (docs/institutions.md) ------------------------------------
    #: A login session lasts this long (seconds); logging out or a password change ends it.
    session_lifetime: float = 14 * 86400.0
    #: An editor invitation can be accepted for this long (seconds).
    invitation_lifetime: float = 7 * 86400.0
    #: Records the validation sandbox harvests and maps from a draft source.
    sandbox_sample_size: int = 50
    #: Largest uploaded feed file (CSV, TSV, Excel, static repository), in bytes.
    max_upload_bytes: int = 64 * 1024 * 1024
    #: Seconds the worker sleeps between looks for due harvests.
    worker_interval: float = 60.0
    #: An uploaded table waiting for its column mapping is deleted after this (seconds).
    upload_ticket_lifetime: float = 86400.0
    #: Failed logins for one account within ``login_window`` seconds before its logins
    #: are refused for ``login_lockout`` seconds (429); the same per client address
    #: with ``login_address_failures`` (kept in memory only, never stored).
    login_failures: int = 5
    login_address_failures: int = 20
    login_window: float = 15 * 60.0
    login_lockout: float = 15 * 60.0
    #: Key that signs the site's session cookie and CSRF tokens (``TSUNAGU_SECRET_KEY``);
    #: when unset the site generates one and keeps it in ``<data_dir>/secret_key`` (0600).
    secret_key: str | None = dataclasses.field(default=None, repr=False)
    #: ``standard`` (Argon2id, the library's recommended cost) or ``fast`` (cheap
    #: parameters for tests only, ``TSUNAGU_PASSWORD_HASHING=fast``).
    password_hashing: str = "standard"  # noqa: S105 - a profile name, not a password

    @property
    def db_path(self) -> Path:
        """The SQLite store."""
        return self.data_dir / "tsunagu.sqlite3"

    @property
    def index_dir(self) -> Path:
        """The Whoosh index; it can always be rebuilt from the store."""
        return self.data_dir / "index"

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        data_dir: str | Path | None = None,
    ) -> Settings:
        """Read settings from ``environ`` (default ``os.environ``)."""
        env = os.environ if environ is None else environ
        directory = data_dir or env.get("TSUNAGU_DATA_DIR") or DEFAULT_DATA_DIR
        return cls(
            data_dir=Path(directory).expanduser().resolve(),
            allow_private_hosts=_flag(env, "TSUNAGU_ALLOW_PRIVATE_HOSTS"),
            request_delay=_number(env, "TSUNAGU_REQUEST_DELAY", cls.request_delay),
            response_deadline=_number(env, "TSUNAGU_RESPONSE_DEADLINE", cls.response_deadline),
            harvest_workers=int(_number(env, "TSUNAGU_HARVEST_WORKERS", cls.harvest_workers)),
            index_procs=max(1, int(_number(env, "TSUNAGU_INDEX_PROCS", _default_index_procs()))),
            window_days=max(0, int(_number(env, "TSUNAGU_WINDOW_DAYS", cls.window_days))),
            validate_all_pages=_flag(env, "TSUNAGU_VALIDATE_ALL_PAGES"),
            store_process=_flag(env, "TSUNAGU_STORE_PROCESS", default=True),
            keep_page_runs=max(0, int(_number(env, "TSUNAGU_KEEP_PAGE_RUNS",
                                              cls.keep_page_runs))),
            mass_deletion_share=_share(env, "TSUNAGU_MASS_DELETION_SHARE",
                                       cls.mass_deletion_share),
            mass_deletion_max=int(_number(env, "TSUNAGU_MASS_DELETION_MAX",
                                          cls.mass_deletion_max)),
            user_agent=_user_agent(env),
            secret_key=env.get("TSUNAGU_SECRET_KEY") or None,
            password_hashing=env.get("TSUNAGU_PASSWORD_HASHING", "").strip() or "standard",
        )


def _default_index_procs() -> int:
    return min(2, os.cpu_count() or 1)


def _flag(env: Mapping[str, str], name: str, *, default: bool = False) -> bool:
    value = env.get(name, "").strip().lower()
    if not value:
        return default
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    # A typo must not silently flip a security switch either way.
    raise ValueError(f"{name} must be one of 1/0/true/false/yes/no, not {value!r}")


def _share(env: Mapping[str, str], name: str, default: float) -> float:
    share = _number(env, name, default)
    if share > 1:  # "20" meant as 20 % would switch the guard off
        raise ValueError(f"{name} must be a fraction from 0 to 1 (0.2 = 20%), "
                         f"not {env[name].strip()!r}")
    return share


def _user_agent(env: Mapping[str, str]) -> str:
    """``TSUNAGU_USER_AGENT`` whole, else the default with ``TSUNAGU_CONTACT`` in it."""
    whole = _header_value(env, "TSUNAGU_USER_AGENT", _MAX_USER_AGENT)
    if whole:
        return whole
    contact = _header_value(env, "TSUNAGU_CONTACT", _MAX_CONTACT)
    if not contact:
        return DEFAULT_USER_AGENT
    if "@" not in contact and not contact.startswith(("https://", "http://")):
        raise ValueError(f"TSUNAGU_CONTACT must be an e-mail address or an http(s) URL, "
                         f"not {contact!r}")
    if "(" in contact or ")" in contact:  # it goes inside the User-Agent's comment
        raise ValueError(f"TSUNAGU_CONTACT must not contain parentheses, not {contact!r}")
    return f"tsunagu/{__version__} (+{PROJECT_URL}; {contact})"


def _header_value(env: Mapping[str, str], name: str, limit: int) -> str:
    """A value sent in an HTTP header: printable ASCII (no CR/LF), at most ``limit`` long."""
    value = env.get(name, "").strip()
    if any(not " " <= char <= "~" for char in value):
        raise ValueError(f"{name} must be printable ASCII on one line (no CR, LF or other "
                         f"control characters), not {value!r}")
    if len(value) > limit:
        raise ValueError(f"{name} must be at most {limit} characters, not {len(value)}")
    return value


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    value = env.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number, not {value!r}") from None
    if number < 0:
        raise ValueError(f"{name} must not be negative, not {value!r}")
    return number
