"""Share links and API tokens, read: resolving a token (always in the database, so a rotated
or revoked one stops on every worker at once), a shared persona, and the facilitator's view
of everything that reaches outside the workshop."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import desc, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from workshop.domain import permissions
from workshop.domain import settings as workshop_settings
from workshop.domain.sharing import public_document, version_to_show
from workshop.domain.tokens import (
    API,
    SHARE,
    hash_secret,
    make_kind_token,
    secrets_match,
    split_kind_token,
)
from workshop.domain.webhooks import DELIVERED
from workshop.models import (
    ApiToken,
    Persona,
    PersonaVersion,
    ShareLink,
    ShareView,
    Webhook,
    WebhookDelivery,
    Workshop,
)
from workshop.services import log, reviews
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError

# Days of views the facilitator sees per link, besides the total.
VIEW_DAYS = 30
DELIVERIES_SHOWN = 50
NO_SUCH_LINK = "no such share link (it may have been rotated or revoked)"


@dataclass(frozen=True)
class SharedPersona:
    """What a share link shows: the agreed document (ids and, if anonymous, names taken
    out) and the one-pager's meta."""

    document: dict
    meta: dict


def _share_row(session, token: str) -> ShareLink | None:
    parts = split_kind_token(SHARE, token)
    if parts is None:
        return None
    share = session.get(ShareLink, parts[0])
    if share is None or not secrets_match(parts[1], share.secret):
        return None
    return share


def shared_persona(backend: Backend, token: str, count_view: bool = True) -> SharedPersona:
    """The persona behind a share token, or `not_found`; counts the view (a number per day)."""
    with backend.db.reading() as session:
        share = _share_row(session, token)
        if share is None:
            raise ServiceError("not_found", NO_SUCH_LINK)
        versions = session.execute(select(PersonaVersion.number, PersonaVersion.status).where(
            PersonaVersion.persona_id == share.persona_id)).all()
        number = version_to_show([tuple(v) for v in versions], share.version)
        if number is None:
            raise ServiceError("not_found", "this persona has no agreed version to show yet",
                               reason="nothing_agreed")
        version = session.scalars(select(PersonaVersion).where(
            PersonaVersion.persona_id == share.persona_id,
            PersonaVersion.number == number)).one()
        workshop = session.get(Workshop, share.workshop_id)
        persona = session.get(Persona, share.persona_id)
        anonymous = workshop_settings.effective(workshop.settings)["anonymous"]
        shared = SharedPersona(
            public_document(version.document, anonymous),
            {"workshop_title": workshop.title, "persona_name": persona.name,
             "version": version.number, "status": version.status,
             "agreed_at": log.iso(version.agreed_at) if version.agreed_at else None,
             "exported_at": "", "teams": sorted((version.signoffs or {}).keys()),
             "robots": "noindex, nofollow",
             # "Review due" and stale evidence, as the persona page and the exports say it.
             "review": reviews.version_status(version, backend.review, reviews.today())})
        share_id, workshop_id = share.id, share.workshop_id
    if count_view:
        _count_view(backend, workshop_id, share_id)
    return shared


def _count_view(backend: Backend, workshop_id: str, share_id: str) -> None:
    """One more view today: an upsert of a counter, nothing about who looked."""
    values = {"share_id": share_id, "day": date.today().isoformat(), "count": 1}
    insert = sqlite_insert if backend.db.is_sqlite else pg_insert
    statement = insert(ShareView).values(**values).on_conflict_do_update(
        index_elements=["share_id", "day"], set_={"count": ShareView.count + 1})
    with backend.db.writing(workshop_id) as session:
        try:
            session.execute(statement)
            session.commit()
        except Exception:  # noqa: BLE001 - revoked in between (the row is gone): no count
            session.rollback()


def api_viewer(backend: Backend, workshop_id: str, token: str) -> dict | None:
    """The read-only viewer an API token stands for in its workshop, or None. Looked up in
    the database on every request: a revoked token is refused at once, on every worker."""
    parts = split_kind_token(API, token)
    if parts is None:
        return None
    with backend.db.reading() as session:
        row = session.get(ApiToken, parts[0])
        if row is None or row.workshop_id != workshop_id or \
                not secrets_match(hash_secret(parts[1]), row.secret_hash):
            return None
        # Sees what an observer sees: no private notes, no blind votes, no links.
        return {"id": f"api_{row.id}", "name": row.label, "team": "",
                "role": permissions.OBSERVER, "removed": False}


def overview(backend: Backend, workshop_id: str, viewer: dict, library_enabled: bool) -> dict:
    """Everything that reaches outside the workshop, for its facilitators: share links with
    their tokens and views, API tokens (labels only), the webhook and its deliveries."""
    if viewer["role"] != permissions.FACILITATOR:
        raise ServiceError("forbidden", "only the facilitator sees the sharing settings")
    since = (date.today() - timedelta(days=VIEW_DAYS - 1)).isoformat()
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        names = dict(session.execute(select(Persona.id, Persona.name).where(
            Persona.workshop_id == workshop_id)).all())
        shares = list(session.scalars(select(ShareLink).where(
            ShareLink.workshop_id == workshop_id).order_by(ShareLink.created_seq)))
        views: dict[str, dict[str, int]] = {}
        for share_id, day, count in session.execute(
                select(ShareView.share_id, ShareView.day, ShareView.count)
                .join(ShareLink, ShareLink.id == ShareView.share_id)
                .where(ShareLink.workshop_id == workshop_id)):
            views.setdefault(share_id, {})[day] = count
        tokens = session.scalars(select(ApiToken).where(
            ApiToken.workshop_id == workshop_id).order_by(ApiToken.created_seq))
        hook = session.get(Webhook, workshop_id)
        deliveries = session.scalars(select(WebhookDelivery).where(
            WebhookDelivery.workshop_id == workshop_id).order_by(
            desc(WebhookDelivery.id)).limit(DELIVERIES_SHOWN)) if hook else []
        return {
            "shares": [{
                "id": s.id, "persona_id": s.persona_id, "persona_name": names.get(s.persona_id),
                "version": s.version, "token": make_kind_token(SHARE, s.id, s.secret),
                "views": sum(views.get(s.id, {}).values()),
                "views_by_day": {d: c for d, c in sorted(views.get(s.id, {}).items())
                                 if d >= since},
                "created_at": log.iso(s.created_at)} for s in shares],
            "api_tokens": [{"id": t.id, "label": t.label, "created_at": log.iso(t.created_at)}
                           for t in tokens],
            "webhook": {"url": hook.url, "secret": hook.secret, "events": list(DELIVERED),
                        "deliveries": [delivery_view(d) for d in deliveries]}
            if hook else None,
            "library": {"enabled": library_enabled, "listed": workshop.library_listed},
        }


def delivery_view(delivery: WebhookDelivery) -> dict:
    """One delivery as the facilitator's history shows it."""
    return {"id": delivery.id, "event_type": delivery.event_type, "seq": delivery.seq,
            "status": delivery.status, "attempts": delivery.attempts,
            "response_status": delivery.response_status, "last_error": delivery.last_error,
            "next_attempt_at": log.iso(delivery.next_attempt_at)
            if delivery.status == "pending" else None,
            "created_at": log.iso(delivery.created_at),
            "finished_at": log.iso(delivery.finished_at) if delivery.finished_at else None}


def views_total(backend: Backend, share_id: str) -> int:
    """Every view a share link has had (tests and the CLI read it)."""
    with backend.db.reading() as session:
        return session.scalar(select(func.coalesce(func.sum(ShareView.count), 0)).where(
            ShareView.share_id == share_id)) or 0
