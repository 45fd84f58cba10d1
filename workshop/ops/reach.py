"""Reach ops: share links, read-only API tokens, the webhook, and the library listing.

None of their events carries a secret: the facilitator reads share links, tokens' labels,
the webhook and its deliveries from GET /api/workshops/<id>/sharing. A new API token's
secret is in the ack of `api_token.create` only, once (docs/security.md).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import func, select

from workshop.domain.permissions import FACILITATOR
from workshop.domain.tokens import API, hash_secret, make_kind_token, new_id, new_secret
from workshop.domain.webhooks import DELIVERED, url_problem
from workshop.models import ApiToken, Event, PersonaVersion, ShareLink, Webhook, WebhookDelivery
from workshop.ops.context import OpContext, Outcome, by_id, persona_in_workshop
from workshop.ops.registry import OpSet
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, Payload, free_text

AREA = OpSet()
op = AREA.op

# Enough for every intranet page and tool a persona is used in; each is one row.
MAX_SHARE_LINKS = 50
MAX_API_TOKENS = 20

WebhookUrl = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class ShareCreate(Payload):
    """share.create: a read-only link to one persona (the latest agreed version, or `version`)."""

    persona_id: Id
    version: int | None = Field(default=None, ge=1)


class ShareChange(Payload):
    """share.rotate and share.revoke: one share link, by id."""

    id: Id


class ApiTokenCreate(Payload):
    """api_token.create: a read-only token for other tools, named so it can be told apart."""

    label: free_text(1, 80)


class ApiTokenRevoke(Payload):
    """api_token.revoke: the token stops working at once."""

    id: Id


class WebhookSet(Payload):
    """webhook.set: where the workshop's events go; `rotate_secret` gives it a new key."""

    url: WebhookUrl
    rotate_secret: bool = False


class WebhookRemove(Payload):
    """webhook.remove: no more deliveries (the history goes with it)."""


class LibraryList(Payload):
    """library.list: whether the workshop's agreed personas appear in the library."""

    listed: bool


def _share(ctx: OpContext, share_id: str) -> ShareLink:
    share = by_id(ctx.session, ShareLink, share_id)
    if share is None or share.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such share link in this workshop")
    return share


def _count(ctx: OpContext, model) -> int:
    return ctx.session.scalar(select(func.count()).select_from(model).where(
        model.workshop_id == ctx.workshop_id))


@op("share.create", payload=ShareCreate, roles={FACILITATOR})
def share_create(ctx: OpContext, data: ShareCreate) -> Outcome:
    """A new share link for one persona; a pinned version must exist (agreed or not yet)."""
    persona_in_workshop(ctx, data.persona_id)
    if data.version is not None and ctx.session.scalar(select(PersonaVersion.id).where(
            PersonaVersion.persona_id == data.persona_id,
            PersonaVersion.number == data.version)) is None:
        raise ServiceError("not_found", f"this persona has no version {data.version}")
    if _count(ctx, ShareLink) >= MAX_SHARE_LINKS:
        raise ServiceError("conflict", f"a workshop has at most {MAX_SHARE_LINKS} share links",
                           reason="too_many_shares")
    share = ShareLink(id=new_id(), workshop_id=ctx.workshop_id, persona_id=data.persona_id,
                      version=data.version, secret=new_secret(), created_seq=ctx.seq)
    ctx.session.add(share)
    return Outcome("share.created", {"id": share.id, "persona_id": share.persona_id,
                                     "version": share.version})


@op("share.rotate", payload=ShareChange, roles={FACILITATOR})
def share_rotate(ctx: OpContext, data: ShareChange) -> Outcome:
    """A new secret for a share link: the old link answers 404 from the commit on."""
    share = _share(ctx, data.id)
    share.secret = new_secret()
    return Outcome("share.rotated", {"id": share.id, "persona_id": share.persona_id})


@op("share.revoke", payload=ShareChange, roles={FACILITATOR})
def share_revoke(ctx: OpContext, data: ShareChange) -> Outcome:
    """Delete a share link (and its view counts): it answers 404 from the commit on."""
    share = _share(ctx, data.id)
    ctx.session.delete(share)
    return Outcome("share.revoked", {"id": share.id, "persona_id": share.persona_id})


@op("api_token.create", payload=ApiTokenCreate, roles={FACILITATOR})
def api_token_create(ctx: OpContext, data: ApiTokenCreate) -> Outcome:
    """A read-only API token; only its hash is stored, the token is in this ack alone."""
    if _count(ctx, ApiToken) >= MAX_API_TOKENS:
        raise ServiceError("conflict", f"a workshop has at most {MAX_API_TOKENS} API tokens",
                           reason="too_many_tokens")
    token_id, secret = new_id(), new_secret()
    ctx.session.add(ApiToken(id=token_id, workshop_id=ctx.workshop_id, label=data.label,
                             secret_hash=hash_secret(secret), created_by=ctx.actor.id,
                             created_seq=ctx.seq))
    return Outcome("api_token.created", {"id": token_id, "label": data.label},
                   reply={"token": make_kind_token(API, token_id, secret)})


@op("api_token.revoke", payload=ApiTokenRevoke, roles={FACILITATOR})
def api_token_revoke(ctx: OpContext, data: ApiTokenRevoke) -> Outcome:
    """Delete an API token: every request with it is refused from the commit on."""
    token = by_id(ctx.session, ApiToken, data.id)
    if token is None or token.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such API token in this workshop")
    ctx.session.delete(token)
    return Outcome("api_token.revoked", {"id": token.id, "label": token.label})


@op("webhook.set", payload=WebhookSet, roles={FACILITATOR})
def webhook_set(ctx: OpContext, data: WebhookSet) -> Outcome:
    """Turn the webhook on or change its URL. It receives the events logged from now on."""
    problem = url_problem(data.url)
    if problem:
        raise ServiceError("invalid", problem)
    hook = ctx.session.get(Webhook, ctx.workshop_id)
    if hook is None:
        # Deliveries start after this op's own entry: nothing from before is sent.
        ctx.session.add(Webhook(workshop_id=ctx.workshop_id, url=data.url, secret=new_secret(),
                                cursor=_last_event_id(ctx)))
    else:
        hook.url = data.url
        if data.rotate_secret:
            hook.secret = new_secret()
    return Outcome("webhook.set", {"events": list(DELIVERED),
                                   "rotated": hook is not None and data.rotate_secret})


def _last_event_id(ctx: OpContext) -> int:
    return ctx.session.scalar(select(func.coalesce(func.max(Event.id), 0))) or 0


@op("webhook.remove", payload=WebhookRemove, roles={FACILITATOR})
def webhook_remove(ctx: OpContext, data: WebhookRemove) -> Outcome:
    """Turn the webhook off; deliveries under way are dropped with their history."""
    hook = ctx.session.get(Webhook, ctx.workshop_id)
    if hook is None:
        raise ServiceError("not_found", "this workshop has no webhook")
    ctx.session.delete(hook)
    ctx.session.execute(WebhookDelivery.__table__.delete().where(
        WebhookDelivery.workshop_id == ctx.workshop_id))
    return Outcome("webhook.removed", {})


@op("library.list", payload=LibraryList, roles={FACILITATOR})
def library_list(ctx: OpContext, data: LibraryList) -> Outcome:
    """List the workshop's agreed personas in the instance's library, or stop listing them."""
    ctx.workshop.library_listed = data.listed
    return Outcome("library.listed", {"listed": data.listed})
