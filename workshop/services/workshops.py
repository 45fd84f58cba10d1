"""Creating and joining workshops, and reading what a member may see."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select

from workshop.domain import permissions
from workshop.domain.categories import categories_for
from workshop.domain.settings import effective
from workshop.domain.teams import DEFAULT_TEAMS, MAX_TEAMS, canonical_team, normalise_teams
from workshop.domain.tokens import (
    is_safe_id,
    make_token,
    new_id,
    new_secret,
    new_workshop_id,
    secrets_match,
    split_token,
)
from workshop.models import (
    Assumption,
    Comment,
    EvidenceLink,
    NoteGroup,
    Participant,
    Persona,
    PersonaVersion,
    ResearchNote,
    Vote,
    Workshop,
    utcnow,
)
from workshop.ops import research
from workshop.services import log, visibility
from workshop.services.backend import Backend
from workshop.services.errors import ServiceError
from workshop.services.schemas import CreateWorkshop, JoinWorkshop, parse
from workshop.services.views import (
    participant_view,
    persona_view,
    version_summary,
    version_view,
    workshop_view,
)

# A sync further behind than this gets a fresh snapshot instead of the events.
SYNC_EVENT_LIMIT = 1000


@dataclass(frozen=True)
class CreatedWorkshop:
    """A new workshop and the tokens of its three links."""

    id: str
    title: str
    facilitator_token: str
    invite_token: str
    observer_token: str


def create_workshop(backend: Backend, raw: dict,
                    persona_name: str = "Primary customer") -> CreatedWorkshop:
    """Create a workshop with one persona named `persona_name` (the creator's language);
    its log starts with workshop.created."""
    body = parse(CreateWorkshop, raw)
    teams = normalise_teams(body.teams) or list(DEFAULT_TEAMS)
    workshop = Workshop(id=new_workshop_id(), title=body.title, context=body.context,
                        teams=teams, phase="collect", settings={}, seq=0,
                        facilitator_secret=new_secret(), invite_secret=new_secret(),
                        observer_secret=new_secret())
    with backend.db.writing(workshop.id) as session:
        session.add(workshop)
        session.flush()
        created = log.append(session, workshop.id, log.next_seq(session, workshop.id),
                             "workshop.created", {"workshop": workshop_view(workshop)})
        persona = Persona(id=new_id(), workshop_id=workshop.id, name=persona_name,
                          created_seq=log.next_seq(session, workshop.id))
        session.add(persona)
        added = log.append(session, workshop.id, persona.created_seq, "persona.added",
                           {"persona": persona_view(persona)})
        session.commit()
        for event in (created, added):
            visibility.publish(backend, event)
    return CreatedWorkshop(
        id=workshop.id, title=workshop.title,
        facilitator_token=make_token(workshop.id, workshop.facilitator_secret),
        invite_token=make_token(workshop.id, workshop.invite_secret),
        observer_token=make_token(workshop.id, workshop.observer_secret),
    )


def role_for_token(workshop: Workshop, secret: str) -> str | None:
    """Which role a link secret grants in this workshop, compared in constant time."""
    role = None
    for candidate, expected in ((permissions.FACILITATOR, workshop.facilitator_secret),
                                (permissions.PARTICIPANT, workshop.invite_secret),
                                (permissions.OBSERVER, workshop.observer_secret)):
        if secrets_match(secret, expected):  # every secret is compared, match or not
            role = role or candidate
    return role


@dataclass(frozen=True)
class LinkTarget:
    """Where a link token leads: a workshop, and the role it grants there."""

    workshop_id: str
    title: str
    role: str
    teams: list[str]


def resolve_token(backend: Backend, token: str) -> LinkTarget:
    """The workshop and role behind a link token, or ServiceError('not_found')."""
    parts = split_token(token or "")
    if parts is not None:
        with backend.db.reading() as session:
            workshop = session.get(Workshop, parts[0])
            role = role_for_token(workshop, parts[1]) if workshop else None
            if role:
                return LinkTarget(workshop.id, workshop.title, role, list(workshop.teams))
    raise ServiceError("not_found", "This link is not valid (any more). Ask the facilitator "
                                    "for a new one.")


def join_workshop(backend: Backend, raw: dict) -> dict:
    """Add a participant in the role the token grants; returns the participant."""
    body = parse(JoinWorkshop, raw)
    target = resolve_token(backend, body.token)
    team = canonical_team(body.team, target.teams)
    if target.role == permissions.PARTICIPANT and not team:
        raise ServiceError("invalid", "team: choose the team you are part of")
    if target.role == permissions.OBSERVER:
        team = ""  # observers look on; they do not count for any team
    with backend.db.writing(target.workshop_id) as session:
        backend.join_limits.check_size(session.scalar(
            select(func.count()).select_from(Participant).where(
                Participant.workshop_id == target.workshop_id, Participant.removed.is_(False))))
        seq = log.next_seq(session, target.workshop_id)
        participant = Participant(id=new_id(), workshop_id=target.workshop_id,
                                  name=" ".join(body.name.split()) or body.name, team=team,
                                  role=target.role, joined_seq=seq)
        session.add(participant)
        workshop = session.get(Workshop, target.workshop_id)
        if team and team not in workshop.teams:
            if len(workshop.teams) >= MAX_TEAMS:  # as many as a workshop may be created with
                raise ServiceError("limit", f"this workshop already has {MAX_TEAMS} teams: "
                                            f"choose one of them", {"max": MAX_TEAMS},
                                   reason="teams_full")
            workshop.teams = [*workshop.teams, team]
        event = log.append(session, target.workshop_id, seq, "participant.joined",
                           {"participant": participant_view(participant)},
                           actor_id=participant.id)
        session.commit()
        visibility.publish(backend, event)
    return {"workshop_id": target.workshop_id, **participant_view(participant)}


def join_or_rejoin(backend: Backend, raw: dict, member_of: Callable[[str], str | None],
                   address: str | None = None) -> tuple[dict, bool]:
    """Join through a link; a browser already in with that role gets its participant back.

    `member_of(workshop_id)` is the participant id this browser holds there, if any; a new
    participant counts against the join rate limits of `address` (the client's) and of the
    workshop. Returns the participant and whether they were created now.
    """
    body = parse(JoinWorkshop, raw)
    target = resolve_token(backend, body.token)
    existing = find_member(backend, target.workshop_id, member_of(target.workshop_id))
    if existing and existing["role"] == target.role:
        return {"workshop_id": target.workshop_id, **existing}, False
    backend.join_limits.admit(address, target.workshop_id)
    return join_workshop(backend, raw), True


def find_member(backend: Backend, workshop_id: str, participant_id: str | None) -> dict | None:
    """The participant, if they belong to this workshop and were not removed."""
    if not is_safe_id(participant_id) or not is_safe_id(workshop_id):
        return None
    with backend.db.reading() as session:
        member = session.get(Participant, participant_id)
        if member is None or member.workshop_id != workshop_id or member.removed:
            return None
        return participant_view(member)


def was_removed(backend: Backend, workshop_id: str, participant_id: str | None) -> bool:
    """Whether this participant of this workshop was removed by the facilitator."""
    if not is_safe_id(participant_id) or not is_safe_id(workshop_id):
        return False
    with backend.db.reading() as session:
        member = session.get(Participant, participant_id)
        return bool(member and member.workshop_id == workshop_id and member.removed)


def snapshot(backend: Backend, workshop_id: str, viewer: dict) -> dict:
    """Everything the viewer may see of the workshop, consistent with its seq."""
    with backend.db.reading() as session:
        return read_snapshot(session, workshop_id, viewer)


def read_snapshot(session, workshop_id: str, viewer: dict) -> dict:
    """The snapshot, read in the caller's session (one consistent read)."""
    workshop = session.get(Workshop, workshop_id)
    if workshop is None:
        raise ServiceError("not_found", "no such workshop")
    personas = session.scalars(select(Persona).where(Persona.workshop_id == workshop_id)
                               .order_by(Persona.created_seq))
    participants = session.scalars(select(Participant)
                                   .where(Participant.workshop_id == workshop_id)
                                   .order_by(Participant.joined_seq))
    assumptions = session.scalars(select(Assumption)
                                  .where(Assumption.workshop_id == workshop_id)
                                  .order_by(Assumption.created_seq))
    votes_by_note: dict[str, list[Vote]] = {}
    for vote in session.scalars(select(Vote).where(Vote.workshop_id == workshop_id)):
        votes_by_note.setdefault(vote.assumption_id, []).append(vote)
    settings = effective(workshop.settings)
    notes = [a for a in assumptions if visibility.can_see_note(a, viewer["id"])]
    visible_ids = {a.id for a in notes}
    groups = list(session.scalars(select(NoteGroup).where(NoteGroup.workshop_id == workshop_id)
                                  .order_by(NoteGroup.created_seq)))
    members: dict[str, list[Vote]] = {g.id: [] for g in groups}
    for note in notes:
        if note.group_id:
            members[note.group_id].extend(votes_by_note.get(note.id, []))
    visible_ids.update(members)
    comments = session.scalars(select(Comment).where(Comment.workshop_id == workshop_id)
                               .order_by(Comment.created_seq))
    return {
        "workshop": workshop_view(workshop),
        "seq": workshop.seq,
        "server_time": log.iso(utcnow()),  # lets clients count timers from the server's clock
        "me": viewer,
        "categories": categories_for(workshop.settings),
        "personas": [persona_view(p) for p in personas],
        "participants": [participant_view(p) for p in participants],
        "assumptions": [visibility.note_view(a, settings, votes_by_note.get(a.id, []),
                                             viewer["id"]) for a in notes],
        "groups": [visibility.group_view(g, settings, members[g.id]) for g in groups],
        "comments": [visibility.comment_view(c, settings, viewer["id"]) for c in comments
                     if c.target_id in visible_ids],
        "notes": [research.note_view(n) for n in session.scalars(
            select(ResearchNote).where(ResearchNote.workshop_id == workshop_id)
            .order_by(ResearchNote.created_seq))],
        "evidence": [research.link_view(link) for link in session.scalars(
            select(EvidenceLink).where(EvidenceLink.workshop_id == workshop_id)
            .order_by(EvidenceLink.created_seq)) if link.target_id in visible_ids],
        **_documents(session, workshop_id),
    }


def _documents(session, workshop_id: str) -> dict:
    """Each persona's current document version, and the history of every version."""
    versions = list(session.scalars(select(PersonaVersion)
                                    .where(PersonaVersion.workshop_id == workshop_id)
                                    .order_by(PersonaVersion.created_seq,
                                              PersonaVersion.number)))
    current: dict[str, PersonaVersion] = {}
    for version in versions:
        current[version.persona_id] = version  # the later number wins
    return {"documents": [version_view(v) for v in current.values()],
            "versions": [version_summary(v) for v in versions]}


def sync(backend: Backend, workshop_id: str, viewer: dict, since: int) -> dict:
    """The events after `since`, or a fresh snapshot when that is the better answer."""
    with backend.db.reading() as session:
        workshop = session.get(Workshop, workshop_id)
        if workshop is None:
            raise ServiceError("not_found", "no such workshop")
        behind = workshop.seq - since
        if 0 <= behind <= SYNC_EVENT_LIMIT:
            events = log.events_after(session, workshop_id, since, SYNC_EVENT_LIMIT)
            return {"ok": True, "seq": workshop.seq,
                    "events": [visibility.wire(e, viewer["id"]) for e in events]}
        # Too far behind, or ahead of the server (a restored database): start afresh.
        state = read_snapshot(session, workshop_id, viewer)
        return {"ok": True, "seq": state["seq"], "snapshot": state}
