"""Times the report endpoint over real HTTP on PostgreSQL, at 50,000 assignments and 1,000,000 updates.

    python -m bench [--assignments N] [--keep] [--runs N] [--no-others] [--single-document]
                    [--only reports|unexecuted|rounds ...]   (make bench)

Creates (or with --keep reuses) the database `uppdrag_bench` on the server of BENCH_DATABASE_URL,
migrates it with Alembic, fills it (bench/data.py: six documents over 2015–2020, or with
--single-document every assignment in the 2015 document), publishes the first period and starts the
app in uvicorn on loopback, in a process of its own (bench/server.py). Then, per cut-off of 2015–2020:

- query in PG: the report's one statement (every line's state at the cut-off and at the previous
  one, and its latest comment), its execution time inside PostgreSQL (EXPLAIN ANALYZE);
- query fetched: the same statement executed and its rows read in this process, as the report reads
  them (streamed);
- JSON report: GET /api/v1/reports/{year}/{period} with an admin token, timed from the request to the
  last byte of the body, as a client sees it; the first period is published, so its report is the
  frozen one with its diff from live data;
- list as_of: GET /api/v1/assignments?as_of=<cut-off>&status=in_progress&owner=KS (a page of 50).

and the decisions not carried out (GET /api/v1/reports/unexecuted, JSON) as of a few days, and each
period's reporting round overview (GET /api/v1/rounds/{year}/{period}, JSON; 150 units).

Each figure is the median of --runs runs after a warm-up. The targets are the issues': a report in
under a second, whole JSON report and query alike, and the list of decisions not carried out
likewise; a round's overview in under 200 ms.
Then, one run each and without a target: CSV, XLSX and HTML of a published and of a live period,
the plan's trajectory and a comparison of two periods.
Exits with status 1 when a report, list or overview misses its target; the last line counts every
one timed against a target (18 reports, 3 lists, 18 overviews). `--only` times only the parts named
(without `reports` nothing is published).
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

import httpx
import psycopg
from sqlalchemy import Select, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from app.access import Principal, Role
from app.assignments.models import Assignment, StatusUpdate
from app.auth.service import create_token
from app.db import make_engine, make_session_factory
from app.periods.service import ReportingPeriod, load_calendar
from app.reports.fetch import stream_rows
from app.reports.lines import line_rows, lines_query
from app.reports.models import PublishedReport
from app.reports.schemas import ReportFilters
from app.reports.service import publish_report
from app.schema_migrations import upgrade_to_head
from app.settings import Settings
from bench.data import build_register
from bench.server import serve

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/uppdrag_bench"
TIMEZONE = "Europe/Stockholm"
TARGET_MS = 1000.0
ROUND_TARGET_MS = 200.0  # a round's overview, for the central office
FORMATS = ("csv", "xlsx", "html")
FIRST_YEAR, LAST_YEAR = 2015, 2020  # the years the bench's documents speak of
UNEXECUTED_DAYS = ("2016-06-30", "2018-12-31", None)  # None: today
PARTS = ["reports", "unexecuted", "rounds"]  # what is timed against a target (--only)
Query = Select[*tuple[Any, ...]]


def _recreate_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def _median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up
    return statistics.median(_timed(action) for _ in range(runs))


def _fmt_ms(value: float) -> str:
    return f"{value:,.0f} ms".replace(",", " ")


def _table(headings: list[str], rows: list[list[str]]) -> str:
    """A plain text table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(heading), *(len(row[i]) for row in rows)) for i, heading in enumerate(headings)]
    lines = ["  ".join(heading.ljust(width) for heading, width in zip(headings, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    return "\n".join(lines)


# --- what is timed --------------------------------------------------------------------------


def _get(client: httpx.Client, path: str, **params: Any) -> httpx.Response:
    response = client.get(path, params=params)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} {params}: {response.status_code} {response.text[:500]}")
    return response


def _body(client: httpx.Client, path: str, **params: Any) -> bytes:
    return _get(client, path, **params).content


def _report_path(period: ReportingPeriod) -> str:
    return f"/api/v1/reports/{period.year}/{period.key}"


def _name(period: ReportingPeriod) -> str:
    return f"{period.key} {period.year}"


def _lines(session: Session, period: ReportingPeriod) -> Query:
    """The report's statement for the default report (adopted assignments, no filters)."""
    return lines_query(session, period.window, filters=ReportFilters(), timezone=TIMEZONE)


def _execution_ms(session: Session, query: Query) -> float:
    """The statement's execution time inside PostgreSQL, without sending its rows."""
    connection = session.connection()
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
    driver_connection = connection.connection.dbapi_connection
    assert isinstance(driver_connection, psycopg.Connection)
    with driver_connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) {compiled}", compiled.params)
        [[plan]] = cursor.fetchall()
    return float(plan[0]["Execution Time"])


def _fetched(session: Session, query: Query) -> int:
    """The statement executed and its rows read, as the report reads them."""
    return sum(1 for _row in stream_rows(session, query))


def _check_report(client: httpx.Client, period: ReportingPeriod, lines: int, published: bool) -> int:
    """The JSON report is the one expected (frozen or live, every line); returns its size in bytes."""
    response = _get(client, _report_path(period))
    report = response.json()
    source = "published" if published else "live"
    if report["source"] != source or len(report["assignments"]) != lines:
        raise RuntimeError(
            f"{_name(period)}: expected {lines} lines ({source}), got "
            f"{len(report['assignments'])} ({report['source']})"
        )
    if published and report["live_differs"] is not False:
        raise RuntimeError(f"{_name(period)}: the frozen report should not differ from live data")
    return len(response.content)


@dataclass(frozen=True)
class Tally:
    """How many requests a part of the bench timed against their target, and how many missed it."""

    timed: int
    failed: int

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.timed + other.timed, self.failed + other.failed)


