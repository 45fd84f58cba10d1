"""What each event in the log carries: one pydantic model of its `data` per event type.

`EVENTS` maps an event type to the model of its `data`; it is the one list of event types
that exist. The models describe every form a viewer can receive (docs/protocol.md,
Visibility): a field that only the entry's audience gets is optional (absent from the public
form), an author that anonymous mode hides is nullable, and someone else's private entry
arrives as `hidden`. docs/events.schema.json is generated from these models
(`python -m workshop.domain.events > docs/events.schema.json`), the OpenAPI document
publishes them as its `Event` component, and the tests check every event the server emits
against them, strictly: a field that is not modelled here fails.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, create_model

from workshop.domain.permissions import ROLES
from workshop.domain.phases import KEYS as PHASE_KEYS
from workshop.domain.research import SOURCE_TYPES

SCHEMA_URL = "https://persona-workshop.example/schemas/events.json"


def _drop_default(schema: dict) -> None:
    schema.pop("default", None)


def absent(description: str) -> Any:
    """A field some forms leave out (never sent as null unless its type allows null)."""
    # validate_default=False: a missing field reads as None, while an explicit null is still
    # checked against the type. The schema shows it as not required, without a default.
    return Field(default=None, validate_default=False, description=description,
                 json_schema_extra=_drop_default)


class Model(BaseModel):
    """Base of the event models: unknown fields are refused and types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


Id = str
Seq = Annotated[int, Field(ge=0)]
Time = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Phase = Literal[PHASE_KEYS]
Role = Literal[ROLES]
Stance = Literal["agree", "disagree", "unsure"]
Target = Literal["assumption", "group"]


# ---- what events are made of -----------------------------------------------------------

class TimerView(Model):
    """A running countdown, counted from the server's clock."""

    ends_at: Time


class SettingsView(Model):
    """All eleven workshop settings, defaults filled in (docs/protocol.md, Settings)."""

    private_collect: bool
    blind_voting: bool
    anonymous: bool
    dot_budget: int
    votes_revealed: bool
    timer: TimerView | None
    require_evidence: list[str]
    require_signoff: bool
    reopen_facilitator_only: bool
    data_hidden: bool
    data_revealed: bool


class WorkshopView(Model):
    """What every member may know about a workshop (never its secrets)."""

    id: Id
    title: str
    context: str
    teams: list[str]
    phase: Phase
    settings: SettingsView


class ParticipantView(Model):
    """A participant as others see them."""

    id: Id
    name: str
    team: str = Field(description='"" for observers and for a facilitator without a team')
    role: Role
    removed: bool


class PersonaView(Model):
    """A persona tab of the board."""

    id: Id
    name: str


class StanceCount(Model):
    """How many people of one team took each stance."""

    agree: int
    disagree: int
    unsure: int


class VotesCount(Model):
    """Votes while they are hidden (blind voting before the reveal): only how many voted."""

    voters: int


class VotesTally(Model):
    """Votes as everyone may see them: counts per team, never who voted what."""

    voters: int
    dots: int
    tally: dict[str, StanceCount]


Votes = VotesCount | VotesTally


class MyVoteView(Model):
    """The viewer's own stance and dots on a note."""

    stance: Stance | None
    dots: int


class DecisionView(Model):
    """A decision on a note or group: what, why, the new wording, who, when."""

    decision: Literal["accepted", "rejected", "parked", "reworded"]
    reason: str
    text: str | None
    by: Id
    at: Time
    seq: Seq


class AssumptionView(Model):
    """A sticky note as one viewer sees it (docs/protocol.md, Note)."""

    id: Id
    persona_id: Id
    category: str
    text: str
    seq: Seq
    hidden: bool
    group_id: Id | None
    decision: DecisionView | None
    author_id: Id | None = Field(description="null for other people's notes in anonymous mode")
    votes: Votes
    my_vote: MyVoteView | None


class GroupView(Model):
    """A group of duplicate notes, with the combined votes of its notes."""

    id: Id
    persona_id: Id
    category: str
    title: str
    seq: Seq
    decision: DecisionView | None
    votes: Votes


class CommentView(Model):
    """A message in the thread of a note or group."""

    id: Id
    target_type: Target
    target_id: Id
    text: str
    seq: Seq
    author_id: Id | None = Field(description="null for other people's comments in anonymous "
                                             "mode")


