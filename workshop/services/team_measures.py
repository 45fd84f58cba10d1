"""An item's agreement measures over the teams that vote: for op events and the divergence view."""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from workshop.domain import agreement
from workshop.models import Participant
from workshop.prepared import Prepared

_PARTICIPANTS = Participant.__table__
_MEMBER_TEAMS = Prepared(select(_PARTICIPANTS.c.team).distinct().where(
    _PARTICIPANTS.c.workshop_id == bindparam("workshop_id"), _PARTICIPANTS.c.team != "",
    _PARTICIPANTS.c.removed.is_(False)))


def voting_teams(connection: Connection, workshop_id: str, workshop_teams: list[str]) -> list[str]:
    """The teams that have a voting member, in the workshop's order: GAC runs over these."""
    member_teams = {row.team for row in _MEMBER_TEAMS.all(connection, workshop_id=workshop_id)}
    return [team for team in workshop_teams if team in member_teams]


def stance_measures(votes, teams: list[str]) -> dict:
    """An item's agreement measures over the stances among its votes (or ballots)."""
    return agreement.measures([(v.team, v.stance) for v in votes if v.stance], teams)
