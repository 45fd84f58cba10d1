"""The op registry: one registration per op type gives dispatch, roles and aliases."""

from dataclasses import replace
from pathlib import Path

import pytest

from tests.helpers import first_persona, make_member, make_workshop, send
from workshop.domain.permissions import FACILITATOR, OBSERVER, PARTICIPANT
from workshop.ops import apply
from workshop.ops.catalogue import OPS
from workshop.ops.registry import OpSet, Registry
from workshop.services.schemas import Payload


class Nothing(Payload):
    """An op without fields, for these tests."""


def _handler(ctx, data):
    raise AssertionError("not applied in these tests")


@pytest.mark.parametrize("op_type", sorted(OPS))
def test_observers_may_send_nothing(op_type):
    assert not OPS.may_send(OBSERVER, op_type)


@pytest.mark.parametrize("op_type", sorted(OPS))
def test_the_facilitator_may_send_every_op(op_type):
    assert OPS.may_send(FACILITATOR, op_type)


def test_participants_work_on_notes_but_not_on_personas():
    assert OPS.may_send(PARTICIPANT, "assumption.add")
    assert not OPS.may_send(PARTICIPANT, "persona.add")
    assert not OPS.may_send(PARTICIPANT, "persona.rename")
    assert not OPS.may_send(FACILITATOR, "persona.teleport")


def test_an_op_type_is_registered_once():
    area = OpSet()
    area.op("thing.do", payload=Nothing, roles={FACILITATOR})(_handler)
    with pytest.raises(ValueError, match="registered twice"):
        area.op("thing.do", payload=Nothing, roles={FACILITATOR})(_handler)
    other = OpSet()
    other.op("thing.do", payload=Nothing, roles={PARTICIPANT})(_handler)
    with pytest.raises(ValueError, match="registered twice"):
        Registry(area, other)


def test_roles_must_be_known():
    with pytest.raises(ValueError, match="unknown roles"):
        OpSet().op("thing.do", payload=Nothing, roles={"admin"})


def test_an_alias_resolves_to_the_op_and_its_roles():
    area = OpSet()
    area.op("thing.do", payload=Nothing, roles={PARTICIPANT}, aliases=("old.thing",))(_handler)
    registry = Registry(area)
    assert list(registry) == ["thing.do"]  # an alias is not a second op type
    assert "old.thing" not in registry
    assert registry.aliases == {"old.thing": "thing.do"}
    assert registry.resolve("old.thing") is registry["thing.do"]
    assert registry.may_send(PARTICIPANT, "old.thing")
    assert not registry.may_send(FACILITATOR, "old.thing")
    assert registry.resolve("new.thing") is None


def test_an_alias_may_not_shadow_an_op_type():
    area = OpSet()
    area.op("thing.do", payload=Nothing, roles={PARTICIPANT}, aliases=("thing.undo",))(_handler)
    area.op("thing.undo", payload=Nothing, roles={PARTICIPANT})(_handler)
    with pytest.raises(ValueError, match="is taken"):
        Registry(area)


@pytest.fixture
def renamed_persona_op(monkeypatch):
    """The registry as it would be with `persona.rename` also accepted as `tab.rename`."""
    area = OpSet()
    area.specs.update(OPS)
    area.specs["persona.rename"] = replace(OPS["persona.rename"], aliases=("tab.rename",))
    monkeypatch.setattr(apply, "OPS", Registry(area))


def test_an_op_sent_under_its_old_name_is_applied_as_the_new(backend, renamed_persona_op):
    created = make_workshop(backend)
    maria = make_member(backend, created.facilitator_token, "Maria", "")
    sam = make_member(backend, created.invite_token, "Sam", "Support")
    persona = first_persona(backend, created.id, maria)
    ack = send(backend, created.id, maria["id"], "tab.rename", {"id": persona, "name": "Anouk"})
    assert ack["ok"] is True
    assert ack["event"]["type"] == "persona.renamed"
    assert ack["event"]["data"]["name"] == "Anouk"
    # Roles and payload checks are those of the op it names.
    refused = send(backend, created.id, sam["id"], "tab.rename", {"id": persona, "name": "X"})
    assert refused["error"]["code"] == "forbidden"
    invalid = send(backend, created.id, maria["id"], "tab.rename", {"id": persona})
    assert invalid["error"]["code"] == "invalid"


def test_docs_protocol_lists_exactly_the_aliases_the_registry_accepts():
    """docs/protocol.md, Aliases: one row per old name, naming the op it is applied as."""
    text = (Path(__file__).parents[2] / "docs" / "protocol.md").read_text()
    section = text.split("### Aliases", 1)[1].split("\n#", 1)[0]
    rows = [line.split("|")[1:3] for line in section.splitlines()
            if line.startswith("| `")]
    documented = {old.strip().strip("`"): new.strip().strip("`") for old, new in rows}
    assert documented == OPS.aliases