class TeamMeasuresView(Model):
    """One team's stances on an item and where it leans."""

    agree: int
    disagree: int
    unsure: int
    agreement: float | None
    leaning: Literal["agree", "disagree", "split", "silent"]


class MeasuresView(Model):
    """An item's agreement measures (docs/protocol.md, Agreement measures)."""

    agreement: float | None
    consensus: float | None
    contested: bool
    divisiveness: float
    only_team: str | None
    votes: int
    teams: dict[str, TeamMeasuresView]


class ResearchNoteView(Model):
    """A research note: its Markdown and its sanitised HTML."""

    id: Id
    title: str
    source_type: Literal[tuple(SOURCE_TYPES)]
    date: str | None
    respondents: int | None
    tags: list[str]
    body: str
    body_html: str
    author_id: Id
    seq: Seq
    updated_seq: Seq


class EvidenceLinkView(Model):
    """A passage of a research note linked to a note or group, for or against it."""

    id: Id
    note_id: Id
    target_type: Target
    target_id: Id
    relation: Literal["supports", "contradicts"]
    quote: str
    author_id: Id
    seq: Seq


class RevisionView(Model):
    """The revision of one document field: how often it was saved, last by whom, when."""

    rev: int
    by: Id
    seq: Seq


class SignoffView(Model):
    """A team's sign-off of a document version."""

    by: Id
    name: str
    at: Time


class PictureView(Model):
    """An uploaded persona picture."""

    kind: Literal["upload"]
    media_type: Literal["image/png", "image/jpeg", "image/webp"]
    data: str


class VersionView(Model):
    """A version of a persona document with its revisions and sign-offs."""

    id: Id
    persona_id: Id
    number: int
    status: Literal["draft", "agreed"]
    document: dict[str, Any] = Field(description="The persona, shaped as `persona` in "
                                                 "docs/persona.schema.json")
    revisions: dict[str, RevisionView]
    signoffs: dict[str, SignoffView] = Field(description="By team")
    seq: Seq
    updated_seq: Seq
    agreed_by: Id | None
    agreed_at: Time | None


Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})]


class UsageView(Model):
    """A decision that used a persona ("used in"), and the traits it relied on."""

    id: Id
    persona_id: Id
    title: str
    link: str
    date: Day
    team: str
    traits: list[str] = Field(description="Document item ids (`a:<id>`, `g:<id>`)")
    author_id: Id
    seq: Seq
    updated_seq: Seq


class QuestionView(Model):
    """A research question of the validation backlog."""

    id: Id
    persona_id: Id
    trait: str = Field(description="A document item id (`a:<id>`, `g:<id>`)")
    question: str
    owner: str
    method: str
    due: Day
    closed_by: Id | None = Field(description="The evidence link that answered it; null: open")
    seq: Seq
    updated_seq: Seq


# ---- the events --------------------------------------------------------------------------

class WorkshopCreated(Model):
    """A workshop was created (always seq 1)."""

    workshop: WorkshopView


class ParticipantJoined(Model):
    """Someone joined through a link."""

    participant: ParticipantView


class PersonaAdded(Model):
    """A persona tab was added."""

    persona: PersonaView


class PersonaRenamed(Model):
    """A persona was renamed."""

    id: Id
    name: str
    previous: str


class PersonaNamed(Model):
    """What a deleted persona was called."""

    name: str


class PersonaDeleted(Model):
    """A persona tab was deleted with everything on it; nothing else is named, so nobody learns
    of private notes they could not see."""

    id: Id
    previous: PersonaNamed


class AssumptionAdded(Model):
    """A note was stuck on the board."""

    assumption: AssumptionView


class AssumptionEdited(Model):
    """A note's text was changed."""

    id: Id
    text: str
    previous: str


class AssumptionDeleted(Model):
    """A note was removed, with its votes, thread and evidence links."""

    id: Id
    previous: AssumptionView
    links: list[Id]


class GroupVotes(Model):
    """A group's combined votes after a vote on one of its notes."""

    id: Id
    votes: Votes
    measures: MeasuresView = absent("Absent while votes are hidden")


# Not "VoteCast": the OpenAPI document names its components after the models, and that is
# the name of the op's payload (workshop/services/schemas.py).
class BallotCast(Model):
    """Someone set, changed or retracted their stance or dots on a note."""

    assumption_id: Id
    votes: Votes
    measures: MeasuresView = absent("Absent while votes are hidden")
    group: GroupVotes = absent("Only when the note is in a group")
    my_vote: MyVoteView | None = absent("Only in the voter's own form")


