"""Database tables (SQLAlchemy 2.0 typed declarative); no behaviour, no Flask."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from workshop.domain.phases import FIRST


def utcnow() -> datetime:
    """The current time in UTC, the only zone the database stores."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base of every table."""


class Workshop(Base):
    """A session: its settings, its secrets, and the last seq of its event log."""

    __tablename__ = "workshops"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(Text, default="")
    teams: Mapped[list] = mapped_column(JSON, default=list)
    phase: Mapped[str] = mapped_column(String(16), default=FIRST)
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    facilitator_secret: Mapped[str] = mapped_column(String(64))
    invite_secret: Mapped[str] = mapped_column(String(64))
    observer_secret: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Its agreed personas appear in the instance's library (/library); the facilitator's choice.
    library_listed: Mapped[bool] = mapped_column(default=False, server_default=false())


class Participant(Base):
    """Someone who joined a workshop through one of its links."""

    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    team: Mapped[str] = mapped_column(String(60), default="")
    role: Mapped[str] = mapped_column(String(16))
    joined_seq: Mapped[int] = mapped_column(Integer)
    removed: Mapped[bool] = mapped_column(default=False)
    # Said "I'm done" in the current phase; any op that moves the phase clears it.
    done: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_participants_workshop", "workshop_id"),)


class Persona(Base):
    """A reference person for one target group; a workshop may hold several."""

    __tablename__ = "personas"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    created_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_personas_workshop", "workshop_id"),)


class Assumption(Base):
    """A sticky note: one belief about the customer, in one category of one persona."""

    __tablename__ = "assumptions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    created_seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)
    # Written during private collect: only its author sees it until the facilitator reveals.
    hidden: Mapped[bool] = mapped_column(default=False, server_default=false())
    group_id: Mapped[str | None] = mapped_column(ForeignKey("note_groups.id"), nullable=True)
    # The current decision {decision, reason, text, by, at, seq}; its history is the log.
    decision: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (Index("ix_assumptions_workshop", "workshop_id", "created_seq"),)


class AssumptionGroup(Base):
    """Duplicate notes put together under one title; decided and voted on as one."""

    __tablename__ = "note_groups"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    created_seq: Mapped[int] = mapped_column(Integer)
    decision: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (Index("ix_note_groups_workshop", "workshop_id"),)


class Comment(Base):
    """One message in the discussion thread of a note or a group."""

    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[str] = mapped_column(String(32))
    author_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    text: Mapped[str] = mapped_column(Text)
    created_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_comments_target", "workshop_id", "target_id"),)


class Vote(Base):
    """One participant's stance on one note, and the priority dots they put on it."""

    __tablename__ = "votes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    assumption_id: Mapped[str] = mapped_column(ForeignKey("assumptions.id", ondelete="CASCADE"))
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    team: Mapped[str] = mapped_column(String(60))
    stance: Mapped[str | None] = mapped_column(String(10), nullable=True)
    dots: Mapped[int] = mapped_column(Integer, default=0)
    updated_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("assumption_id", "participant_id", name="uq_votes_voter"),
        Index("ix_votes_workshop_voter", "workshop_id", "participant_id"),
    )


class Event(Base):
    """One entry of a workshop's event log, the record of what happened."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    op_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    actor_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    type: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict] = mapped_column(JSON)
    # Set when the entry is not for everyone's eyes: `data` goes to `audience` only, and
    # everyone else gets `public` ({"type", "data"}) instead (see services/visibility.py).
    audience: Mapped[str | None] = mapped_column(String(32), nullable=True)
    public: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        UniqueConstraint("workshop_id", "seq", name="uq_events_workshop_seq"),
        # A retried op carries the same op id; this makes "applied once" a database fact.
        UniqueConstraint("workshop_id", "actor_id", "op_id", name="uq_events_op"),
    )


class ResearchNote(Base):
    """A research note of the workshop's library: raw Markdown plus its sanitised rendering."""

    __tablename__ = "research_notes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    source_type: Mapped[str] = mapped_column(String(20))
    date: Mapped[str | None] = mapped_column(String(10), nullable=True)  # ISO YYYY-MM-DD
    respondents: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tags: Mapped[list] = mapped_column(JSON, default=list)
    # Tags as one space-separated string, so both full-text indexes can see them.
    tags_text: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)
    # workshop.rendering.render_markdown(body), stored so snapshots never re-render.
    body_html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    created_seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_research_notes_workshop", "workshop_id", "created_seq"),)


class EvidenceLink(Base):
    """A passage of a research note that supports or contradicts a note or a group."""

    __tablename__ = "evidence_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    note_id: Mapped[str] = mapped_column(ForeignKey("research_notes.id", ondelete="CASCADE"))
    target_type: Mapped[str] = mapped_column(String(12))  # assumption | group
    target_id: Mapped[str] = mapped_column(String(32))
    relation: Mapped[str] = mapped_column(String(12))  # supports | contradicts
    quote: Mapped[str] = mapped_column(Text)
    author_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    created_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_evidence_links_target", "workshop_id", "target_id"),)


class PersonaVersion(Base):
    """One version of a persona's agreed document: a draft being edited, or agreed and frozen."""

    __tablename__ = "persona_versions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(8))  # draft | agreed
    # The document (workshop/domain/merge.py), an uploaded picture included (small: the
    # upload is re-encoded to at most 512 px, see services/pictures.py).
    document: Mapped[dict] = mapped_column(JSON)
    # Per editable field: {"rev": n, "by": participant id, "seq": n}; a save names the rev
    # it started from, and a stale one is refused (workshop/ops/documents.py).
    revisions: Mapped[dict] = mapped_column(JSON, default=dict)
    # Team sign-offs: {team: {"by": participant id, "name": str, "at": time}}.
    signoffs: Mapped[dict] = mapped_column(JSON, default=dict)
    created_seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)
    agreed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    agreed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("persona_id", "number", name="uq_persona_versions_number"),
        Index("ix_persona_versions_workshop", "workshop_id"),
    )



