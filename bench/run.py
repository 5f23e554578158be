"""Times the as-of report on PostgreSQL over 50,000 assignments and 1,000,000 status updates.

    python -m bench [--assignments N] [--keep]      (make bench)

Creates (or with --keep reuses) the database `uppdrag_bench` on the server of BENCH_DATABASE_URL,
migrates it with Alembic, fills it (bench/data.py) and prints, per cut-off of the plan, the time of the
report's as-of query alone, of the whole report (queries, summary and JSON) and of the assignment list
with `as_of` and filters. Each figure is the median of a few runs after a warm-up.
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import date

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.assignments.models import Assignment, StatusUpdate
from app.assignments.schemas import AssignmentFilters
from app.assignments.service import list_assignments
from app.db import make_engine, make_session_factory
from app.documents.service import current_document
from app.errors import ConflictError
from app.reports.periods import ReportWindow, plan_periods
from app.reports.schemas import ReportFilters
from app.reports.service import _filter_clauses, _lines_query, period_report, publish_report
from app.schema_migrations import upgrade_to_head
from app.settings import Settings
from bench.data import build_register

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/uppdrag_bench"
TIMEZONE = "Europe/Stockholm"
RUNS = 3


def _recreate_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _median_ms(action: Callable[[], object]) -> float:
    action()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _as_of_query(session: Session, window: ReportWindow) -> Callable[[], object]:
    clauses = _filter_clauses(session, ReportFilters())
    query = _lines_query(window, TIMEZONE, "postgresql", clauses)
    return lambda: session.execute(query).all()


def _report(session: Session, year: int, key: str) -> Callable[[], object]:
    """The report endpoint's work for JSON: the report (frozen or live) and its serialisation."""
    return lambda: period_report(session, year, key, ReportFilters(), TIMEZONE).model_dump_json()


def _listing(session: Session, **filters: object) -> Callable[[], object]:
    today = date.today()  # noqa: DTZ011
    return lambda: list_assignments(session, AssignmentFilters.model_validate(filters), today, TIMEZONE)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--assignments", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it is already filled")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    engine = make_engine(url)
    if not args.keep:
        _recreate_database(url)
        upgrade_to_head(Settings(database_url=url))
        started = time.perf_counter()
        build_register(engine, args.assignments)
        print(f"built the register in {time.perf_counter() - started:.1f} s")
    with make_session_factory(engine)() as session:
        assignments = session.scalar(select(func.count()).select_from(Assignment))
        updates = session.scalar(select(func.count()).select_from(StatusUpdate))
        print(f"{assignments} assignments, {updates} status updates; median of {RUNS} runs in ms\n")
        periods = plan_periods(current_document(session))
        first = periods[0]
        with suppress(ConflictError):  # already published by an earlier run (--keep)
            publish_report(session, first.year, first.key, "bench", TIMEZONE, date.today())  # noqa: DTZ011
        print(
            f"{first.key} {first.year} is published, so its report is the frozen one, diffed with live data."
        )
        print(f"{'report':<14}{'as-of query':>14}{'whole report':>16}{'list as_of':>14}")
        for period in periods:
            as_of = _median_ms(_as_of_query(session, period.window))
            whole = _median_ms(_report(session, period.year, period.key))
            listed = _median_ms(_listing(session, as_of=period.cutoff, status=["in_progress"], owner="KS"))
            print(f"{period.key + ' ' + str(period.year):<14}{as_of:>14.0f}{whole:>16.0f}{listed:>14.0f}")
        plain = _median_ms(_listing(session, status=["in_progress"], sort="-deadline"))
        print(f"\nassignment list without as_of (status filter, sorted by deadline): {plain:.0f} ms")
    engine.dispose()