class PhaseChanged(Model):
    """The workshop moved to a phase."""

    phase: Phase
    previous: Phase


class SettingsUpdated(Model):
    """Workshop settings were changed."""

    settings: SettingsView
    previous: SettingsView


class AssumptionsRevealed(Model):
    """Every private note, and its thread, was shown to everyone."""

    assumptions: list[AssumptionView]
    comments: list[CommentView]


class VotesRevealed(Model):
    """Blind votes were shown to everyone."""

    settings: SettingsView
    votes: dict[Id, Votes] = Field(description="By note id: every note of the workshop")
    groups: dict[Id, Votes] = Field(description="By group id: every group")


class TimerChanged(Model):
    """The countdown was started, extended or stopped (null)."""

    timer: TimerView | None


class GroupsPatch(Model):
    """Groups as they are now, and the notes that moved (docs/protocol.md, The groups patch)."""

    groups: list[GroupView]
    removed: list[Id]
    notes: dict[Id, Id | None]
    links: list[Id]


class AssumptionsGrouped(GroupsPatch):
    """A note was put onto another: they form a group, or it joined the other's."""


class AssumptionsUngrouped(GroupsPatch):
    """A note was taken out of its group, or a group was dissolved."""


class GroupRenamed(Model):
    """A group got a new title."""

    id: Id
    title: str
    previous: str


class DecisionMade(Model):
    """A note or group was accepted, rejected, parked, reworded or reopened (null)."""

    target_type: Target
    target_id: Id
    decision: DecisionView | None
    previous: DecisionView | None


class CommentAdded(Model):
    """A message was added to a thread."""

    comment: CommentView


class CommentDeleted(Model):
    """A message was removed from a thread."""

    id: Id
    text: str


class InviteRotated(Model):
    """A link got a new secret (never in the log): the old link stops working."""

    role: Role


class DoneChanged(Model):
    """Someone said they are done with the phase (or took it back); no content, only the flag."""

    participant_id: Id
    done: bool
    phase: Phase


class ParticipantRemoved(Model):
    """The facilitator removed someone."""

    id: Id
    rotated: Role = absent("The role whose link got a new secret, with `rotate_link` only")


class ResearchNoteAdded(Model):
    """A research note was added to the library."""

    note: ResearchNoteView


class ResearchNotesImported(Model):
    """Research notes were imported in one step."""

    notes: list[ResearchNoteView]


class ResearchNotePrevious(Model):
    """The fields of a research note an edit replaced, as they were."""

    title: str = absent("If it was changed")
    source_type: Literal[tuple(SOURCE_TYPES)] = absent("If it was changed")
    body: str = absent("If it was changed")
    tags: list[str] = absent("If they were changed")
    date: str | None = absent("If it was changed")
    respondents: int | None = absent("If it was changed")


class ResearchNoteEdited(Model):
    """A research note was changed."""

    note: ResearchNoteView
    previous: ResearchNotePrevious


class DeletedResearchNote(Model):
    """What a deleted research note was called."""

    title: str
    source_type: Literal[tuple(SOURCE_TYPES)]


class ResearchNoteDeleted(Model):
    """A research note was removed, with the evidence links to it."""

    id: Id
    links: list[Id]
    previous: DeletedResearchNote


class EvidenceLinked(Model):
    """A passage of a research note was linked to a note or group."""

    link: EvidenceLinkView
    closed_questions: list[Id] = absent("The research questions this link answered (closed "
                                        "now); only when there are any")


class EvidenceUnlinked(Model):
    """An evidence link was removed."""

    id: Id
    previous: EvidenceLinkView


NEW_PHASE = "The workshop's phase after the change (missing in logs written before it existed)"


class DocumentCreated(Model):
    """A persona's document was created from its accepted notes (version 1, a draft)."""

    persona_id: Id
    version: VersionView
    phase: Phase = absent(NEW_PHASE)


class DocumentSaved(Model):
    """One field of a persona document was saved (a new draft, if the last was agreed)."""

    persona_id: Id
    number: int
    path: str
    value: str | PictureView | None = Field(description="Text, or for `identity.picture` a "
                                                        "picture (null: the generated avatar)")
    revision: RevisionView
    previous: str | PictureView | None
    signoffs_cleared: bool
    started: VersionView = absent("The new draft, this change included, when the change "
                                  "reopened an agreed version")
    phase: Phase = absent("The workshop's phase after the change; with `started` only")


