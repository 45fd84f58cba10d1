"""Statements of the op path, compiled once and run on the database driver's own cursor.

Every op runs about eight small statements. Through SQLAlchemy's Connection.execute each
costs ~35 µs of Python before and after the driver's ~5 µs, and a lone op after a pause
pays for that code again from cold caches (docs/decisions/prepared-statements.md). A `Prepared`
statement keeps what SQLAlchemy does well (its compiler writes the SQL for the dialect,
and the column types' bind and result processors convert the values: JSON, dates,
booleans) and skips only the execution layer. It runs inside a transaction that the
SQLAlchemy connection began, so commit, rollback and the pool work as for any statement.

On PostgreSQL with psycopg2, each statement is also prepared on the server the first time a
connection runs it, and only executed afterwards (see _Form._server_side_forms).

Compiling a statement takes ~0.2 ms, so a server compiles them all before it serves
(`compile_all`, from `Database.warm_up`) rather than during its first ops.
"""

from __future__ import annotations

import itertools
import re
import weakref
from collections import namedtuple
from collections.abc import Sequence

from sqlalchemy import Connection, exc
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Executable

# A row of a prepared statement: a named tuple, its fields named after the columns.
Record = tuple

# In a DB-API connection's pool record (`info`): the names of the statements prepared on the
# server in that connection's session. Database puts an empty set there when it connects to
# PostgreSQL (workshop/db.py), unless server-side statements are turned off.
SERVER_SIDE = "workshop_server_side_statements"

_names = itertools.count(1)
_PYFORMAT = re.compile(r"%\((\w+)\)s|%%")


class _Form:
    """A statement as compiled for one dialect: SQL text, parameter order, converters."""

    def __init__(self, statement, dialect: Dialect, column_keys: Sequence[str] | None):
        compiled = statement.compile(dialect=dialect, column_keys=column_keys)
        self.sql = compiled.string
        # Drivers take parameters by position (pg8000, sqlite3: positiontup gives the order)
        # or by name (psycopg2's %(name)s: a dict keyed by the names in the SQL).
        positional = compiled.positiontup is not None
        in_sql = list(compiled.positiontup if positional else compiled.binds)
        self.by_name = None if positional else in_sql
        binds = [compiled.binds[name] for name in in_sql]
        self.names = [bind.key for bind in binds]
        # Only the values that need it are converted (JSON, dates, booleans): most columns
        # are text and numbers, which the driver takes and gives as they are.
        self.binds = [(index, processor) for index, bind in enumerate(binds)
                      if (processor := bind.type.dialect_impl(dialect)
                          .bind_processor(dialect)) is not None]
        # Literals in the statement (the 1 of seq + 1) travel as parameters too.
        self.fixed = {bind.key: bind.value for bind in binds if not bind.required}
        columns = list(statement.exported_columns)
        self.results = [(index, processor) for index, column in enumerate(columns)
                        if (processor := column.type.dialect_impl(dialect)
                            .result_processor(dialect, None)) is not None]
        self.row = namedtuple("Row", [column.key for column in columns], rename=True)
        self.driver_error = dialect.loaded_dbapi.Error
        if self.by_name is not None:
            self._server_side_forms()

    def _server_side_forms(self) -> None:
        """PREPARE and EXECUTE forms of a psycopg2 statement (named %(x)s parameters).

        psycopg2 sends every statement as text, which PostgreSQL parses and plans each time.
        Prepared once per connection, an op's statements are only executed: an op took about
        a quarter less (docs/decisions/prepared-statements.md).
        """
        order: list[str] = []

        def numbered(match: re.Match) -> str:
            name = match.group(1)
            if name is None:
                return "%"  # PREPARE's text is sent as it is, without psycopg2's escaping
            if name not in order:
                order.append(name)
            return f"${order.index(name) + 1}"

        self.server_name = f"workshop_{next(_names)}"
        self.prepare = f"PREPARE {self.server_name} AS {_PYFORMAT.sub(numbered, self.sql)}"
        self.execute = (f"EXECUTE {self.server_name}"
                        + (f"({', '.join(['%s'] * len(order))})" if order else ""))
        self.execute_order = order

    def parameters(self, params: dict) -> list | dict:
        """The driver's parameters for these values, converted where the column needs it."""
        if self.fixed:
            params = {**self.fixed, **params}
        values = [params[name] for name in self.names]
        for index, convert in self.binds:
            values[index] = convert(values[index])
        return values if self.by_name is None else dict(zip(self.by_name, values, strict=True))

    def make_row(self, raw: Sequence):
        """A row as the driver returned it, converted where the column needs it."""
        if self.results:
            raw = list(raw)
            for index, convert in self.results:
                raw[index] = convert(raw[index])
        return self.row._make(raw)