def _bench_reports(
    session: Session, client: httpx.Client, periods: list[ReportingPeriod], runs: int
) -> Tally:
    """The table of reports per cut-off against the target."""
    rows = []
    failed = 0
    for position, period in enumerate(periods):
        query = _lines(session, period)
        lines = sum(1 for row in line_rows(session, query) if not row.archived)
        size = _check_report(client, period, lines, published=position == 0)
        _execution_ms(session, query)  # warm-up
        inside = statistics.median(_execution_ms(session, query) for _ in range(runs))
        fetched = _median_ms(partial(_fetched, session, query), runs)
        whole = _median_ms(partial(_body, client, _report_path(period)), runs)
        list_as_of = {"as_of": period.cutoff, "status": "in_progress", "owner": "KS"}
        listed = _median_ms(partial(_body, client, "/api/v1/assignments", **list_as_of), runs)
        passed = whole < TARGET_MS and fetched < TARGET_MS
        failed += not passed
        rows.append(
            [
                _name(period),
                "published" if position == 0 else "live",
                f"{lines}",
                _fmt_ms(inside),
                _fmt_ms(fetched),
                _fmt_ms(whole),
                f"{size / 1e6:.1f} MB",
                _fmt_ms(listed),
                f"< {_fmt_ms(TARGET_MS)}",
                "PASS" if passed else "FAIL",
            ]
        )
    headings = [
        "report", "source", "lines", "query in PG", "query fetched", "JSON report", "JSON size",
        "list as_of", "target", "result",
    ]  # fmt: skip
    print(_table(headings, rows))
    plain_list = {"status": "in_progress", "sort": "-deadline"}
    plain = _median_ms(partial(_body, client, "/api/v1/assignments", **plain_list), runs)
    print(f"\nassignment list without as_of (status filter, sorted by deadline): {_fmt_ms(plain)}")
    return Tally(len(rows), failed)


def _bench_unexecuted(client: httpx.Client, runs: int) -> Tally:
    """The decisions not carried out, as of a few days: JSON over HTTP against the report target."""
    rows = []
    failed = 0
    for day in UNEXECUTED_DAYS:
        params = {"as_of": day} if day else {}
        count = _get(client, "/api/v1/reports/unexecuted", **params).json()["count"]
        whole = _median_ms(partial(_body, client, "/api/v1/reports/unexecuted", **params), runs)
        passed = whole < TARGET_MS
        failed += not passed
        rows.append(
            [
                day or "today",
                f"{count}",
                _fmt_ms(whole),
                f"< {_fmt_ms(TARGET_MS)}",
                "PASS" if passed else "FAIL",
            ]
        )
    print("\nDecisions not carried out (GET /api/v1/reports/unexecuted, JSON):")
    print(_table(["as of", "lines", "JSON list", "target", "result"], rows))
    return Tally(len(rows), failed)


def _bench_rounds(client: httpx.Client, periods: list[ReportingPeriod], runs: int) -> Tally:
    """Every period's round overview (JSON over HTTP) against its target."""
    rows = []
    failed = 0
    for period in periods:
        path = f"/api/v1/rounds/{period.year}/{period.key}"
        overview = _get(client, path).json()
        whole = _median_ms(partial(_body, client, path), runs)
        passed = whole < ROUND_TARGET_MS
        failed += not passed
        summary = overview["summary"]
        rows.append(
            [
                _name(period),
                f"{summary['units']}",
                f"{len(overview['units'])}",
                f"{summary['expected']}",
                _fmt_ms(whole),
                f"< {_fmt_ms(ROUND_TARGET_MS)}",
                "PASS" if passed else "FAIL",
            ]
        )
    print("\nReporting rounds' overviews (GET /api/v1/rounds/{year}/{period}, JSON):")
    print(
        _table(
            ["round", "units with a part", "units in the tree", "assignments", "JSON", "target", "result"],
            rows,
        )
    )
    return Tally(len(rows), failed)


