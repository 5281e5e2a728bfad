"""Headless Chromium driven over the DevTools protocol on a pipe, for tests that open an HTML
page and check what a browser makes of it. Python standard library only.

With --remote-debugging-pipe the browser reads commands on its fd 3 and writes replies and
events on its fd 4, each message one JSON object ended by a NUL byte. Every wait is bounded
(Error on a timeout, never a hang), and the browser is always closed or killed.

    import chromium
    if not chromium.find():
        sys.exit(77)                        # not installed: the test skips
    with chromium.Browser() as browser:
        page = browser.new_page(width=1200, height=900)
        page.goto(chromium.file_url("/tmp/report.html"))
        n = page.evaluate("document.querySelectorAll('section').length")
        png = page.screenshot("/tmp/shot.png")   # the whole page; clip= for a part
        assert not page.errors, page.errors       # console errors, exceptions, log errors
"""
import base64
import fcntl
import json
import os
import pathlib
import select
import shutil
import signal
import subprocess
import tempfile
import time

DEFAULT_TIMEOUT = 60.0
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class Error(Exception):
    """The browser failed, answered with an error, or did not answer in time."""


def find():
    """The browser's path, or None when none is installed."""
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def file_url(path):
    """The file:// URL of a local path."""
    return pathlib.Path(path).resolve().as_uri()


