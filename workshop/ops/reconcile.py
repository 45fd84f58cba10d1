"""Reconciliation ops: grouping duplicates, deciding, and discussing in threads."""

from __future__ import annotations

from typing import Literal

from sqlalchemy import select

from workshop.domain import permissions
from workshop.domain.grouping import default_group_title
from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.domain.tokens import new_id
from workshop.models import AssumptionGroup, Comment, utcnow
from workshop.ops import research
from workshop.ops.context import (
    HIDDEN,
    OpContext,
    Outcome,
    count,
    group_in_workshop,
    member_votes,
    members_of,
    visible_assumption,
)
from workshop.ops.registry import OpSet
from workshop.services import log, visibility
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, NoteText, Payload, Reason, Title, free_text

MAX_COMMENTS = 5000

AREA = OpSet()
op = AREA.op


# ---- payloads ------------------------------------------------------------------------------

Target = Literal["assumption", "group"]
CommentText = free_text(1, 1000)


class GroupAdd(Payload):
    """group.add: put one note onto another (or onto the other's group)."""

    assumption_id: Id
    onto_id: Id


class GroupRemove(Payload):
    """group.remove: take a note out of its group."""

    assumption_id: Id


class GroupMerge(Payload):
    """group.merge: every note of one group moves onto another group."""

    id: Id
    onto_id: Id


class GroupRename(Payload):
    """group.rename"""

    id: Id
    title: Title


class GroupDissolve(Payload):
    """group.dissolve: every note goes back to standing alone."""

    id: Id


class DecisionSet(Payload):
    """decision.set: accepted, rejected, parked or reworded (with the new text); null reopens."""

    target_type: Target
    target_id: Id
    decision: Literal["accepted", "rejected", "parked", "reworded"] | None
    reason: Reason = ""
    text: NoteText | None = None


class CommentAdd(Payload):
    """comment.add: a message in the thread of a note or a group."""

    target_type: Target
    target_id: Id
    text: CommentText


class CommentDelete(Payload):
    """comment.delete"""

    id: Id


# ---- grouping, deciding, discussing --------------------------------------------------------


def _group_patch(ctx: OpContext, touched: list[str], notes: dict[str, str | None]) -> dict:
    """The payload every grouping event carries: groups as they are now, and note moves.

    A group left with fewer than two notes is dissolved, together with its thread.
    """
    groups, removed, links = [], [], []
    for group_id in dict.fromkeys(touched):
        group = ctx.session.get(AssumptionGroup, group_id)
        remaining = members_of(ctx, group_id)
        if len(remaining) < 2:
            for note in remaining:
                note.group_id = None
                notes[note.id] = None
            for comment in ctx.session.scalars(select(Comment).where(
                    Comment.target_id == group_id)):
                ctx.session.delete(comment)
            links += research.drop_links(ctx, [group_id])  # evidence about it goes with it
            ctx.session.flush()
            ctx.session.delete(group)
            removed.append(group_id)
        else:
            groups.append(visibility.group_view(group, ctx.settings,
                                                member_votes(ctx, group_id)))
    ctx.session.flush()
    return {"groups": groups, "removed": removed, "notes": notes, "links": links}


@op("group.add", payload=GroupAdd, roles={FACILITATOR})
def group_add(ctx: OpContext, data: GroupAdd) -> Outcome:
    """Put a note onto another: they form a group, or the note joins the other's group."""
    note, onto = visible_assumption(ctx, data.assumption_id), visible_assumption(ctx, data.onto_id)
    if note.id == onto.id:
        raise ServiceError("invalid", "a note cannot be grouped with itself")
    if note.persona_id != onto.persona_id:
        raise ServiceError("invalid", "only notes of the same persona can be grouped")
    if note.hidden or onto.hidden:
        raise ServiceError("conflict", "reveal private notes before grouping them")
    if onto.group_id is None:
        group = AssumptionGroup(id=new_id(), workshop_id=ctx.workshop_id,
                                persona_id=onto.persona_id, category=onto.category,
                                title=default_group_title(onto.text), created_seq=ctx.seq)
        ctx.session.add(group)
        ctx.session.flush()
        onto.group_id = group.id
    left = note.group_id
    note.group_id = onto.group_id
    ctx.session.flush()
    touched = [onto.group_id] + ([left] if left and left != onto.group_id else [])
    return Outcome("assumptions.grouped", _group_patch(ctx, touched, {
        onto.id: onto.group_id, note.id: note.group_id}))


@op("group.remove", payload=GroupRemove, roles={FACILITATOR})
def group_remove(ctx: OpContext, data: GroupRemove) -> Outcome:
    """Take a note out of its group."""
    note = visible_assumption(ctx, data.assumption_id)
    if note.group_id is None:
        raise ServiceError("conflict", "this note is not in a group")
    group_id, note.group_id = note.group_id, None
    ctx.session.flush()
    return Outcome("assumptions.ungrouped", _group_patch(ctx, [group_id], {note.id: None}))


