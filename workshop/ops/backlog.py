"""The validation backlog's research questions: one per important, untested trait.

The placement that says which traits those are is domain/backlog.py. A question closes
itself when evidence is linked to its trait (`close_answered`, called by `evidence.link`).
"""

from __future__ import annotations

from sqlalchemy import func, or_, select

from workshop.domain import backlog, merge
from workshop.domain.permissions import FACILITATOR, PARTICIPANT
from workshop.domain.tokens import new_id
from workshop.models import Assumption, EvidenceLink, ResearchQuestion
from workshop.ops.context import OpContext, Outcome, by_id, persona_in_workshop
from workshop.ops.documents import latest_version
from workshop.ops.registry import OpSet
from workshop.ops.usage import TraitId
from workshop.services.errors import ServiceError
from workshop.services.schemas import Id, IsoDate, Name, Payload, free_text
from workshop.services.shapes import question_view

AREA = OpSet()
op = AREA.op

MAX_QUESTIONS = 200
Question = free_text(1, 500)
Method = free_text(1, 200)


class QuestionAdd(Payload):
    """question.add: a research question for one trait, with its owner, method and due date."""

    persona_id: Id
    trait: TraitId
    question: Question
    owner: Name
    method: Method
    due: IsoDate


class QuestionEdit(Payload):
    """question.edit: the question as it should read (every field given again)."""

    id: Id
    question: Question
    owner: Name
    method: Method
    due: IsoDate


class QuestionRemove(Payload):
    """question.remove: a question nobody will pursue."""

    id: Id


def _members(ctx: OpContext, item_id: str) -> list[str]:
    kind, _, target = item_id.partition(":")
    if kind != "g":
        return []
    return list(ctx.session.scalars(select(Assumption.id).where(Assumption.group_id == target)))


def _tested(ctx: OpContext, item_id: str) -> bool:
    """Whether any evidence is linked to the trait today (its notes', for a group)."""
    targets = backlog.item_targets(item_id, _members(ctx, item_id))
    return ctx.session.scalar(select(func.count()).select_from(EvidenceLink).where(
        EvidenceLink.workshop_id == ctx.workshop_id,
        or_(*((EvidenceLink.target_type == kind) & (EvidenceLink.target_id == target)
              for kind, target in targets)))) > 0


def _question(ctx: OpContext, question_id: str) -> ResearchQuestion:
    question = by_id(ctx.session, ResearchQuestion, question_id)
    if question is None or question.workshop_id != ctx.workshop_id:
        raise ServiceError("not_found", "no such research question in this workshop")
    return question


@op("question.add", payload=QuestionAdd, roles={FACILITATOR, PARTICIPANT})
def question_add(ctx: OpContext, data: QuestionAdd) -> Outcome:
    """Turn an untested trait into a research question."""
    persona = persona_in_workshop(ctx, data.persona_id)
    version = latest_version(ctx.session, persona.id)
    if version is None or data.trait not in {i["id"] for i in merge.all_items(version.document)}:
        raise ServiceError("invalid", "trait: not a trait of this persona's document")
    if _tested(ctx, data.trait):
        raise ServiceError("conflict", "this trait already has evidence linked: it is tested",
                           reason="question_trait_tested")
    held = ctx.session.scalar(select(func.count()).select_from(ResearchQuestion)
                              .where(ResearchQuestion.workshop_id == ctx.workshop_id))
    if held >= MAX_QUESTIONS:
        raise ServiceError("limit", f"a workshop holds at most {MAX_QUESTIONS} questions")
    question = ResearchQuestion(id=new_id(), workshop_id=ctx.workshop_id, persona_id=persona.id,
                                trait=data.trait, question=data.question, owner=data.owner,
                                method=data.method, due=data.due, closed_by=None,
                                created_seq=ctx.seq, updated_seq=ctx.seq)
    ctx.session.add(question)
    return Outcome("question.added", {"question": question_view(question)})


@op("question.edit", payload=QuestionEdit, roles={FACILITATOR, PARTICIPANT})
def question_edit(ctx: OpContext, data: QuestionEdit) -> Outcome:
    """Change a question's wording, owner, method or due date."""
    question = _question(ctx, data.id)
    previous = question_view(question)
    question.question, question.owner, question.method, question.due = \
        data.question, data.owner, data.method, data.due
    question.updated_seq = ctx.seq
    return Outcome("question.edited", {"question": question_view(question),
                                       "previous": previous})


@op("question.remove", payload=QuestionRemove, roles={FACILITATOR})
def question_remove(ctx: OpContext, data: QuestionRemove) -> Outcome:
    """Drop a question (the facilitator)."""
    question = _question(ctx, data.id)
    outcome = Outcome("question.removed", {"id": question.id,
                                           "previous": question_view(question)})
    ctx.session.delete(question)
    return outcome


def close_answered(ctx: OpContext, target_type: str, target, link_id: str) -> list[str]:
    """Close the open questions whose trait a new evidence link tests; their ids, in order.

    A link on a note tests the note's trait and, when the note is in a group, the group's;
    a link on a group tests the group's.
    """
    traits = {f"g:{target.id}"} if target_type == "group" else \
        {f"a:{target.id}", *([f"g:{target.group_id}"] if target.group_id else [])}
    closed = []
    for question in ctx.session.scalars(select(ResearchQuestion).where(
            ResearchQuestion.workshop_id == ctx.workshop_id,
            ResearchQuestion.closed_by.is_(None), ResearchQuestion.trait.in_(traits))
            .order_by(ResearchQuestion.created_seq)):
        question.closed_by, question.updated_seq = link_id, ctx.seq
        closed.append(question.id)
    return closed
