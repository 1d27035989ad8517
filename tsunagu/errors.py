"""One error tree for tsunagu.

Every error carries context (source id, record id, field) so that a message
shown to an operator or an institution says where the problem is. Errors are
raised deep in the stages and caught only at boundaries (CLI, pipeline, views).
"""

from __future__ import annotations


class TsunaguError(Exception):
    """Base of every error tsunagu raises on purpose."""

    def __init__(
        self,
        message: str,
        *,
        source_id: str | None = None,
        record_id: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.source_id = source_id
        self.record_id = record_id
        self.field = field

    def __str__(self) -> str:
        context = [
            f"{name}={value}"
            for name, value in (
                ("source", self.source_id),
                ("record", self.record_id),
                ("field", self.field),
            )
            if value
        ]
        return f"{self.message} [{', '.join(context)}]" if context else self.message

    def __reduce__(self) -> tuple[object, ...]:
        """Pickled with its context, whatever its class's ``__init__`` takes (an error
        of the store process reaches the harvest's process whole)."""
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


def _rebuild(kind: type[TsunaguError], args: tuple[object, ...],
             state: dict[str, object]) -> TsunaguError:
    error = kind.__new__(kind)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigError(TsunaguError):
    """Settings or a source registration are invalid."""


class NotFoundError(TsunaguError):
    """A source, record or run that was asked for does not exist."""


class AuthError(TsunaguError):
    """Who is asking could not be established: wrong password, expired session or token."""


class PermissionDeniedError(TsunaguError):
    """The user or token is known but may not do this (a 403, or a 404 to hide it)."""


class UploadError(TsunaguError):
    """An uploaded feed file (CSV, TSV, Excel, static repository) cannot be read."""


class StoreError(TsunaguError):
    """The SQLite store could not be read or written."""


class HarvestError(TsunaguError):
    """A harvest could not complete."""


class TransportError(HarvestError):
    """The HTTP exchange with a data provider failed (network, status, size)."""


class BlockedAddressError(TransportError):
    """A URL resolves to a private, loopback or link-local address."""


class ResponseTooLargeError(TransportError):
    """A response exceeded the configured size cap (not retried)."""


class SourceParkedError(TransportError):
    """The server asked for a wait longer than a run may block (``Retry-After``).

    The source is parked: its run stops with the checkpoint kept and the next
    run after ``wait_seconds`` resumes it.
    """

    def __init__(self, message: str, wait_seconds: float, **context: str | None) -> None:
        super().__init__(message, **context)
        self.wait_seconds = wait_seconds


class DeadlineExceededError(HarvestError):
    """A run reached its deadline; the next run resumes from the checkpoint."""


class TruncatedResponseError(TransportError):
    """A response ended before its closing ``</OAI-PMH>`` (a dropped connection)."""


class ErrorBudgetExceededError(HarvestError):
    """A run quarantined more records than its error budget allows."""


class OAIError(HarvestError):
    """The data provider answered with an OAI-PMH ``<error>``."""

    def __init__(self, code: str, message: str, **context: str | None) -> None:
        super().__init__(f"OAI-PMH error {code}: {message}", **context)
        self.code = code


class ResponseFormatError(HarvestError):
    """The response was not the OAI-PMH XML that was expected."""


class MappingError(TsunaguError):
    """A raw record could not be mapped into the record model."""


class IndexingError(TsunaguError):
    """The search index could not be written or opened."""


class QueryError(TsunaguError):
    """A search request is invalid (bad parameter, unknown facet value, bad syntax)."""
