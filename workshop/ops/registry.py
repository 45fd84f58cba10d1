"""The op registry: each op type registered once, next to its handler (docs/adding-an-op.md).

A registration names the op type, its payload model, the roles that may send it, an optional
`prepare` hook and the old names it still answers to (`aliases`). Dispatch (apply.py), the
roles check, the OpenAPI document and the hostile-payload tests all read the registry, so an
op type is written down in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from workshop.domain.permissions import ROLES
from workshop.ops.context import OpContext, Outcome
from workshop.services.schemas import Payload

Handler = Callable[[OpContext, Payload], Outcome]
# Heavy work on an op's raw data, done before its transaction and write lock: (a
# `Preparing`: the worker pool's `run`, and for ops that read stored data first, the
# database and the workshop; the op's `data` as sent) -> what the handler finds in
# `ctx.prepared`.
Prepare = Callable[[object, object], dict]


@dataclass(frozen=True)
class Preparing:
    """What a `prepare` hook may use: the worker pool, and a read of the workshop's data.

    A hook that reads (profiles re-checking claims against stored columns) reads outside
    the op's transaction, so its handler checks that what it read is still current.
    """

    offload: object
    db: object
    workshop_id: str
    actor_id: str
    # A file the request brought beside its op (a data export spooled to disk by
    # services/uploads.py), for the ops that take one; None for ops sent as plain JSON.
    attachment: Path | None = None

    def run(self, function, *args, **kwargs):
        """`function(*args, **kwargs)` in the worker pool (WorkerPool.run)."""
        return self.offload.run(function, *args, **kwargs)


@dataclass(frozen=True)
class OpSpec:
    """An op type: its payload schema, the handler that applies it, who may send it, its
    preparation, and the old names it is still accepted under."""

    name: str
    schema: type[Payload]
    handler: Handler
    roles: frozenset[str]
    prepare: Prepare | None = None
    aliases: tuple[str, ...] = ()


class OpSet:
    """The ops of one area module, registered with the `op` decorator as the module loads."""

    def __init__(self) -> None:
        self.specs: dict[str, OpSpec] = {}

    def op(self, name: str, *, payload: type[Payload], roles: Iterable[str],
           prepare: Prepare | None = None,
           aliases: Iterable[str] = ()) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of op type `name`."""
        roles = frozenset(roles)
        if not roles <= set(ROLES):
            raise ValueError(f"{name}: unknown roles {sorted(roles - set(ROLES))}")
        if name in self.specs:
            raise ValueError(f"op type {name!r} is registered twice")

        def register(handler: Handler) -> Handler:
            self.specs[name] = OpSpec(name, payload, handler, roles, prepare, tuple(aliases))
            return handler

        return register


class Registry(Mapping[str, OpSpec]):
    """Every op type by its current name, in the order of its areas; aliases resolve to it."""

    def __init__(self, *areas: OpSet) -> None:
        self._specs: dict[str, OpSpec] = {}
        self._aliases: dict[str, str] = {}
        for area in areas:
            for name, spec in area.specs.items():
                if name in self._specs or name in self._aliases:
                    raise ValueError(f"op type {name!r} is registered twice")
                self._specs[name] = spec
        for spec in self._specs.values():
            for alias in spec.aliases:
                if alias in self._specs or alias in self._aliases:
                    raise ValueError(f"alias {alias!r} of {spec.name} is taken")
                self._aliases[alias] = spec.name

    def __getitem__(self, name: str) -> OpSpec:
        return self._specs[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._specs)

    def __len__(self) -> int:
        return len(self._specs)

    @property
    def aliases(self) -> dict[str, str]:
        """Old op name → the current name it is applied as (accepted for one release)."""
        return dict(self._aliases)

    def resolve(self, name: str) -> OpSpec | None:
        """The op type sent as `name`, under its current name or an alias, or None."""
        return self._specs.get(self._aliases.get(name, name))

    def may_send(self, role: str, name: str) -> bool:
        """Whether a role may send this op type (or an alias of it) at all."""
        spec = self.resolve(name)
        return spec is not None and role in spec.roles
