"""Headless Chromium driven over the Chrome DevTools Protocol (CDP), for the browser tests.

Why CDP and not Selenium: the protocol gives what the tests check directly, as events (every
request with its URL, failed loads, console messages, uncaught exceptions), and screenshots at
any emulated screen size; it needs no chromedriver, and its only Python dependency,
websocket-client, is already in the course's lock. Chromium is Debian's (`make browser`).

    with Chromium() as browser:
        page = browser.visit("http://127.0.0.1:8000/index.html")
        page.console_errors, page.requests, page.failed
        browser.evaluate("document.title")
        browser.screenshot(path, width=390, height=844, mobile=True)
"""

import base64
import itertools
import json
import shutil
import subprocess
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import websocket

CHROMIUM = "/usr/bin/chromium"
# Headless, no sandbox (root in containers), and nothing of its own that reaches the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--hide-scrollbars", "--mute-audio"]
# Resolves once MathJax has typeset the page (at once where the page has no MathJax).
MATHJAX_DONE = ("(window.MathJax && MathJax.startup && MathJax.startup.promise)"
                " ? MathJax.startup.promise.then(() => true) : Promise.resolve(true)")


class BrowserError(RuntimeError):
    pass


@dataclass
class PageLoad:
    """What happened while one page loaded."""
    url: str
    requests: list = field(default_factory=list)        # every URL requested
    failed: list = field(default_factory=list)          # "URL: reason" for failed or >= 400 loads
    console_errors: list = field(default_factory=list)  # console errors and uncaught exceptions