def _bench_others(client: httpx.Client, periods: list[ReportingPeriod]) -> None:
    """The other formats and report requests, one run each (no target: they are for people)."""
    published, live = periods[0], periods[1]
    requests: list[tuple[str, str, dict[str, Any]]] = [
        *(
            (f"{_name(period)} ({source}) as {format_}", _report_path(period), {"format": format_})
            for period, source in ((published, "published"), (live, "live"))
            for format_ in FORMATS
        ),
        ("plan trajectory (every period's summary)", "/api/v1/reports/plan", {}),
        (f"{_name(live)} compared with {_name(published)}", f"{_report_path(live)}/compare", {}),
    ]
    rows = []
    for label, path, params in requests:
        started = time.perf_counter()
        body = _body(client, path, **params)
        rows.append([label, _fmt_ms((time.perf_counter() - started) * 1000), f"{len(body) / 1e6:.1f} MB"])
    print("\nOther requests, one run each (recorded, no target):")
    print(_table(["request", "time", "size"], rows))


# --- the bench ------------------------------------------------------------------------------


def _prepare(url: str, assignments: int, keep: bool, documents: bool) -> None:
    if keep:
        return
    _recreate_database(url)
    upgrade_to_head(Settings(database_url=url))
    started = time.perf_counter()
    build_register(make_engine(url), assignments, documents=documents)
    print(f"built the register in {time.perf_counter() - started:.1f} s")


def _publish_first(session: Session, period: ReportingPeriod) -> None:
    published = session.scalar(
        select(PublishedReport.id).where(
            PublishedReport.year == period.year, PublishedReport.period == period.key
        )
    )
    if published is None:  # (else published by an earlier run: --keep)
        today = date.today()  # noqa: DTZ011
        publisher = Principal(name="bench", role=Role.ADMIN)
        publishing = partial(
            publish_report, session, period.year, period.key, actor=publisher, timezone=TIMEZONE, today=today
        )
        elapsed = _timed(publishing)
        session.commit()
        print(f"published {_name(period)} in {_fmt_ms(elapsed)} (in process)")
    print(f"{_name(period)} is published: its report is the frozen one, with its diff from live data.")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--assignments", type=int, default=50_000)
    parser.add_argument("--keep", action="store_true", help="reuse the database if it is already filled")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (after a warm-up)")
    parser.add_argument("--no-others", action="store_true", help="skip CSV, XLSX, HTML and the rest")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=PARTS,
        default=PARTS,
        help="time only these parts (and nothing else: no CSV, XLSX, HTML)",
    )
    parser.add_argument(
        "--single-document",
        action="store_true",
        help="every assignment in the 2015 document (the register before there were many documents)",
    )
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    _prepare(url, args.assignments, args.keep, documents=not args.single_document)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        assignments = session.scalar(select(func.count()).select_from(Assignment))
        updates = session.scalar(select(func.count()).select_from(StatusUpdate))
        print(f"{assignments} assignments, {updates} status updates on PostgreSQL")
        periods = [
            period
            for period in load_calendar(session, today=date.today()).periods()  # noqa: DTZ011
            if FIRST_YEAR <= period.year <= LAST_YEAR
        ]
        if "reports" in args.only:
            _publish_first(session, periods[0])
        _token, secret = create_token(session, name="bench", role=Role.ADMIN)
        session.commit()
        print(f"Median of {args.runs} runs after a warm-up; reports over HTTP, from request to last byte.\n")
        headers = {"Authorization": f"Bearer {secret}"}
        with serve(url) as base_url, httpx.Client(base_url=base_url, headers=headers, timeout=600) as client:
            parts: dict[str, Callable[[], Tally]] = {
                "reports": partial(_bench_reports, session, client, periods, args.runs),
                "unexecuted": partial(_bench_unexecuted, client, args.runs),
                "rounds": partial(_bench_rounds, client, periods, args.runs),
            }
            tally = sum((parts[name]() for name in PARTS if name in args.only), Tally(0, 0))
            if not args.no_others and args.only == PARTS:
                _bench_others(client, periods)
    engine.dispose()
    timed = " + ".join(name for name in PARTS if name in args.only)
    if tally.failed:
        print(f"\nFAIL: {tally.failed} of {tally.timed} timed requests ({timed}) over their targets.")
        sys.exit(1)
    print(f"\nPASS: all {tally.timed} timed requests ({timed}) under their targets.")