class DocumentSigned(Model):
    """A team signed off a document version."""

    persona_id: Id
    number: int
    team: str
    signoff: SignoffView


class DocumentAgreed(Model):
    """A document version was agreed: from now on it is frozen."""

    persona_id: Id
    number: int
    agreed_by: Id
    agreed_at: Time
    seq: Seq
    phase: Phase = absent(NEW_PHASE)
    data: dict[str, Any] = absent("The persona's data checks as agreed (frozen in the "
                                  "document): when it stands for a segment")


class ImportSource(Model):
    """Where an imported persona came from, as its export's `meta` says."""

    workshop_title: str
    persona_name: str
    version: int
    status: Literal["draft", "agreed"]


class PersonaImported(Model):
    """An exported persona was recreated here: a new persona with version 1."""

    persona: PersonaView
    version: VersionView
    source: ImportSource
    phase: Phase = absent(NEW_PHASE)


class ShareCreated(Model):
    """A read-only share link to one persona was made (its secret is never in the log)."""

    id: Id
    persona_id: Id
    version: int | None = Field(description="The pinned version; null: the latest agreed one")


class ShareChanged(Model):
    """A share link got a new secret (`share.rotated`) or was deleted (`share.revoked`):
    its old address answers 404 from now on."""

    id: Id
    persona_id: Id


class ShareRotated(ShareChanged):
    """A share link got a new secret: its old address answers 404 from now on."""


class ShareRevoked(ShareChanged):
    """A share link was deleted: its address answers 404 from now on."""


class ApiTokenCreated(Model):
    """A read-only API token was created (the token itself is never in the log)."""

    id: Id
    label: str


class ApiTokenRevoked(ApiTokenCreated):
    """A read-only API token was revoked: requests with it are refused from now on."""


class WebhookConfigured(Model):
    """The workshop's webhook was turned on or changed (its URL and secret are not logged)."""

    events: list[str] = Field(description="The event types it receives")
    rotated: bool = Field(description="Whether the signing secret was replaced")


class WebhookRemoved(Model):
    """The workshop's webhook was turned off."""


class LibraryListed(Model):
    """The workshop's agreed personas were listed in the library, or taken out of it."""

    listed: bool


class ReviewStarted(Model):
    """A review of an agreed persona started: its next draft, and what needs attention."""

    persona_id: Id
    number: int = Field(description="The new draft's number")
    started: VersionView
    phase: Phase


class ReviewDue(Model):
    """An agreed persona version reached its review-by date (recorded once per version by
    `flask reviews --due`)."""

    persona_id: Id
    number: int
    review_by: Day
    stale_traits: int = Field(ge=0, description="Traits resting on evidence older than the "
                                                "stale threshold")


class UsageAdded(Model):
    """A decision that used the persona was recorded."""

    usage: UsageView


class UsageEdited(Model):
    """A usage was corrected."""

    usage: UsageView
    previous: UsageView


class UsageRemoved(Model):
    """A usage was removed."""

    id: Id
    previous: UsageView


class QuestionAdded(Model):
    """A trait became a research question."""

    question: QuestionView


class QuestionEdited(Model):
    """A research question was changed."""

    question: QuestionView
    previous: QuestionView


class QuestionRemoved(Model):
    """A research question was dropped."""

    id: Id
    previous: QuestionView


# ---- profiles (issue 27): aggregates only; figures null/empty while data is hidden -------

FIGURES_HIDDEN = "Empty (or null) for participants while the data is hidden (beliefs first)"


class DatasetColumnView(Model):
    """A column of a dataset's file (or derived from one) and the role it was given."""

    name: str
    kind: Literal["number", "date", "category", "boolean", "text", "identifier"]
    role: Literal["attribute", "sensitive", "dropped"]
    reason: str
    filled: int | None = Field(description="Rows with a value; null when fewer than k")
    derived_from: str = absent("For a derived column (age from a birth date)")


class DatasetView(Model):
    """An imported customer data export: metadata, mapping and aggregates, never a row."""

    id: Id
    name: str
    source: str
    as_of: str
    unit: Literal["customer", "account", "visitor"]
    row_count: int | None = Field(description=FIGURES_HIDDEN)
    sha256: str
    header_fingerprint: str
    mapping: list[DatasetColumnView]
    weight_column: str | None = absent("The number column that weighs segment shares "
                                       "(`dataset.weight`); null or absent (older logs): none")
    summary: dict[str, Any] = Field(description="k, the population's card and the sizing of "
                                                "its segments (docs/profiles.md). "
                                                + FIGURES_HIDDEN)
    imported_by: Id
    imported_at: Time
    replaces_id: Id | None
    seq: Seq
    deleted_seq: Seq | None = Field(description="When its stored data was deleted")


