"""Webhook delivery, off the op path: reads the event log after commit, sends signed POSTs
from a few background tasks with a bounded queue and timeouts, retries with back-off.

How it flows (docs/security.md, Webhooks):
1. An op commits an event of a delivered type (domain/webhooks.DELIVERED) and wakes the
   sender; the serving process also polls every `POLL_S`, for events other processes wrote
   (a scheduled `reviews` job) and for retries that fell due.
2. A scan reads each webhook's new log entries past its cursor and, in one transaction that
   also moves the cursor (only if no other worker moved it first), records a delivery per
   entry of a delivered type.
3. Due deliveries are claimed (a conditional UPDATE, so one worker sends each) and queued;
   senders POST them with a connect and read timeout, to an address checked after DNS
   resolution and connected to directly, so a name cannot resolve to a private address
   between the check and the call. Nothing is sent inside a transaction, and no op waits
   for a receiver.
"""

from __future__ import annotations

import http.client
import json
import logging
import queue
import socket
import ssl
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import func, select, update

from workshop.domain import webhooks
from workshop.models import Event, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

POLL_S = 2.0
QUEUE_SIZE = 100
SENDERS = 4
SCAN_BATCH = 500
# A claimed delivery is not claimed again for this long (a sender that died mid-way).
LEASE_S = 120.0
USER_AGENT = "PersonaWorkshop-Webhook/1"


