"""The JSON of each row that every member sees alike: the same in snapshots and in events.

Both sides use these: an op puts the row in its event, the read side in the snapshot, so
replaying the events gives the snapshot (README.md, Architecture: "Reads are consistent
snapshots" and "One reducer, twice").
"""

from __future__ import annotations

from workshop.domain.settings import effective
from workshop.models import (
    Claim,
    Dataset,
    EvidenceLink,
    Participant,
    Persona,
    PersonaSegment,
    PersonaUsage,
    PersonaVersion,
    ResearchNote,
    ResearchQuestion,
    Segment,
    Workshop,
)
from workshop.services import log


def workshop_view(workshop: Workshop) -> dict:
    """What every member may know about a workshop (never its secrets)."""
    return {"id": workshop.id, "title": workshop.title, "context": workshop.context,
            "teams": list(workshop.teams), "phase": workshop.phase,
            "settings": effective(workshop.settings)}


def participant_view(participant: Participant) -> dict:
    """A participant as others see them."""
    return {"id": participant.id, "name": participant.name, "team": participant.team,
            "role": participant.role, "removed": participant.removed}


def persona_view(persona: Persona) -> dict:
    """A persona tab of the board."""
    return {"id": persona.id, "name": persona.name}


def version_view(version: PersonaVersion) -> dict:
    """A version of a persona document with its revisions and sign-offs."""
    return {"id": version.id, "persona_id": version.persona_id, "number": version.number,
            "status": version.status, "document": version.document,
            "revisions": version.revisions, "signoffs": version.signoffs,
            "seq": version.created_seq, "updated_seq": version.updated_seq,
            "agreed_by": version.agreed_by,
            "agreed_at": log.iso(version.agreed_at) if version.agreed_at else None}


def version_summary(version: PersonaVersion) -> dict:
    """A line of the version history."""
    return {"persona_id": version.persona_id, "number": version.number,
            "status": version.status, "seq": version.created_seq,
            "agreed_by": version.agreed_by,
            "agreed_at": log.iso(version.agreed_at) if version.agreed_at else None}


def research_note_view(note: ResearchNote) -> dict:
    """A research note as every member sees it: its Markdown and its sanitised HTML."""
    return {"id": note.id, "title": note.title, "source_type": note.source_type,
            "date": note.date, "respondents": note.respondents, "tags": list(note.tags),
            "body": note.body, "body_html": note.body_html, "author_id": note.author_id,
            "seq": note.created_seq, "updated_seq": note.updated_seq}


def link_view(link: EvidenceLink) -> dict:
    """An evidence link: which passage of which note says what about which item."""
    return {"id": link.id, "note_id": link.note_id, "target_type": link.target_type,
            "target_id": link.target_id, "relation": link.relation, "quote": link.quote,
            "author_id": link.author_id, "seq": link.created_seq}


def usage_view(usage: PersonaUsage) -> dict:
    """A decision that used a persona, and the traits it relied on."""
    return {"id": usage.id, "persona_id": usage.persona_id, "title": usage.title,
            "link": usage.link, "date": usage.date, "team": usage.team,
            "traits": list(usage.traits), "author_id": usage.author_id,
            "seq": usage.created_seq, "updated_seq": usage.updated_seq}


def question_view(question: ResearchQuestion) -> dict:
    """A research question of the validation backlog; `closed_by` is the evidence link that
    answered it (None while open)."""
    return {"id": question.id, "persona_id": question.persona_id, "trait": question.trait,
            "question": question.question, "owner": question.owner,
            "method": question.method, "due": question.due, "closed_by": question.closed_by,
            "seq": question.created_seq, "updated_seq": question.updated_seq}


# ---- profiles: aggregates only, never a row (docs/security.md, Profiles) -------------------

def dataset_view(dataset: Dataset) -> dict:
    """A dataset's metadata, mapping and population aggregates (never its bytes)."""
    return {"id": dataset.id, "name": dataset.name, "source": dataset.source,
            "as_of": dataset.as_of, "unit": dataset.unit, "row_count": dataset.row_count,
            "sha256": dataset.sha256, "header_fingerprint": dataset.header_fingerprint,
            "mapping": dataset.mapping,
            # The weight is a setting kept in the summary's JSON; clients read it here.
            "weight_column": (dataset.summary or {}).get("weight_column"),
            "summary": {key: value for key, value in (dataset.summary or {}).items()
                        if key != "weight_column"},
            "imported_by": dataset.imported_by, "imported_at": log.iso(dataset.imported_at),
            "replaces_id": dataset.replaces_id, "seq": dataset.created_seq,
            "deleted_seq": dataset.deleted_seq}


def segment_view(segment: Segment) -> dict:
    """A segment: its rule and its cached aggregates."""
    return {"id": segment.id, "dataset_id": segment.dataset_id, "name": segment.name,
            "rule": segment.rule, "aggregates": segment.aggregates, "seq": segment.created_seq,
            "updated_seq": segment.updated_seq}


def tie_view(tie: PersonaSegment) -> dict:
    """Which segment a persona stands for."""
    return {"persona_id": tie.persona_id, "segment_id": tie.segment_id, "seq": tie.seq}


def claim_view(claim: Claim) -> dict:
    """A trait's claim about a column and its last result."""
    return {"id": claim.id, "persona_id": claim.persona_id, "target_type": claim.target_type,
            "target_id": claim.target_id, "column": claim.column, "claim": claim.claim,
            "result": claim.result, "seq": claim.created_seq, "updated_seq": claim.updated_seq}
