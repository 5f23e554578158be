"""Opening pages in a real headless Chromium (Debian's `chromium`), as a person would see them.

Where Chromium is missing a developer's run skips these tests and says why; under CI (CI set) it is a
failure, since `.ci/run` installs it.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)
PHONE_WINDOW = "--window-size=390,2400"


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (.ci/run installs Debian's chromium package)")
        pytest.skip("Chromium is not installed (apt-get install chromium); browser tests need it")
    return path


@dataclass(frozen=True)
class Page:
    dom: str
    console: list[str]
    screenshot: bytes


def _run(arguments: list[str], profile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def open_page(url: str, workdir: Path) -> Page:
    """The DOM after the page loaded, its console messages (errors, uncaught exceptions) and a
    phone-sized screenshot."""
    dumped = _run(["--dump-dom", url], workdir / "profile-dom")
    shot = workdir / "page.png"
    captured = _run([PHONE_WINDOW, f"--screenshot={shot}", url], workdir / "profile-shot")
    console = [
        line
        for line in (dumped.stderr + captured.stderr).splitlines()
        if "CONSOLE" in line or "Uncaught" in line
    ]
    return Page(dom=dumped.stdout, console=console, screenshot=shot.read_bytes())
