"""Ids and link tokens: unguessable secrets, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid

SECRET_BYTES = 18  # 144 bits of randomness per link

# Every id and secret the server hands out uses only these characters.
_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_safe_id(value: object) -> bool:
    """Whether a value could be an id we issued (checked before it reaches the database)."""
    return isinstance(value, str) and _SAFE_ID.fullmatch(value) is not None


def new_id() -> str:
    """A random id for a participant, persona or note."""
    return uuid.uuid4().hex


def new_workshop_id() -> str:
    """A short, readable workshop id; it is not a secret (the link tokens are)."""
    return secrets.token_hex(5)


def new_secret() -> str:
    """The secret half of a link token."""
    return secrets.token_urlsafe(SECRET_BYTES)


def make_token(workshop_id: str, secret: str) -> str:
    """The token carried in a link: the workshop id, a dot, the secret."""
    return f"{workshop_id}.{secret}"


def split_token(token: str) -> tuple[str, str] | None:
    """Split a link token into workshop id and secret, or None when malformed."""
    workshop_id, dot, secret = token.partition(".")
    if not dot or not is_safe_id(workshop_id) or not is_safe_id(secret):
        return None
    return workshop_id, secret


def secrets_match(given: str, expected: str) -> bool:
    """Compare secrets in constant time, so timing does not reveal a prefix."""
    return hmac.compare_digest(given.encode(), expected.encode())


# ---- tokens of their own kind: share links and API tokens --------------------------------
# A kind's prefix tells the token apart at a glance (and in a secret scanner) and can never
# be a workshop id (those are hex), so a share or API token is never taken for a link token.
SHARE = "ps"
API = "pwa"
KINDS = (SHARE, API)


def make_kind_token(kind: str, token_id: str, secret: str) -> str:
    """A token of one kind: `<kind>_<id>.<secret>`; the id names its row, not its workshop."""
    return f"{kind}_{token_id}.{secret}"


def split_kind_token(kind: str, token: object) -> tuple[str, str] | None:
    """The row id and secret of a token of this kind, or None when it is not one."""
    if not isinstance(token, str) or not token.startswith(kind + "_") or len(token) > 140:
        return None
    token_id, dot, secret = token[len(kind) + 1:].partition(".")
    if not dot or not is_safe_id(token_id) or not is_safe_id(secret):
        return None
    return token_id, secret


def hash_secret(secret: str) -> str:
    """What is stored of an API token's secret: SHA-256, hex. The secret has 144 random
    bits, so a fast hash is enough; a stolen database does not give working tokens."""
    return hashlib.sha256(secret.encode()).hexdigest()
