"""Webhooks, the rules: which events go out, which URLs are allowed, how a body is signed,
and how long to wait before trying again. Plain Python; delivery is workshop/webhook_sender.py.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from urllib.parse import urlsplit

# The event types a webhook receives. Delivery reads the event log for these types, so an
# event another part of the app logs under one of these names goes out without more code.
DELIVERED = ("document.agreed", "review.due", "usage.added")

SIGNATURE_HEADER = "Workshop-Signature"
MAX_URL_LENGTH = 2000
# Tries per event, the first included; waits double from BASE up to CAP between them.
MAX_ATTEMPTS = 6
BACKOFF_BASE_S = 30.0
BACKOFF_CAP_S = 3600.0
# Seconds to connect and to read the answer; a slow receiver costs its delivery no more.
TIMEOUT_S = 5.0


def url_problem(url: object) -> str | None:
    """Why a webhook URL is refused (English, the protocol's message), or None."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL_LENGTH:
        return f"url: give an http(s) URL of at most {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        return "url: not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "url: only http and https URLs with a host are allowed"
    if parts.username or parts.password:
        return "url: credentials in the URL are not allowed (sign with the secret instead)"
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        return "url: spaces and control characters are not allowed"
    return None


def address_allowed(address: str, allow_private: bool) -> bool:
    """Whether a receiver's resolved address may be called: public unicast only, unless the
    operator allows loopback and private networks (WORKSHOP_WEBHOOK_ALLOW_PRIVATE)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    # Link-local holds cloud metadata services (169.254.169.254): never, even when allowed.
    if ip.is_multicast or ip.is_unspecified or ip.is_link_local:
        return False
    if ip.is_loopback or ip.is_private:
        return allow_private
    return ip.is_global and not ip.is_reserved


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """HMAC-SHA256 of `<timestamp>.<body>` with the webhook's secret, hex."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The `Workshop-Signature` header's value: `t=<unix seconds>,v1=<hex>`."""
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = 300) -> bool:
    """What a receiver does (docs/security.md shows it): the signature matches and the
    timestamp is recent, so a captured delivery cannot be replayed later."""
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    if not fields.get("t", "").isdigit() or "v1" not in fields:
        return False
    timestamp = int(fields["t"])
    if abs(now - timestamp) > tolerance_s:
        return False
    return hmac.compare_digest(fields["v1"], signature(secret, timestamp, body))


def backoff(attempts: int, base: float = BACKOFF_BASE_S, cap: float = BACKOFF_CAP_S) -> float:
    """Seconds to wait after the `attempts`-th failed try: base, 2×base, 4×base, … ≤ cap."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def gives_up(attempts: int) -> bool:
    """Whether a delivery that failed this many times is not tried again."""
    return attempts >= MAX_ATTEMPTS