class AddressRefused(Exception):
    """The receiver's host resolves to an address webhooks may not call."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _PinnedHTTP(http.client.HTTPConnection):
    """An HTTP connection to an address resolved and checked beforehand."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address; the certificate is checked for the host."""

    def __init__(self, host: str, port: int | None, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def resolve(host: str, port: int, allow_private: bool) -> str:
    """The first address of `host` webhooks may call; AddressRefused when any is refused
    (a name that resolves to a public and a private address is refused as a whole)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise AddressRefused(f"{host} has no address")
    for address in addresses:
        if not webhooks.address_allowed(address, allow_private):
            raise AddressRefused(f"{host} resolves to {address}, which webhooks may not call "
                                 "(loopback, private or link-local)")
    return addresses[0]


def post(url: str, body: bytes, headers: dict[str, str], allow_private: bool,
         timeout: float = webhooks.TIMEOUT_S) -> int:
    """POST a body and answer the receiver's status code; raises on a refused address, a
    timeout or a connection error. Redirects are not followed."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(parts.hostname, port, allow_private)
    kind = _PinnedHTTPS if parts.scheme == "https" else _PinnedHTTP
    connection = kind(parts.hostname, port, address, timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("POST", path, body=body, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def delivery_body(delivery: WebhookDelivery, event: Event) -> bytes:
    """What a receiver gets: the entry as everyone in the workshop saw it (its public form
    when it has one), with the delivery's id for deduplication."""
    data = event.public["data"] if event.public else event.data
    return json.dumps({"delivery": delivery.id, "workshop_id": event.workshop_id,
                       "type": event.type, "seq": event.seq,
                       "at": _aware(event.at).isoformat(timespec="milliseconds")
                       .replace("+00:00", "Z"), "data": data},
                      ensure_ascii=False, separators=(",", ":")).encode()


class WebhookSender:
    """The background side of webhooks for one process (see the module)."""

    def __init__(self, db, spawn: Callable, sleep: Callable, allow_private: bool = False,
                 backoff_base: float = webhooks.BACKOFF_BASE_S,
                 timeout: float = webhooks.TIMEOUT_S, poll_s: float = POLL_S):
        self.db = db
        self._spawn = spawn
        self._sleep = sleep
        self.allow_private = allow_private
        self.backoff_base = backoff_base
        self.timeout = timeout
        self.poll_s = poll_s
        self._queue: queue.Queue[int] = queue.Queue(maxsize=QUEUE_SIZE)
        self._woken = False
        self._running = False
        self._persistent = False
        self._senders = 0
        self._stopped = False

    # ---- starting and waking -------------------------------------------------------------

    def start(self) -> None:
        """Poll for as long as the process serves (wsgi.py)."""
        self._persistent = True
        self.wake()

    def stop(self) -> None:
        """Stop looking and sending (tests; a serving process stops with its hub)."""
        self._stopped = True
        for _ in range(self._senders):
            try:
                self._queue.put_nowait(0)  # 0: no delivery has it; a sender takes it and ends
            except queue.Full:
                break

    def wake(self) -> None:
        """Something to deliver may have been committed: look soon. Returns at once."""
        if self._stopped:
            return
        self._woken = True
        if not self._running:
            self._running = True
            self._spawn(self._loop)

    def _ensure_senders(self) -> None:
        """Senders start when there is something to send, and end when idle (unless serving)."""
        while self._senders < SENDERS:
            self._senders += 1
            self._spawn(self._send_forever)

    def _loop(self) -> None:
        idle_since = time.monotonic()
        try:
            while not self._stopped:
                self._woken = False
                try:
                    busy = self.step()
                except Exception:  # noqa: BLE001 - a failed scan is tried again next round
                    logger.exception("webhook scan failed")
                    busy = False  # a lasting failure lets a woken loop end like an idle one
                if busy:
                    idle_since = time.monotonic()
                elif not self._persistent and time.monotonic() - idle_since > 2 * self.poll_s:
                    return  # woken by an op and nothing left to do: wake() starts it again
                waited = 0.0
                while not self._woken and not self._stopped and waited < self.poll_s:
                    self._sleep(0.05)
                    waited += 0.05
        finally:
            self._running = False

    def step(self) -> bool:
        """One round: record new deliveries, queue the due ones. Whether anything is pending."""
        self.scan()
        return self.queue_due()

    # ---- recording deliveries from the log -----------------------------------------------

    def scan(self) -> int:
        """Record a delivery for each new log entry of a delivered type; answers how many."""
        recorded = 0
        with self.db.reading() as session:
            hooks = [(h.workshop_id, h.cursor, h.url) for h in session.scalars(select(Webhook))]
        for workshop_id, cursor, url in hooks:
            with self.db.reading() as session:
                rows = session.execute(select(Event.id, Event.type, Event.seq).where(
                    Event.workshop_id == workshop_id, Event.id > cursor)
                    .order_by(Event.id).limit(SCAN_BATCH)).all()
            if not rows:
                continue
            with self.db.writing(workshop_id) as session:
                moved = session.execute(update(Webhook).where(
                    Webhook.workshop_id == workshop_id, Webhook.cursor == cursor)
                    .values(cursor=rows[-1].id)).rowcount
                if moved != 1:  # another worker took these, or the webhook was removed
                    session.rollback()
                    continue
                for row in rows:
                    if row.type in webhooks.DELIVERED:
                        session.add(WebhookDelivery(
                            workshop_id=workshop_id, event_id=row.id, event_type=row.type,
                            seq=row.seq, url=url, status="pending", attempts=0,
                            next_attempt_at=_utcnow(), created_at=_utcnow()))
                        recorded += 1
                session.commit()
        return recorded

    # ---- claiming and sending ------------------------------------------------------------

    def queue_due(self) -> bool:
        """Claim due deliveries as far as the queue has room; whether any are pending."""
        now = _utcnow()
        with self.db.reading() as session:
            pending = session.scalar(select(func.count()).select_from(WebhookDelivery)
                                     .where(WebhookDelivery.status == "pending"))
            room = QUEUE_SIZE - self._queue.qsize()
            due = session.execute(select(WebhookDelivery.id, WebhookDelivery.workshop_id,
                                         WebhookDelivery.next_attempt_at).where(
                WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
                .order_by(WebhookDelivery.next_attempt_at).limit(max(room, 0))).all()
        for delivery_id, workshop_id, due_at in due:
            with self.db.writing(workshop_id) as session:
                claimed = session.execute(update(WebhookDelivery).where(
                    WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
                    WebhookDelivery.next_attempt_at == due_at)
                    .values(next_attempt_at=now + timedelta(seconds=LEASE_S))).rowcount
                session.commit()
            if claimed == 1:
                self._ensure_senders()
                self._queue.put(delivery_id)
        return bool(pending)

    def _send_forever(self) -> None:
        while True:
            try:
                delivery_id = self._queue.get(timeout=10 * self.poll_s)
            except queue.Empty:
                if self._persistent:
                    continue
                self._senders -= 1
                return
            if self._stopped:
                return
            try:
                self.send(delivery_id)
            except Exception:  # noqa: BLE001 - recorded below; the sender keeps going
                logger.exception("webhook delivery %s failed unexpectedly", delivery_id)

    def send(self, delivery_id: int) -> str:
        """Try one delivery once and record how it went; answers its new status."""
        with self.db.reading() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            hook = session.get(Webhook, delivery.workshop_id) if delivery else None
            event = session.get(Event, delivery.event_id) if delivery else None
            if delivery is None or hook is None or event is None:
                return "gone"
            body = delivery_body(delivery, event)
            secret, url, workshop_id = hook.secret, hook.url, delivery.workshop_id
            attempts, event_type = delivery.attempts + 1, event.type
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   "Workshop-Event": event_type, "Workshop-Delivery": str(delivery_id),
                   webhooks.SIGNATURE_HEADER: webhooks.signature_header(
                       secret, int(time.time()), body)}
        status_code, error = None, None
        try:
            status_code = post(url, body, headers, self.allow_private, self.timeout)
            if not 200 <= status_code < 300:
                error = f"the receiver answered HTTP {status_code}"
        except AddressRefused as refused:
            error = str(refused)
        except (OSError, http.client.HTTPException) as failure:
            error = f"{type(failure).__name__}: {failure}"[:300] or "connection failed"
        now = _utcnow()
        if error is None:
            values = {"status": "delivered", "finished_at": now, "last_error": None}
        elif webhooks.gives_up(attempts):
            values = {"status": "failed", "finished_at": now, "last_error": error[:300]}
        else:
            values = {"last_error": error[:300], "next_attempt_at": now + timedelta(
                seconds=webhooks.backoff(attempts, self.backoff_base))}
        with self.db.writing(workshop_id) as session:
            session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                            .values(attempts=attempts, response_status=status_code, url=url,
                                    **values))
            session.commit()
        if error is not None and not webhooks.gives_up(attempts):
            self._woken = True  # the loop notices the retry when it falls due
        return values.get("status", "pending")
