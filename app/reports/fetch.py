"""Reading a report's rows while the database is still producing them.

A report reads tens of thousands of rows in one statement. On PostgreSQL through psycopg they are
streamed in chunks (libpq's chunked rows mode): the server computes the next rows while Python makes
lines of the ones it has, so the query and the Python work overlap instead of adding up. Elsewhere
(SQLite) the rows come from an ordinary result.

Streamed rows come in PostgreSQL's binary format (no text to parse; `bytea` as it is) and are the
driver's values, without SQLAlchemy's result processing: fine for integers, text, bytes, dates,
numerics and booleans; a timestamp comes in the connection's time zone (convert it with
`astimezone`), as `UTCDateTime` is not applied.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple, TypeVar

import psycopg
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

CHUNK_ROWS = 1000


def stream_rows(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[Sequence[Any]]:
    """The query's rows, in the session's transaction, read as they arrive where the driver can."""
    connection = session.connection()
    if connection.dialect.driver != "psycopg":
        yield from connection.execute(query)
        return
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    driver_connection = connection.connection.dbapi_connection
    assert isinstance(driver_connection, psycopg.Connection)  # the psycopg dialect's connection
    # Without chunked mode (libpq before 17) psycopg streams row by row: slower, still overlapping.
    size = CHUNK_ROWS if psycopg.capabilities.has_stream_chunked() else 1
    with driver_connection.cursor() as cursor:
        # A report's plan is tens of thousands of index probes, which JIT compilation would slow
        # down and hold the first rows back for; off for the rest of the transaction (the request).
        cursor.execute("SET LOCAL jit = off")
        yield from cursor.stream(str(compiled), compiled.params, binary=True, size=size)


RowT = TypeVar("RowT", bound=NamedTuple)


def select_as(shape: type[NamedTuple], columns: Mapping[str, Any]) -> Select[*tuple[Any, ...]]:
    """SELECT the expressions of `columns`, labelled, in the order of the row shape's fields, so that
    each row is read as that NamedTuple: a column is added in the tuple and the mapping, by name."""
    return select(*(columns[name].label(name) for name in shape._fields))


def stream_as(session: Session, query: Select[*tuple[Any, ...]], shape: type[RowT]) -> Iterator[RowT]:
    """The rows of a `select_as` statement as that row shape, as they arrive."""
    return map(shape._make, stream_rows(session, query))
