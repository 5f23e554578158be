"""The built package runs from anywhere: its wheel, installed into a fresh virtual environment, migrates,
seeds and serves from a directory that is not the checkout, given nothing but a database URL.

The wheel is built from a copy of the files a build needs, so that nothing else of the checkout can
help. The fresh environment gets the wheel alone; its dependencies are this environment's packages
(a .pth line), so that the test needs no network, and `pip check` proves that the wheel's declared
dependencies are met by them.
"""

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.processes import environment, run_uppdrag, serving

BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "app", "migrations", "seeds")
ROOT = Path(__file__).resolve().parent.parent
CARRIED_FILES = (
    "app/migrations/alembic.ini",
    "app/migrations/env.py",
    "app/migrations/script.py.mako",
    "app/migrations/versions/0001_assignment_register.py",
    "app/seeds/budget_2015_ks.yaml",
    "app/seeds/org_units.yaml",
    "app/seeds/source/underlag-budget-2015-kommunstyrelsen.txt",
    "app/reports/templates/dashboard.html",
)


def _run(*args: str | Path, cwd: Path | None = None) -> None:
    result = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, env=environment(), capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp_path_factory.mktemp("wheels")
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, source
    )
    [built] = wheels.glob("uppdrag-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `uppdrag` command of a fresh virtual environment holding the wheel."""
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel)
    venv_site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True
        ).strip()
    )
    (venv_site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run(sys.executable, "-m", "pip", "--python", python, "check")
    return venv / "bin" / "uppdrag"


def test_the_wheel_carries_migrations_seeds_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(CARRIED_FILES) <= names
    assert not any(name.startswith(("tests/", "migrations/", "seeds/")) for name in names)


def test_installed_package_migrates_seeds_and_serves_from_anywhere(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings = {"DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'uppdrag.db'}"}
    where = subprocess.check_output(
        [installed.with_name("python"), "-c", "import app; print(app.__file__)"],
        cwd=elsewhere,
        env=environment(),
        text=True,
    )
    assert where.startswith(str(installed.parent.parent)), where  # the wheel's code, not the checkout's

    for command in (["migrate"], ["seed"], ["token", "create", "--name", "ops", "--role", "reader"]):
        result = run_uppdrag(*command, cwd=elsewhere, settings=settings, executable=installed)
        assert result.returncode == 0, result.stderr
    token = result.stdout.splitlines()[-1]

    with serving(settings, cwd=elsewhere, executable=installed) as server:
        assert httpx.get(f"{server.base_url}/readyz", timeout=30).json() == {"status": "ready"}
        headers = {"Authorization": f"Bearer {token}"}
        found = httpx.get(f"{server.base_url}/api/v1/assignments", params={"q": "velo-city"}, headers=headers)
        assert found.status_code == 200, found.text
        first = found.json()["items"][0]
        one = httpx.get(f"{server.base_url}/api/v1/assignments/{first['id']}", headers=headers, timeout=30)
        assert one.status_code == 200, one.text
        assert one.json()["reference"] == first["reference"]
        assert "velo-city" in (one.json()["quote"] + one.json()["title"]).lower()
