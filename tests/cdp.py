"""Driving Debian's headless Chromium over the Chrome DevTools Protocol, as a person uses pages:
open a page, fill in and send forms, follow links, read the DOM and cookies, take screenshots, and
run axe-core (from tests/js/node_modules, installed by `npm ci`) on what is shown. No browser is
downloaded: the machine's `chromium` is the browser.

One browser per test module (a fixture); each `Tab` is a page with its own cookies (a browser
context of its own), so that two tabs are two people.
"""

import base64
import itertools
import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

from tests.browser import CHROMIUM_FLAGS, chromium

AXE_SCRIPT = Path(__file__).parent / "js" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.1 A and AA, which the law asks of public sector services.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_SECONDS = 30


class BrowserError(RuntimeError):
    pass


class Browser:
    """A Chromium process and one DevTools connection to it."""

    def __init__(self, workdir: Path) -> None:
        profile = workdir / "cdp-profile"
        port_file = profile / "DevToolsActivePort"
        port_file.unlink(missing_ok=True)  # a profile used before keeps its last port
        self._process = subprocess.Popen(
            [
                chromium(),
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-port=0",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: closing ends every process it started
        )
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            if time.monotonic() > deadline or self._process.poll() is not None:
                self.close()
                raise BrowserError("Chromium did not open its DevTools port")
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self._connection = ExitStack()
        self._socket: ClientConnection = self._connection.enter_context(
            connect(f"ws://127.0.0.1:{port}{path}", max_size=None)
        )
        self._ids = itertools.count(1)
        self._events: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Send a command and wait for its answer, keeping the events that arrive meanwhile."""
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._socket.send(json.dumps(message))
        while True:
            answer = json.loads(self._socket.recv(timeout=TIMEOUT_SECONDS))
            if answer.get("id") == message_id:
                if "error" in answer:
                    raise BrowserError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer.get("result", {})
                return result
            self._events.append(answer)

    def wait_for(self, method: str, session: str) -> dict[str, Any]:
        """The next event of this kind from this page (kept ones first)."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            for index, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self._events.pop(index)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BrowserError(f"no {method} within {TIMEOUT_SECONDS} s")
            self._events.append(json.loads(self._socket.recv(timeout=remaining)))

    def drop_events(self, session: str, method: str) -> None:
        self._events = [
            e for e in self._events if not (e.get("sessionId") == session and e.get("method") == method)
        ]

    def events(self, session: str, *methods: str) -> list[dict[str, Any]]:
        return [e for e in self._events if e.get("sessionId") == session and e.get("method") in methods]

    def new_tab(self) -> "Tab":
        context = self.send("Target.createBrowserContext")["browserContextId"]
        target = self.send("Target.createTarget", {"url": "about:blank", "browserContextId": context})[
            "targetId"
        ]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        return Tab(self, session)

    def close(self) -> None:
        if hasattr(self, "_connection"):
            self._connection.close()
        with suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGTERM)
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self._process.pid, signal.SIGKILL)


