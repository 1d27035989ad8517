"""Login throttling: too many failed attempts for an account or from an address wait.

After ``Settings.login_failures`` failed attempts for one account (or
``login_address_failures`` from one client address) within ``login_window``
seconds, further attempts for it are refused for ``login_lockout`` seconds, even
with the right password, so a password cannot be guessed at speed. A successful
login clears the account's failures. Everything lives in this process' memory —
addresses are never stored — and the number of keys is bounded, so a flood of
made-up addresses cannot exhaust memory. The clock is injectable for tests.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import threading
import time
from collections.abc import Callable

from tsunagu.config import Settings

#: Keys (accounts plus addresses) remembered at most; the oldest are forgotten first.
MAX_KEYS = 50_000


@dataclasses.dataclass
class _Entry:
    failures: collections.deque[float]
    locked_until: float = 0.0


class LoginThrottle:
    """Counts failed logins per account and per client address."""

    def __init__(self, *, max_failures: int, max_address_failures: int, window: float,
                 lockout: float, clock: Callable[[], float] = time.monotonic,
                 max_keys: int = MAX_KEYS) -> None:
        self._limits = {"account": max_failures, "address": max_address_failures}
        self._window = window
        self._lockout = lockout
        self._clock = clock
        self._max_keys = max_keys
        self._entries: collections.OrderedDict[tuple[str, str], _Entry] = (
            collections.OrderedDict())
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, *,
                      clock: Callable[[], float] = time.monotonic) -> LoginThrottle:
        return cls(max_failures=settings.login_failures,
                   max_address_failures=settings.login_address_failures,
                   window=settings.login_window, lockout=settings.login_lockout, clock=clock)

    def wait(self, account: str, address: str | None) -> int:
        """Whole seconds to wait before the next attempt may be tried (0: go ahead)."""
        now = self._clock()
        with self._lock:
            waits = [entry.locked_until - now for key in self._keys(account, address)
                     if (entry := self._entries.get(key)) is not None]
        longest = max(waits, default=0.0)
        return math.ceil(longest) if longest > 0 else 0

    def failed(self, account: str, address: str | None) -> None:
        """Count a failed attempt; lock the account or address at its limit."""
        now = self._clock()
        with self._lock:
            for key in self._keys(account, address):
                entry = self._entries.pop(key, None) or _Entry(collections.deque())
                self._entries[key] = entry  # the most recently used come last
                while entry.failures and entry.failures[0] <= now - self._window:
                    entry.failures.popleft()
                entry.failures.append(now)
                if len(entry.failures) >= self._limits[key[0]]:
                    entry.locked_until = now + self._lockout
                    entry.failures.clear()
            while len(self._entries) > self._max_keys:
                self._entries.popitem(last=False)

    def succeeded(self, account: str) -> None:
        """A successful login forgets the account's failures (not the address')."""
        with self._lock:
            self._entries.pop(("account", _account_key(account)), None)

    def _keys(self, account: str, address: str | None) -> list[tuple[str, str]]:
        keys = [("account", _account_key(account))]
        if address:
            keys.append(("address", address))
        return keys


def _account_key(account: str) -> str:
    return account.strip().casefold()