class Chromium:
    """One headless Chromium with one tab, reused for every page (a context manager)."""

    def __init__(self, binary=CHROMIUM, timeout=30.0):
        if not Path(binary).is_file():
            raise BrowserError(f"no Chromium at {binary}: run `make browser` (Debian's chromium package)")
        self.timeout = timeout
        self.profile = Path(tempfile.mkdtemp(prefix="chromium-profile-"))
        self.log = open(self.profile.parent / f"{self.profile.name}.log", "wb")
        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-port=0",
             "--window-size=1366,900", "about:blank"],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.ids = itertools.count(1)
        self.events = []
        try:
            self.socket = websocket.create_connection(self._page_socket_url(), timeout=timeout,
                                                      suppress_origin=True)
            for domain in ("Page", "Network", "Runtime", "Log"):
                self.send(f"{domain}.enable")
        except Exception:
            self.close()
            raise

    def _page_socket_url(self):
        """Chromium writes its debugging port to DevToolsActivePort; the tab is listed on /json."""
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not port_file.is_file() or not port_file.read_text().strip():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise BrowserError(f"Chromium did not start; see {self.log.name}")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout) as answer:
            targets = json.load(answer)
        return next(t["webSocketDebuggerUrl"] for t in targets if t["type"] == "page")

    def close(self):
        if getattr(self, "socket", None):
            self.socket.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # -- the protocol -----------------------------------------------------------------------
    def _receive(self, timeout):
        """The next message, or None if none came within timeout seconds."""
        self.socket.settimeout(max(timeout, 0.001))
        try:
            return json.loads(self.socket.recv())
        except websocket.WebSocketTimeoutException:
            return None

    def send(self, method, **params):
        """Call a CDP method and return its result; events that arrive meanwhile are kept."""
        call_id = next(self.ids)
        self.socket.send(json.dumps({"id": call_id, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = self._receive(deadline - time.monotonic())
            if message is None:
                continue
            if message.get("id") == call_id:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return message.get("result", {})
            if "method" in message:
                self.events.append(message)
        raise BrowserError(f"{method}: no answer within {self.timeout} s")

    def wait_for_event(self, method, seen=0):
        """Wait for an event named method among those after the first `seen`; its index."""
        deadline = time.monotonic() + self.timeout
        while True:
            for index in range(seen, len(self.events)):
                if self.events[index]["method"] == method:
                    return index
            seen = len(self.events)
            if time.monotonic() > deadline:
                raise BrowserError(f"no {method} within {self.timeout} s")
            message = self._receive(deadline - time.monotonic())
            if message is not None and "method" in message:
                self.events.append(message)

    def drain(self, quiet=0.3):
        """Keep the events that arrive until none has come for `quiet` seconds."""
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            message = self._receive(quiet)
            if message is None:
                return
            if "method" in message:
                self.events.append(message)

    def evaluate(self, expression):
        """Evaluate JavaScript in the page (awaiting a promise); return its value as JSON data."""
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise BrowserError(f"JavaScript error: {text}\nin: {expression[:200]}")
        return result["result"].get("value")

    # -- pages ------------------------------------------------------------------------------
    def visit(self, url):
        """Open url and wait for the load event, MathJax and a quiet network; a PageLoad."""
        self.events = []
        self.send("Page.navigate", url=url)
        self._settle()
        return self.page_load(url)

    def _settle(self):
        """Wait for the page to load, MathJax to finish and the network to go quiet, following
        redirects (index.html is a <meta http-equiv="refresh"> to the root page)."""
        seen = 0
        for _ in range(5):
            seen = self.wait_for_event("Page.loadEventFired", seen) + 1
            self.drain()
            try:
                self.evaluate(MATHJAX_DONE)
            except BrowserError as error:
                if "navigated" in str(error):
                    continue  # a redirect: wait for the next page's load event
                raise
            self.drain()
            if not any(e["method"] == "Page.frameStartedNavigating" for e in self.events[seen:]):
                return
        raise BrowserError("the page kept navigating")

    def follow(self, selector):
        """Click the first element matching a CSS selector and wait for the new page to load."""
        self.events = []
        found = self.evaluate(f"(() => {{ const a = document.querySelector({json.dumps(selector)});"
                              " if (!a) return false; a.click(); return true; })()")
        if not found:
            raise BrowserError(f"no element {selector!r} on {self.evaluate('location.href')}")
        self._settle()
        return self.evaluate("location.href")

    def page_load(self, url):
        """Sort the events since the last navigation into a PageLoad."""
        load = PageLoad(url)
        urls = {}
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent":
                urls[params["requestId"]] = params["request"]["url"]
                load.requests.append(params["request"]["url"])
            elif method == "Network.loadingFailed":
                load.failed.append(f"{urls.get(params['requestId'], '?')}: {params.get('errorText')}")
            elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
                load.failed.append(f"{params['response']['url']}: HTTP {params['response']['status']}")
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                load.console_errors.append(details.get("exception", {}).get("description") or details["text"])
            elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
                load.console_errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                                    for a in params["args"]))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                entry = params["entry"]
                load.console_errors.append(f"{entry['text']} ({entry.get('url', '')})")
        return load

    def set_screen(self, width, height, mobile=False):
        """Emulate a screen of width x height CSS pixels (a phone's if mobile)."""
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height,
                  deviceScaleFactor=1, mobile=mobile)

    def screenshot(self, path):
        """Save what the viewport shows as a PNG."""
        data = self.send("Page.captureScreenshot", format="png")["data"]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    # -- single-page apps (JupyterLab, formgrader) ------------------------------------------
    def wait_until(self, expression, timeout=None, what=None):
        """Poll a JavaScript expression until it is truthy (errors while a page changes count as
        not yet); return its value. BrowserError after timeout seconds."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            try:
                value = self.evaluate(expression)
            except BrowserError:
                value = None
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"waited {timeout or self.timeout} s for {what or expression[:200]}"
                                   f" on {self.evaluate('location.href')}")
            time.sleep(0.2)

    def click_at(self, x, y):
        """A real mouse click (press and release) at viewport coordinates x, y."""
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)

    def click_text(self, selector, text, timeout=None):
        """Click, with the mouse, the first visible element matching selector whose text is text."""
        where = self.wait_until(
            f"(() => {{ const e = Array.from(document.querySelectorAll({json.dumps(selector)})).find(e =>"
            f" e.textContent.trim() === {json.dumps(text)} && e.getBoundingClientRect().width > 0);"
            " if (!e) return null; const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()",
            timeout, what=f"{selector} {text!r}")
        self.click_at(*where)