class Browser:
    """One headless browser process, talked to over the pipe."""

    def __init__(self, executable=None, timeout=DEFAULT_TIMEOUT, extra_args=()):
        self.timeout = timeout
        self._buf = b""
        self._next_id = 0
        self._pages = {}  # sessionId -> Page
        self._dir = tempfile.TemporaryDirectory(prefix="wc-chromium-")
        exe = executable or find()
        if not exe:
            raise Error("no Chromium installed (looked for " + ", ".join(NAMES) + ")")
        cmd_r, self._cmd_w = os.pipe()
        self._resp_r, resp_w = os.pipe()
        # Out of the way of fds 3 and 4, so that placing them there cannot clobber either.
        hi_r = fcntl.fcntl(cmd_r, fcntl.F_DUPFD_CLOEXEC, 10)
        hi_w = fcntl.fcntl(resp_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(cmd_r)
        os.close(resp_w)

        def child_fds():
            os.dup2(hi_r, 3)  # dup2 clears close-on-exec: the browser inherits these two
            os.dup2(hi_w, 4)

        self._log_path = os.path.join(self._dir.name, "stderr.log")
        args = [exe, "--headless=new", "--no-sandbox", "--disable-gpu",
                "--remote-debugging-pipe", f"--user-data-dir={self._dir.name}/profile",
                "--no-first-run", "--no-default-browser-check", "--hide-scrollbars",
                "--disable-dev-shm-usage", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update",
                *extra_args, "about:blank"]
        with open(self._log_path, "wb") as log:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.DEVNULL, stderr=log,
                                         preexec_fn=child_fds, close_fds=False,
                                         start_new_session=True)
        os.close(hi_r)
        os.close(hi_w)
        try:
            self.version = self.call("Browser.getVersion")
        except Exception:
            self.kill()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- the protocol ----------------------------------------------------------------------
    def stderr_tail(self, n=2000):
        """The end of what the browser wrote on stderr (for error messages)."""
        try:
            with open(self._log_path, "rb") as f:
                return f.read()[-n:].decode("utf-8", "replace")
        except OSError:
            return ""

    def _send(self, msg, deadline):
        data = json.dumps(msg).encode() + b"\0"
        while data:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._cmd_w], [], left)[1]:
                raise Error(f"timed out writing {msg.get('method')} to the browser")
            try:
                data = data[os.write(self._cmd_w, data):]
            except BrokenPipeError:
                raise Error("the browser closed its pipe: " + self.stderr_tail()) from None

    def _recv(self, deadline):
        """The next message, or an Error at |deadline| or when the browser is gone."""
        while b"\0" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._resp_r], [], [], left)[0]:
                raise Error("timed out waiting for the browser")
            chunk = os.read(self._resp_r, 1 << 20)
            if not chunk:
                raise Error("the browser exited: " + self.stderr_tail())
            self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def _dispatch(self, msg):
        page = self._pages.get(msg.get("sessionId"))
        if page is not None and "method" in msg:
            page._on_event(msg["method"], msg.get("params", {}))

    def call(self, method, params=None, session=None, timeout=None):
        """Sends one command and returns its result (events meanwhile go to their page)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        self._next_id += 1
        msg = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self._send(msg, deadline)
        while True:
            reply = self._recv(deadline)
            if reply.get("id") == msg["id"]:
                if "error" in reply:
                    raise Error(f"{method}: {reply['error'].get('message')} "
                                f"{reply['error'].get('data', '')}".strip())
                return reply.get("result", {})
            self._dispatch(reply)

    def wait_for(self, done, timeout=None, what="an event"):
        """Reads events until |done()| is true."""
        deadline = time.monotonic() + (timeout or self.timeout)
        try:
            while not done():
                self._dispatch(self._recv(deadline))
        except Error as e:
            raise Error(f"waiting for {what}: {e}") from None

    # -- pages ---------------------------------------------------------------------------------
    def new_page(self, width=1200, height=900, javascript=True):
        """A new tab with a |width| x |height| CSS-pixel viewport, its errors collected;
        without |javascript| the page's own scripts do not run (evaluate still works)."""
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, target, session)
        self._pages[session] = page
        for domain in ("Page", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        page.set_viewport(width, height)
        if not javascript:
            page.call("Emulation.setScriptExecutionDisabled", {"value": True})
        return page

    def close(self, timeout=10.0):
        """Browser.close, then waits for the process; kills it when it does not end."""
        if self.proc.poll() is None:
            try:
                self.call("Browser.close", timeout=timeout)
            except Error:
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        self.kill()

    def kill(self):
        """Ends the browser and its helpers now (its own process group), and frees the pipes."""
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for fd in ("_cmd_w", "_resp_r"):
            if getattr(self, fd, None) is not None:
                os.close(getattr(self, fd))
                setattr(self, fd, None)
        self._dir.cleanup()


class Page:
    """One tab. |errors| collects console errors, uncaught exceptions and error log entries
    (CSP violations, failed loads); |console| every console message as (level, text)."""

    def __init__(self, browser, target, session):
        self.browser = browser
        self.target = target
        self.session = session
        self.errors = []
        self.console = []
        self._loaded = False

    def call(self, method, params=None, timeout=None):
        return self.browser.call(method, params, self.session, timeout)

    def _on_event(self, method, p):
        if method == "Page.loadEventFired":
            self._loaded = True
        elif method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"])
            self.console.append((p["type"], text))
            if p["type"] in ("error", "assert"):
                self.errors.append(f"console.{p['type']}: {text}")
        elif method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            desc = d.get("exception", {}).get("description") or d.get("text", "")
            self.errors.append(f"exception at {d.get('url', '')}:{d.get('lineNumber')}: {desc}")
        elif method == "Log.entryAdded":
            e = p["entry"]
            self.console.append((e["level"], e.get("text", "")))
            if e["level"] == "error":
                self.errors.append(f"log ({e.get('source')}): {e.get('text')} {e.get('url', '')}")

    def set_viewport(self, width, height):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def emulate_media(self, media):
        """CSS media type "print" or "screen" ("" for the default)."""
        self.call("Emulation.setEmulatedMedia", {"media": media})

    def goto(self, url, timeout=None):
        """Navigates and waits for the load event."""
        self._loaded = False
        r = self.call("Page.navigate", {"url": url}, timeout)
        if r.get("errorText"):
            raise Error(f"navigating to {url}: {r['errorText']}")
        self.browser.wait_for(lambda: self._loaded, timeout, "the load event")

    def evaluate(self, expression, timeout=None):
        """The value of a JavaScript expression (promises awaited); Error when it throws."""
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                           "awaitPromise": True}, timeout)
        if "exceptionDetails" in r:
            d = r["exceptionDetails"]
            raise Error(f"evaluating {expression!r}: "
                        f"{d.get('exception', {}).get('description') or d.get('text')}")
        return r["result"].get("value")

    def screenshot(self, path=None, full_page=True, clip=None, timeout=None):
        """A PNG of the page: all of it (|full_page|), the viewport, or |clip| = (x, y, width,
        height) in CSS pixels of the document. Written to |path| when given; returned."""
        params = {"format": "png"}
        if clip is None and full_page:
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            clip = (0, 0, size["width"], size["height"])
        if clip is not None:
            x, y, w, h = clip
            params["clip"] = {"x": x, "y": y, "width": w, "height": h, "scale": 1}
            params["captureBeyondViewport"] = True
        png = base64.b64decode(self.call("Page.captureScreenshot", params, timeout)["data"])
        if path:
            with open(path, "wb") as f:
                f.write(png)
        return png

    def close(self):
        self.browser.call("Target.closeTarget", {"targetId": self.target})
        self.browser._pages.pop(self.session, None)


def png_size(data):
    """(width, height) of PNG |data|; Error when it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise Error("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