class ShareLink(Base):
    """A read-only link to one persona's agreed one-pager (`/p/<token>`); revoking deletes it."""

    __tablename__ = "share_links"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    # A pinned version number; None shows the latest agreed version.
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Kept in the clear like the invite secrets: the facilitator copies the link again later.
    secret: Mapped[str] = mapped_column(String(64))
    created_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_share_links_workshop", "workshop_id"),)


class ShareView(Base):
    """How often a share link was opened on one day (UTC): a counter, nothing about who."""

    __tablename__ = "share_views"

    share_id: Mapped[str] = mapped_column(ForeignKey("share_links.id", ondelete="CASCADE"),
                                          primary_key=True)
    day: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO YYYY-MM-DD
    count: Mapped[int] = mapped_column(Integer, default=0)


class ApiToken(Base):
    """A read-only API token of one workshop; only the hash of its secret is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(80))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(32))
    created_seq: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_api_tokens_workshop", "workshop_id"),)


class Webhook(Base):
    """A workshop's webhook: where its events go, the key that signs them, and how far the
    event log has been looked through for them (`cursor`, an events.id)."""

    __tablename__ = "webhooks"

    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"),
                                             primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(64))
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WebhookDelivery(Base):
    """One event on its way to a workshop's webhook: its attempts and how they went."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(300), nullable=True)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        UniqueConstraint("workshop_id", "event_id", name="uq_webhook_deliveries_event"),
        Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
    )


class PersonaUsage(Base):
    """A decision that used a persona ("used in"): the decision register of issue 28."""

    __tablename__ = "persona_usages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    link: Mapped[str] = mapped_column(String(2000), default="")
    date: Mapped[str] = mapped_column(String(10))  # ISO YYYY-MM-DD
    team: Mapped[str] = mapped_column(String(60), default="")
    # Document item ids (`a:<id>`, `g:<id>`) of the traits the decision relied on.
    traits: Mapped[list] = mapped_column(JSON, default=list)
    author_id: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    created_seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_persona_usages_persona", "workshop_id", "persona_id"),)


class ResearchQuestion(Base):
    """A research question of the validation backlog: one untested, important trait."""

    __tablename__ = "research_questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    trait: Mapped[str] = mapped_column(String(40))  # a document item id
    question: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(80))
    method: Mapped[str] = mapped_column(String(200))
    due: Mapped[str] = mapped_column(String(10))  # ISO YYYY-MM-DD
    # Closed by the evidence link that tested the trait (its id), or None while open.
    closed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_research_questions_persona", "workshop_id", "persona_id"),)


class Dataset(Base):
    """An imported customer data export: its metadata, its mapping and (until deleted) the
    kept columns, compressed; never a row in any event (docs/security.md, Profiles)."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(200), default="")
    as_of: Mapped[str] = mapped_column(String(10))  # ISO YYYY-MM-DD
    unit: Mapped[str] = mapped_column(String(20))
    row_count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # Of the header row: a newer export of the same source has the same one (refresh).
    header_fingerprint: Mapped[str] = mapped_column(String(64))
    # Per column: {"name", "type", "role"}: the roles the facilitator gave (docs/profiles.md).
    mapping: Mapped[list] = mapped_column(JSON, default=list)
    # The population's aggregates (k-suppressed), what the page shows without the bytes.
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    imported_by: Mapped[str] = mapped_column(ForeignKey("participants.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The kept columns, compressed, so segments and claims can be re-checked; NULL once the
    # data was deleted (the metadata and the figures already shown stay).
    content: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The dataset this one refreshed (a newer export of the same source).
    replaces_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_seq: Mapped[int] = mapped_column(Integer)
    deleted_seq: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (Index("ix_datasets_workshop", "workshop_id", "created_seq"),)


class Segment(Base):
    """A named part of a dataset's rows (a rule), with its cached aggregates."""

    __tablename__ = "segments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))
    rule: Mapped[dict] = mapped_column(JSON)
    # Size, share, weighted share, overlaps and the profile card: aggregates only.
    aggregates: Mapped[dict] = mapped_column(JSON, default=dict)
    created_seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_segments_workshop", "workshop_id", "created_seq"),)


class PersonaSegment(Base):
    """The segment a persona stands for (at most one)."""

    __tablename__ = "persona_segments"

    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"),
                                            primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    segment_id: Mapped[str] = mapped_column(ForeignKey("segments.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_persona_segments_workshop", "workshop_id"),)


class Claim(Base):
    """A checkable claim a trait makes about a column, and its last result (aggregates)."""

    __tablename__ = "claims"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"))
    persona_id: Mapped[str] = mapped_column(ForeignKey("personas.id", ondelete="CASCADE"))
    # assumption | group | field (a document field: target_id is its path, e.g.
    # identity.age_range).
    target_type: Mapped[str] = mapped_column(String(12))
    target_id: Mapped[str] = mapped_column(String(64))
    column: Mapped[str] = mapped_column(String(200))
    # {"kind": "range"|"top"|"likely", ...} as docs/profiles.md describes.
    claim: Mapped[dict] = mapped_column(JSON)
    # {"status": consistent|contradicted|weak|not_measurable, figures…}; aggregates only.
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    created_seq: Mapped[int] = mapped_column(Integer)
    updated_seq: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("workshop_id", "persona_id", "target_type", "target_id",
                         name="uq_claims_target"),
        Index("ix_claims_workshop", "workshop_id", "persona_id"),
    )
