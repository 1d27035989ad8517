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
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Everything tsunagu reads from its environment, once."""

    data_dir: Path
    allow_private_hosts: bool = False
    user_agent: str = f"tsunagu/{__version__} (+https://github.com/tsunagu; OAI-PMH harvester)"
    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    max_response_bytes: int = 256 * 1024 * 1024
    page_size: int = 20
    default_language: str = "ja"

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
        )


def _flag(env: Mapping[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    # A typo must not silently flip a security switch either way.
    raise ValueError(f"{name} must be one of 1/0/true/false/yes/no, not {value!r}")
