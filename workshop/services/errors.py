"""The one error type services raise; adapters turn it into an ack or a JSON response."""

from __future__ import annotations

# Error codes and the HTTP status each maps to. docs/protocol.md lists the same codes.
STATUS_BY_CODE = {
    "invalid": 400,
    "unknown_op": 400,
    "unauthenticated": 401,
    "forbidden": 403,
    "not_found": 404,
    "conflict": 409,
    "unsupported_media_type": 415,
    "limit": 422,
    "rate_limited": 429,
    "too_large": 413,
    "busy": 503,
    "internal": 500,
    "unavailable": 503,
}

# What a write that the database could not store is answered (a full disk, a lost database
# connection): nothing was applied, and the same op (same op id) can simply be sent again.
UNAVAILABLE_MESSAGE = "the server could not save this; try again"


class ServiceError(Exception):
    """A refused request: a stable code for programs and a message for people.

    A refusal that people meet on the board also names its `reason`, a stable key the
    board says in its own language (with `details` filling in the numbers or names).
    """

    def __init__(self, code: str, message: str, details: dict | None = None,
                 reason: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details  # machine-readable specifics, e.g. both sides of a conflict
        self.reason = reason

    def __reduce__(self):
        """Pickle with every field, so an error raised in a worker process arrives whole."""
        return type(self), (self.code, self.message, self.details, self.reason)

    @property
    def status(self) -> int:
        """The HTTP status for this error."""
        return STATUS_BY_CODE.get(self.code, 400)

    def as_dict(self) -> dict:
        """The error object of the protocol."""
        error = {"code": self.code, "message": self.message}
        if self.reason is not None:
            error["reason"] = self.reason
        if self.details is not None:
            error["details"] = self.details
        return error


def unavailable() -> ServiceError:
    """The refusal of a write the database could not store (code `unavailable`, HTTP 503)."""
    return ServiceError("unavailable", UNAVAILABLE_MESSAGE)