# Every Prepared statement made so far (module-level ones, made at import), for compile_all.
_EVERY: weakref.WeakSet[Prepared] = weakref.WeakSet()


class Prepared:
    """A Core statement run on the driver's cursor; rows come back as named tuples."""

    def __init__(self, statement: Executable, column_keys: Sequence[str] | None = None):
        self.statement = statement
        self.column_keys = column_keys
        # One form per dialect in use; weak, so engines that are disposed of (tests make
        # many) do not keep theirs alive here.
        self._forms: weakref.WeakKeyDictionary[Dialect, _Form] = weakref.WeakKeyDictionary()
        _EVERY.add(self)

    def form(self, dialect: Dialect) -> _Form:
        """The statement as compiled for this dialect, compiled now if it is not yet."""
        form = self._forms.get(dialect)
        if form is None:
            form = self._forms[dialect] = _Form(self.statement, dialect, self.column_keys)
        return form

    def _run(self, connection: Connection, params: dict):
        # Only inside a transaction the connection began: then its commit or rollback (and
        # the pool's reset) also cover what ran here.
        assert connection.in_transaction(), "a prepared statement needs an open transaction"
        form = self.form(connection.dialect)
        parameters = form.parameters(params)
        pooled = connection.connection
        # The DB-API connection (for sqlite3 and psycopg2 the driver's own).
        cursor = pooled.dbapi_connection.cursor()
        prepared = pooled.info.get(SERVER_SIDE) if form.by_name is not None else None
        try:
            if prepared is None:
                cursor.execute(form.sql, parameters)
            else:
                if form.server_name not in prepared:
                    # A prepared statement belongs to the session, and outlives a rollback.
                    cursor.execute(form.prepare)
                    prepared.add(form.server_name)
                cursor.execute(form.execute, [parameters[name] for name in form.execute_order])
        except form.driver_error as error:
            cursor.close()
            # As SQLAlchemy's own exceptions (IntegrityError, OperationalError, …), so callers
            # handle a refused statement the same whichever way it ran. (A dropped connection
            # is not invalidated here; the pool's pre-ping finds it at the next checkout.)
            raise exc.DBAPIError.instance(form.sql, parameters, error, form.driver_error,
                                          dialect=connection.dialect) from error
        return form, cursor

    def execute(self, connection: Connection, **params) -> None:
        """Run a statement that returns no rows."""
        self._run(connection, params)[1].close()

    def all(self, connection: Connection, **params) -> list:
        """Every row."""
        form, cursor = self._run(connection, params)
        rows = cursor.fetchall()
        cursor.close()
        return [form.make_row(raw) for raw in rows]

    def one_or_none(self, connection: Connection, **params):
        """The first row, or None (the statements here select by a key)."""
        form, cursor = self._run(connection, params)
        raw = cursor.fetchone()
        cursor.close()
        return None if raw is None else form.make_row(raw)

    def scalar(self, connection: Connection, **params):
        """The first column of the first row, or None."""
        row = self.one_or_none(connection, **params)
        return None if row is None else row[0]


def compile_all(dialect: Dialect) -> int:
    """Compile every Prepared statement made so far for this dialect; returns how many."""
    statements = list(_EVERY)
    for statement in statements:
        statement.form(dialect)
    return len(statements)