class SegmentView(Model):
    """A segment of a dataset: its rule and aggregates (size, weighted share, card)."""

    id: Id
    dataset_id: Id
    name: str
    rule: dict[str, Any]
    aggregates: dict[str, Any] = Field(description=FIGURES_HIDDEN)
    seq: Seq
    updated_seq: Seq


class TieView(Model):
    """The segment a persona stands for."""

    persona_id: Id
    segment_id: Id
    seq: Seq


class ClaimView(Model):
    """What a trait claims about a column, and the last check of it (docs/profiles.md)."""

    id: Id
    persona_id: Id
    target_type: Literal["assumption", "group", "field"]
    target_id: str
    column: str
    claim: dict[str, Any]
    result: dict[str, Any] | None = Field(description="The last check; null before a persona "
                                                      "is tied, or " + FIGURES_HIDDEN.lower())
    seq: Seq
    updated_seq: Seq


class ChangeView(Model):
    """What changed after a newer export or a re-check."""

    subject: str
    what: str
    before: Any
    after: Any
    sentence: str


class SegmentNamed(Model):
    """A segment's name and rule before a change."""

    name: str
    rule: dict[str, Any]


class DatasetImported(Model):
    """A customer data export was imported (a refresh moves the older one's segments and
    re-checks their claims)."""

    dataset: DatasetView
    segments: list[SegmentView]
    claims: list[ClaimView]
    changes: list[ChangeView]


class DatasetMapped(Model):
    """Column roles were changed."""

    id: Id
    mapping: list[DatasetColumnView]
    previous: list[DatasetColumnView]


class DatasetWeighted(Model):
    """The column weighing the segments' shares was chosen (or none); every segment of the
    dataset re-sized with it."""

    id: Id
    weight_column: str | None
    previous: str | None
    sizing: dict[str, Any] | None = Field(description="The dataset's sizing; " +
                                                      FIGURES_HIDDEN.lower())
    segments: list[SegmentView]


class DatasetDeleted(Model):
    """A dataset's stored data was deleted; its metadata and figures stay."""

    id: Id
    deleted_seq: Seq


class SegmentDefined(Model):
    """A segment was defined and sized, with its dataset's other segments re-sized."""

    segment: SegmentView
    sizing: dict[str, Any] | None = Field(description="The dataset's sizing; " +
                                                      FIGURES_HIDDEN.lower())
    segments: list[SegmentView]


class SegmentChanged(Model):
    """A segment was renamed or its rule changed (re-sized, its claims re-checked)."""

    segment: SegmentView
    previous: SegmentNamed
    sizing: dict[str, Any] | None
    segments: list[SegmentView]
    claims: list[ClaimView]


class SegmentRemoved(Model):
    """A segment was removed."""

    id: Id
    previous: SegmentNamed


class PersonaTied(Model):
    """A persona was tied to a segment (its claims re-checked) or untied (null)."""

    persona_id: Id
    segment_id: Id | None
    tie: TieView | None
    previous: Id | None
    claims: list[ClaimView]


class TraitClaimSet(Model):
    """A trait's claim was set (or replaced) and checked."""

    claim: ClaimView
    previous: ClaimView | None


class ClaimCleared(Model):
    """A trait's claim was removed."""

    id: Id
    previous: ClaimView


class ClaimsRechecked(Model):
    """Every claim was checked again against the stored data."""

    claims: list[ClaimView]
    changes: list[ChangeView]


class DataRevealed(Model):
    """Data figures were shown to everyone (beliefs first ends)."""

    settings: SettingsView
    datasets: list[DatasetView]
    segments: list[SegmentView]
    claims: list[ClaimView]


class Hidden(Model):
    """Someone else's private entry: only its seq is yours to know."""