class Tab:
    """One page, as one person sees it."""

    def __init__(self, browser: Browser, session: str) -> None:
        self._browser = browser
        self._session = session

    def _send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._browser.send(method, params, self._session)

    @contextmanager
    def _navigation(self) -> Iterator[None]:
        """Wait, after what the block does, for the page that it opens to have loaded (what the
        page before it logged is forgotten)."""
        for method in ("Page.loadEventFired", "Log.entryAdded", "Runtime.exceptionThrown"):
            self._browser.drop_events(self._session, method)
        yield
        self._browser.wait_for("Page.loadEventFired", self._session)

    def goto(self, url: str) -> "Tab":
        with self._navigation():
            self._send("Page.navigate", {"url": url})
        return self

    def evaluate(self, expression: str, *, awaited: bool = False) -> Any:
        answer = self._send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": awaited}
        )
        if "exceptionDetails" in answer:
            raise BrowserError(f"{expression[:80]}: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def fill(self, selector: str, value: str) -> None:
        """Type into a field (or choose in a select) as a person would, by its CSS selector."""
        found = self.evaluate(
            f"(() => {{ const el = document.querySelector({json.dumps(selector)}); if (!el) return false;"
            f" el.value = {json.dumps(value)}; el.dispatchEvent(new Event('change', {{bubbles: true}}));"
            " return true; })()"
        )
        if not found:
            raise BrowserError(f"no field {selector}")

    def choose_files(self, selector: str, *paths: Path) -> None:
        """Choose files in a file field, as a person does in the browser's file dialog."""
        root = self._send("DOM.getDocument")["root"]["nodeId"]
        node = self._send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        if not node:
            raise BrowserError(f"no file field {selector}")
        self._send("DOM.setFileInputFiles", {"nodeId": node, "files": [str(path) for path in paths]})

    def click(self, selector: str) -> None:
        """Click what the selector finds and wait for the page it opens."""
        with self._navigation():
            found = self.evaluate(
                f"(() => {{ const el = document.querySelector({json.dumps(selector)}); if (!el) return false;"
                " el.click(); return true; })()"
            )
            if not found:
                raise BrowserError(f"nothing to click at {selector}")

    @property
    def url(self) -> str:
        return str(self.evaluate("location.href"))

    @property
    def html(self) -> str:
        return str(self.evaluate("document.documentElement.outerHTML"))

    def text(self, selector: str = "body") -> str:
        return str(self.evaluate(f"document.querySelector({json.dumps(selector)})?.innerText ?? ''"))

    def cookies(self) -> list[dict[str, Any]]:
        cookies: list[dict[str, Any]] = self._send("Network.getCookies")["cookies"]
        return cookies

    def set_cookie(self, name: str, value: str, url: str) -> None:
        self._send("Network.setCookie", {"name": name, "value": value, "url": url})

    def console_errors(self) -> list[str]:
        """Errors the page logged (scripts, refused resources, CSP violations); not the status of
        the page itself (a 401 or 404 page is a page)."""
        found = []
        page = self.url.split("#")[0]  # the page itself, at whichever of its fragments
        for event in self._browser.events(self._session, "Runtime.exceptionThrown", "Log.entryAdded"):
            params = event["params"]
            if event["method"] == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(details.get("exception", {}).get("description") or details["text"])
                continue
            entry = params["entry"]
            page_status = entry.get("source") == "network" and entry.get("url", "").split("#")[0] == page
            if entry.get("level") == "error" and not page_status:
                found.append(f"{entry.get('text')} ({entry.get('url', '')})")
        return found

    def axe_violations(self, *, except_rules: tuple[str, ...] = ()) -> list[str]:
        """axe-core's WCAG 2.1 AA violations on the page as shown, one line each; `except_rules`:
        rules not checked (only for what the service cannot change, each with its reason)."""
        if not self.evaluate("typeof axe !== 'undefined'"):
            self.evaluate(AXE_SCRIPT.read_text(encoding="utf-8"))
        rules = {rule: {"enabled": False} for rule in except_rules}
        results = self.evaluate(
            f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_TAGS)}}},"
            f" rules: {json.dumps(rules)}}})"
            ".then(r => r.violations.map(v => v.id + ': ' + v.help + ' — '"
            " + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', ')))",
            awaited=True,
        )
        return list(results)

    def screenshot(self, path: Path, *, width: int, height: int, full_page: bool = False) -> bytes:
        """The page at this window size (the whole page, if `full_page`), saved as PNG."""
        self._send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        params: dict[str, Any] = {"format": "png"}
        if full_page:
            size = self._send("Page.getLayoutMetrics")["cssContentSize"]
            params["clip"] = {
                "x": 0,
                "y": 0,
                "width": width,
                "height": min(size["height"], 12000),
                "scale": 1,
            }
            params["captureBeyondViewport"] = True
        data = base64.b64decode(self._send("Page.captureScreenshot", params)["data"])
        path.write_bytes(data)
        return data

    def widest_overflow(self) -> int:
        """How far the page is wider than its window (0: no sideways scrolling)."""
        return int(
            self.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        )
