"""The `uppdrag` command: migrate, seed and serve."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from app.clock import local_today
from app.db import make_engine, make_session_factory
from app.ingest.service import load_seeds
from app.schema_migrations import upgrade_to_head
from app.settings import get_settings


def migrate(_args: argparse.Namespace) -> None:
    upgrade_to_head(get_settings())
    print("database migrated to head")


def seed(args: argparse.Namespace) -> None:
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            report = load_seeds(
                session,
                args.units or settings.org_units_file,
                args.file or settings.seed_file,
                local_today(settings.timezone),
            )
    finally:
        engine.dispose()
    print(f"units: {dict(report.units)}; assignments: {dict(report.assignments)}")


def serve(args: argparse.Namespace) -> None:
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=get_settings().log_level,
        proxy_headers=True,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="uppdrag", description="Uppdrag: assignment tracking.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="upgrade the database schema to the latest migration").set_defaults(
        handler=migrate
    )
    seed_parser = commands.add_parser("seed", help="load the seed files (idempotent)")
    seed_parser.add_argument("--file", type=Path, default=None)
    seed_parser.add_argument("--units", type=Path, default=None)
    seed_parser.set_defaults(handler=seed)
    serve_parser = commands.add_parser("serve", help="serve the HTTP API")
    serve_parser.add_argument("--host", default="127.0.0.1")
    serve_parser.add_argument("--port", type=int, default=8000)
    serve_parser.add_argument("--workers", type=int, default=1)
    serve_parser.set_defaults(handler=serve)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    args.handler(args)
    sys.exit(0)
