"""Files the package carries besides its code: the migrations (with their Alembic configuration) and
the seed files.

In the repository they live at the top level (`migrations/`, `seeds/`); the built package carries them
as `app/migrations` and `app/seeds` (setup.py maps them at build time). They are looked up by path
rather than imported, so the same lookup works in an installed wheel and in a checkout (including an
editable install), wherever the process runs.
"""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKOUT_MARKER = "pyproject.toml"


def bundled_dir(name: str) -> Path:
    """The carried directory `name`: inside the installed package, or at the top of the checkout."""
    installed = PACKAGE_DIR / name
    if installed.is_dir():
        return installed
    checkout = PACKAGE_DIR.parent
    if (checkout / CHECKOUT_MARKER).is_file() and (checkout / name).is_dir():
        return checkout / name
    raise FileNotFoundError(f"the package is incomplete: it carries no {name}/ directory")


def migrations_dir() -> Path:
    return bundled_dir("migrations")


def seeds_dir() -> Path:
    return bundled_dir("seeds")
