"""The decision register: where a persona was used ("used in"), and the traits relied on.

A usage names traits by their document item id (`a:<id>`, `g:<id>`), which stay the same
from version to version, so a later version's diff can say which decisions it affects
(domain/diff.affected_usages).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints
from sqlalchemy import func, select

from workshop.domain import merge
from workshop.domain.permissions import FACILITATOR, PARTICIPANT, may_change
from workshop.domain.tokens import new_id
from workshop.models import PersonaUsage
from workshop.ops.context import OpContext, Outcome, by_id, persona_in_workshop
from workshop.ops.documents import latest_version
from workshop.ops.registry import OpSet
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, IsoDate, Payload, TeamName, Title
from workshop.services.shapes import usage_view

AREA = OpSet()
op = AREA.op

# Usages one persona holds; a register, not a log of every meeting.
MAX_USAGES = 500
# A document item id: `a:<note id>` or `g:<group id>`.
TraitId = Annotated[str, StringConstraints(pattern=r"^[ag]:[A-Za-z0-9_-]{1,64}$")]
# Shown as a link, so only http(s) and no white space: a `javascript:` address never reaches
# a page, and an address cannot break out of Markdown's <…>.
# (The length is in the pattern: 2000 characters at most.)
Link = Annotated[str, StringConstraints(pattern=r"^$|^[Hh][Tt][Tt][Pp][Ss]?://\S{1,1990}$")]


class UsageAdd(Payload):
    """usage.add: a decision that used the persona."""

    persona_id: Id
    title: Title
    link: Link = ""
    date: IsoDate
    team: TeamName = ""
    traits: list[TraitId] = Field(default_factory=list, max_length=100)


class UsageEdit(Payload):
    """usage.edit: the same fields, all given again (the entry as it should read)."""

    id: Id
    title: Title
    link: Link = ""
    date: IsoDate
    team: TeamName = ""
    traits: list[TraitId] = Field(default_factory=list, max_length=100)


class UsageRemove(Payload):
    """usage.remove: an entry made by mistake."""

    id: Id


def check_traits(ctx: OpContext, persona_id: str, traits: list[str]) -> list[str]:
    """The traits, each once, each a trait of the persona's current document."""
    version = latest_version(ctx.session, persona_id)
    known = {item["id"] for item in merge.all_items(version.document)} if version else set()
    unknown = [trait for trait in traits if trait not in known]
    if unknown:
        raise ServiceError("invalid", f"traits: not traits of this persona: {unknown[0]}",
                           reason="usage_unknown_trait")
    return list(dict.fromkeys(traits))


def _usage(ctx: OpContext, usage_id: str) -> PersonaUsage:
    usage = by_id(ctx.session, PersonaUsage, usage_id)
    if usage is None or usage.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such usage in this workshop")
    if not may_change(ctx.actor.role, ctx.actor.id, usage.author_id):
        raise ServiceError("forbidden", "only whoever recorded it or the facilitator may "
                                        "change it")
    return usage


@op("usage.add", payload=UsageAdd, roles={FACILITATOR, PARTICIPANT})
def usage_add(ctx: OpContext, data: UsageAdd) -> Outcome:
    """Record a decision that used the persona."""
    persona = persona_in_workshop(ctx, data.persona_id)
    traits = check_traits(ctx, persona.id, data.traits)
    held = ctx.session.scalar(select(func.count()).select_from(PersonaUsage)
                              .where(PersonaUsage.persona_id == persona.id))
    if held >= MAX_USAGES:
        raise ServiceError("limit", f"a persona holds at most {MAX_USAGES} usages")
    usage = PersonaUsage(id=new_id(), workshop_id=ctx.workshop_id, persona_id=persona.id,
                         title=data.title, link=data.link, date=data.date, team=data.team,
                         traits=traits, author_id=ctx.actor.id, created_seq=ctx.seq,
                         updated_seq=ctx.seq)
    ctx.session.add(usage)
    return Outcome("usage.added", {"usage": usage_view(usage)})


@op("usage.edit", payload=UsageEdit, roles={FACILITATOR, PARTICIPANT})
def usage_edit(ctx: OpContext, data: UsageEdit) -> Outcome:
    """Correct a usage (whoever recorded it, or the facilitator)."""
    usage = _usage(ctx, data.id)
    traits = check_traits(ctx, usage.persona_id, data.traits)
    previous = usage_view(usage)
    usage.title, usage.link, usage.date, usage.team = data.title, data.link, data.date, \
        data.team
    usage.traits, usage.updated_seq = traits, ctx.seq
    return Outcome("usage.edited", {"usage": usage_view(usage), "previous": previous})


@op("usage.remove", payload=UsageRemove, roles={FACILITATOR, PARTICIPANT})
def usage_remove(ctx: OpContext, data: UsageRemove) -> Outcome:
    """Remove a usage (whoever recorded it, or the facilitator)."""
    usage = _usage(ctx, data.id)
    outcome = Outcome("usage.removed", {"id": usage.id, "previous": usage_view(usage)})
    ctx.session.delete(usage)
    return outcome
