"""Database plumbing shared by every domain: engine, sessions, declarative base, column types."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, create_engine, event, inspect, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from app.errors import ConflictError, NotFoundError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored in UTC on every backend.

    SQLite has no time zone support, so values are normalised to UTC on the way in
    and marked as UTC on the way out; naive datetimes are refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def lock_rows(session: Session, model: type[Base], ids: Iterable[int]) -> None:
    """Serialise writers of these rows until the transaction ends.

    PostgreSQL: SELECT … FOR UPDATE, in id order so that two writers cannot deadlock. SQLite has no
    row locks: a no-op write takes the database's write lock, so that what is read next is the
    latest committed state.
    """
    table = model.__table__
    wanted = sorted(set(ids))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(model).where(table.c.id.in_(wanted)).values(id=table.c.id))
    else:
        session.execute(
            select(table.c.id).where(table.c.id.in_(wanted)).order_by(table.c.id).with_for_update()
        )


ModelT = TypeVar("ModelT", bound=Base)


def conflict_aware_insert(session: Session, model: type[Base]) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `model`'s table in the session's dialect, which can say what to do when the row
    exists (`on_conflict_do_nothing`, `on_conflict_do_update`): one statement, safe under concurrency."""
    dialect = session.get_bind().dialect.name
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def insert_if_absent(session: Session, model: type[Base], values: dict[str, Any], *, key: list[str]) -> bool:
    """Insert a row unless one with the same `key` columns exists (a unique constraint): two
    concurrent writers both end with the one row, neither with a conflict. True if it inserted."""
    statement = conflict_aware_insert(session, model).values(**values)
    statement = statement.on_conflict_do_nothing(index_elements=key)
    inserted = session.execute(statement.returning(*inspect(model).primary_key)).first()
    return inserted is not None


def get_or_404(session: Session, model: type[ModelT], row_id: int, what: str, **options: Any) -> ModelT:
    """The row with this id, or a 404 problem naming `what` (e.g. "assignment")."""
    row = session.get(model, row_id, **options)
    if row is None:
        raise NotFoundError(f"No {what} with id {row_id}.")
    return row


def utcnow() -> datetime:
    return datetime.now(UTC)


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")  # writers queue rather than fail
    cursor.close()


# How long to wait for PostgreSQL to answer a new connection; `?connect_timeout=N` in the URL wins.
CONNECT_TIMEOUT_SECONDS = 10


class DatabaseFolderError(OSError):
    """The folder of an SQLite database file cannot be made (an operator's mistake, said in one line)."""


def _make_folder_of(database: Path) -> None:
    folder = database.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        existing = next(path for path in (folder, *folder.parents) if path.exists())
        reason = error.strerror if existing.is_dir() else f"{existing} is a file, not a folder"
        raise DatabaseFolderError(
            f"cannot make the folder {folder} of the SQLite database: {reason}"
        ) from None


def make_engine(database_url: str, pool_size: int = 5) -> Engine:
    """Create an engine; for SQLite, make sure the file's folder exists and foreign keys are on."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            _make_folder_of(Path(url.database))
        engine = create_engine(url, connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    timeout = {} if "connect_timeout" in url.query else {"connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args=timeout,
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


CONCURRENT_WRITE_CONFLICT = (
    "The request conflicts with a change made at the same time; read the current state and try again."
)


@contextmanager
def conflicts_refused() -> Iterator[None]:
    """A database conflict (a unique or foreign key violation) in the block becomes a 409 `ConflictError`."""
    try:
        yield
    except IntegrityError as error:
        raise ConflictError(CONCURRENT_WRITE_CONFLICT) from error


@contextmanager
def unit_of_work(session_factory: sessionmaker[Session], *, lock_first: bool = True) -> Iterator[Session]:
    """One transaction, owned by whoever opens it: a request, a CLI command, a worker round.

    This is the one place where transactions end. Services only add and flush; the block commits
    when it succeeds and rolls back when it raises, so a failed request writes nothing. A database
    conflict (a unique or foreign key violation, at a flush or at the commit) becomes a 409
    `ConflictError` here.

    `lock_first` matters on SQLite only, which has one writer at a time and no row locks: the unit
    of work takes the database's write lock when it begins (BEGIN IMMEDIATE), so that everything it
    reads is the latest committed state and savepoints nest inside it. Reads, and work that must not
    hold the lock while it waits on something else (a webhook's HTTP request), leave it off.
    """
    session = session_factory()
    try:
        with conflicts_refused():
            try:
                if lock_first and session.get_bind().dialect.name == "sqlite":
                    session.execute(text("BEGIN IMMEDIATE"))
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        session.close()


@contextmanager
def savepoint_in(session: Session) -> Iterator[Session]:
    """Work inside a unit of work that someone else owns (and commits): a savepoint, released when
    the block succeeds and rolled back when it raises, so that the failed work is undone and the
    owner's transaction goes on. Conflicts become 409 as in `unit_of_work`."""
    with conflicts_refused(), session.begin_nested():
        yield session