@op("group.dissolve", payload=GroupDissolve, roles={FACILITATOR})
def group_dissolve(ctx: OpContext, data: GroupDissolve) -> Outcome:
    """Undo a group: every note stands alone again."""
    group = group_in_workshop(ctx, data.id)
    notes = {}
    for note in members_of(ctx, group.id):
        note.group_id = None
        notes[note.id] = None
    ctx.session.flush()
    return Outcome("assumptions.ungrouped", _group_patch(ctx, [group.id], notes))


@op("group.merge", payload=GroupMerge, roles={FACILITATOR})
def group_merge(ctx: OpContext, data: GroupMerge) -> Outcome:
    """Merge a whole group onto another; the emptied group goes, as a dissolved one does."""
    group, onto = group_in_workshop(ctx, data.id), group_in_workshop(ctx, data.onto_id)
    if group.id == onto.id:
        raise ServiceError("invalid", "a group cannot be merged onto itself")
    if group.persona_id != onto.persona_id:
        raise ServiceError("invalid", "only groups of the same persona can be merged")
    notes = {}
    for note in members_of(ctx, group.id):
        note.group_id = onto.id
        notes[note.id] = onto.id
    ctx.session.flush()
    return Outcome("assumptions.grouped", _group_patch(ctx, [onto.id, group.id], notes))


@op("group.rename", payload=GroupRename, roles={FACILITATOR})
def group_rename(ctx: OpContext, data: GroupRename) -> Outcome:
    """Give a group a better title."""
    group = group_in_workshop(ctx, data.id)
    previous, group.title = group.title, data.title
    return Outcome("group.renamed", {"id": group.id, "title": group.title,
                                     "previous": previous})


def _target(ctx: OpContext, target_type: str, target_id: str):
    if target_type == "group":
        return group_in_workshop(ctx, target_id)
    return visible_assumption(ctx, target_id)


@op("decision.set", payload=DecisionSet, roles={FACILITATOR})
def decision_set(ctx: OpContext, data: DecisionSet) -> Outcome:
    """Accept, reject, park or reword a note or group, recording who, when and why."""
    target = _target(ctx, data.target_type, data.target_id)
    if data.target_type == "assumption" and target.group_id:
        raise ServiceError("conflict", "this note is in a group: decide on the group")
    if data.target_type == "assumption" and target.hidden:
        raise ServiceError("conflict", "reveal private notes before deciding on them")
    if data.decision == "reworded" and not data.text:
        raise ServiceError("invalid", "text: a rewording needs the new wording")
    if data.decision != "reworded" and data.text:
        raise ServiceError("invalid", "text: only a rewording has a new wording")
    if data.decision in ("accepted", "reworded"):
        research.require_support(ctx, target, data.target_type)
    decision = None if data.decision is None else {
        "decision": data.decision, "reason": data.reason, "text": data.text,
        "by": ctx.actor.id, "at": log.iso(utcnow()), "seq": ctx.seq}
    previous, target.decision = target.decision, decision
    return Outcome("decision.made", {"target_type": data.target_type,
                                     "target_id": target.id, "decision": decision,
                                     "previous": previous})


@op("comment.add", payload=CommentAdd, roles={FACILITATOR, PARTICIPANT})
def comment_add(ctx: OpContext, data: CommentAdd) -> Outcome:
    """Add a message to the thread of a note or group."""
    target = _target(ctx, data.target_type, data.target_id)
    if count(ctx, Comment) >= MAX_COMMENTS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_COMMENTS} comments")
    comment = Comment(id=new_id(), workshop_id=ctx.workshop_id, target_type=data.target_type,
                      target_id=target.id, author_id=ctx.actor.id, text=data.text,
                      created_seq=ctx.seq)
    ctx.session.add(comment)
    return _comment_outcome(ctx, comment, getattr(target, "hidden", False), "comment.added",
                            lambda viewer: {"comment": visibility.comment_view(
                                comment, ctx.settings, viewer)})


@op("comment.delete", payload=CommentDelete, roles={FACILITATOR, PARTICIPANT})
def comment_delete(ctx: OpContext, data: CommentDelete) -> Outcome:
    """Remove a message (its author or the facilitator)."""
    comment = ctx.session.get(Comment, data.id)
    if comment is None or comment.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such comment in this workshop")
    target = _target(ctx, comment.target_type, comment.target_id)
    if not permissions.may_change(ctx.actor.role, ctx.actor.id, comment.author_id):
        raise ServiceError("forbidden", "only its author or the facilitator may remove it",
                           reason="not_yours")
    ctx.session.delete(comment)
    return _comment_outcome(ctx, comment, getattr(target, "hidden", False), "comment.deleted",
                            lambda _viewer: {"id": comment.id, "text": comment.text})


def _comment_outcome(ctx: OpContext, comment: Comment, on_hidden_note: bool, type_: str,
                     build) -> Outcome:
    if on_hidden_note:
        return Outcome(type_, build(comment.author_id), audience=comment.author_id,
                       public=HIDDEN)
    if ctx.settings["anonymous"]:
        return Outcome(type_, build(comment.author_id), audience=comment.author_id,
                       public={"type": type_, "data": build(None), "actor": None})
    return Outcome(type_, build(None))