# The event types and the model of each one's `data`: the one list of event types.
EVENTS: dict[str, type[Model]] = {
    "workshop.created": WorkshopCreated,
    "participant.joined": ParticipantJoined,
    "persona.added": PersonaAdded,
    "persona.renamed": PersonaRenamed,
    "persona.deleted": PersonaDeleted,
    "assumption.added": AssumptionAdded,
    "assumption.edited": AssumptionEdited,
    "assumption.deleted": AssumptionDeleted,
    "vote.cast": BallotCast,
    "phase.changed": PhaseChanged,
    "done.changed": DoneChanged,
    "settings.updated": SettingsUpdated,
    "assumptions.revealed": AssumptionsRevealed,
    "votes.revealed": VotesRevealed,
    "timer.changed": TimerChanged,
    "assumptions.grouped": AssumptionsGrouped,
    "assumptions.ungrouped": AssumptionsUngrouped,
    "group.renamed": GroupRenamed,
    "decision.made": DecisionMade,
    "comment.added": CommentAdded,
    "comment.deleted": CommentDeleted,
    "invite.rotated": InviteRotated,
    "participant.removed": ParticipantRemoved,
    "research_note.added": ResearchNoteAdded,
    "research_notes.imported": ResearchNotesImported,
    "research_note.edited": ResearchNoteEdited,
    "research_note.deleted": ResearchNoteDeleted,
    "evidence.linked": EvidenceLinked,
    "evidence.unlinked": EvidenceUnlinked,
    "document.created": DocumentCreated,
    "document.saved": DocumentSaved,
    "document.signed": DocumentSigned,
    "document.agreed": DocumentAgreed,
    "persona.imported": PersonaImported,
    "share.created": ShareCreated,
    "share.rotated": ShareRotated,
    "share.revoked": ShareRevoked,
    "api_token.created": ApiTokenCreated,
    "api_token.revoked": ApiTokenRevoked,
    "webhook.set": WebhookConfigured,
    "webhook.removed": WebhookRemoved,
    "library.listed": LibraryListed,
    "review.started": ReviewStarted,
    "review.due": ReviewDue,
    "usage.added": UsageAdded,
    "usage.edited": UsageEdited,
    "usage.removed": UsageRemoved,
    "question.added": QuestionAdded,
    "question.edited": QuestionEdited,
    "question.removed": QuestionRemoved,
    "dataset.imported": DatasetImported,
    "dataset.mapped": DatasetMapped,
    "dataset.weighted": DatasetWeighted,
    "dataset.deleted": DatasetDeleted,
    "segment.defined": SegmentDefined,
    "segment.changed": SegmentChanged,
    "segment.removed": SegmentRemoved,
    "persona.tied": PersonaTied,
    "claim.set": TraitClaimSet,
    "claim.cleared": ClaimCleared,
    "claims.rechecked": ClaimsRechecked,
    "data.revealed": DataRevealed,
    "hidden": Hidden,
}


# ---- the event as sent -------------------------------------------------------------------

def _envelope(event_type: str, data: type[Model]) -> type[Model]:
    """The `event` message of one type (docs/protocol.md, `event`)."""
    # A hidden entry names neither who caused it nor the op.
    who = (None, ...) if event_type == "hidden" else (Id | None, ...)
    return create_model(
        f"{data.__name__}Event", __base__=Model, __doc__=data.__doc__,
        seq=(int, Field(ge=1, description="Position in the workshop's log")),
        type=(Literal[event_type], ...),
        actor=(who[0], Field(default=who[1], description="Who caused it; null in public forms")),
        at=(Time, ...),
        op_id=(who[0], Field(default=who[1], description="The op that produced it; null in "
                                                         "public forms")),
        data=(data, ...),
    )


# Any event, told apart by `type`: a type without a model is refused.
EVENT = TypeAdapter(Annotated[Union[tuple(_envelope(event_type, data)  # noqa: UP007
                                          for event_type, data in EVENTS.items())],
                              Field(discriminator="type")])


def validate_data(event_type: str, data: object) -> Model:
    """An event's `data` as its model; KeyError for a type without one, ValidationError for
    data that does not match it."""
    return EVENTS[event_type].model_validate(data)


def validate(event: object) -> Model:
    """A whole `event` (seq, type, actor, at, op_id, data) checked against its model."""
    return EVENT.validate_python(event)


def json_schema(ref_template: str = "#/$defs/{model}") -> dict:
    """The JSON Schema (2020-12) of an `event`: one variant per type, told apart by `type`."""
    schema = EVENT.json_schema(ref_template=ref_template)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_URL,
            "title": "Event", "description": "An entry of a workshop's event log as a viewer "
                                             "receives it (docs/protocol.md, Events).",
            **schema}


if __name__ == "__main__":
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
