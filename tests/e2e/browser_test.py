"""browser_test.py — the default theme in a real browser: Debian's headless Chromium, driven
over the DevTools protocol on a pipe (--remote-debugging-pipe: no port, no websocket), against
quire behind nginx. Follows the index's link to the first post; checks the text, horizontal
overflow, the measure, contrast in both schemes and keyboard focus; writes screenshots to
build/test-output/screenshots/. Every step has a timeout; the browser is always killed."""
import base64
import fcntl
import json
import os
import select
import shutil
import signal
import subprocess
import tempfile
import time

from harness import TOP, Site, check, finish, wait_for

S = "browser"
CHROMIUM = os.environ.get("CHROMIUM", "chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe"]
SHOTS = os.path.join(TOP, "build", "test-output", "screenshots")
FIRST = "/on-node-go-concurrency"
TITLE = "On Node.js, Go and concurrency"
EMOJI = "\U0001F600"
STEP = 15.0  # seconds any one protocol step may take
WIDTHS = (360, 1280)
KEYS = {"Tab": (9, ""), "Enter": (13, "\r")}
WIDE = ("---\ntitle: Wide things\nroute: wide\norder: 9\ndescription: A table and code wider "
        "than a phone.\n---\n| " + " | ".join(f"column {i}" for i in range(12)) + " |\n|" +
        "---|" * 12 + "\n| " + " | ".join(f"value-{i}-abcdefgh" for i in range(12)) + " |\n\n"
        "```sh\n" + "echo " + "a-very-long-argument " * 20 + "\n```\n\n"
        "A long unbroken word: " + "x" * 120 + ".\n")

# WCAG 2's contrast ratio of two colours and an element's background, for the checks below.
RATIO_JS = r"""  const rgb = s => s.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const bgOf = el => { for (; el; el = el.parentElement) {
    const c = getComputedStyle(el).backgroundColor;
    if (!/rgba\(.*, 0\)$/.test(c) && c !== 'transparent') return rgb(c); }
    return [255, 255, 255]; };
"""

# What the renderer adds (issue 17), on one post: a table of contents, highlighted code,
# footnotes, a heading's self-link, a figure.
RENDERED = ("---\ntitle: What the renderer adds\nroute: /renderer\ntoc: true\n"
            "---\nThe text has a note.[^one] And \"quotes\" -- and "
            "another note.[^two]\n\n## Code that is highlighted\n\n```rust\n"
            "// A comment\nfn main() {\n    let n: u32 = 42;\n    println!(\"{} is the "
            "answer to a question that is rather long\", n);\n}\n```\n\n"
            "### A smaller heading\n\n```python\ndef f(x):\n    return \"s\" + str(x)"
            "  # note\n```\n\n## Notes and a figure\n\nMore text.\n\n"
            "[^one]: The first note, with `code` in it.\n[^two]: The second note.\n")

# Every text of the renderer's page (tokens of highlighted code, footnotes, the table of
# contents) against its background: the lowest ratio of each kind of element.
TOKENS_JS = r"""(() => {
""" + RATIO_JS + r"""  const out = {};
  for (const el of document.querySelectorAll('pre code span, pre code, .footnotes li, ' +
                                             '.footnotes a, nav.toc a, sup a')) {
    if (!el.textContent.trim()) continue;
    const k = el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
    const r = +ratio(rgb(getComputedStyle(el).color), bgOf(el)).toFixed(2);
    if (!(k in out) || r < out[k]) out[k] = r;
  }
  return out;
})()"""

# The contrast of the first element each selector finds against its background, as WCAG 2
# computes it; the theme promises AA (4.5:1) for all of them.
CONTRAST_JS = r"""(() => {
""" + RATIO_JS + r"""  const out = {};
  for (const sel of ['h1', '.post-body > p, .entry p, main > p', '.lede', '.meta', 'main a',
                     '.site-nav a', '.site-footer', 'code', 'pre', 'blockquote']) {
    const el = document.querySelector(sel);
    if (el) out[sel] = +ratio(rgb(getComputedStyle(el).color), bgOf(el)).toFixed(2);
  }
  return out;
})()"""

# The longest line, in characters, of the first paragraphs of the post body.
MEASURE_JS = r"""(() => {
  let longest = 0;
  for (const p of [...document.querySelectorAll('.post-body > p')].slice(0, 6)) {
    const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
    const lines = new Map();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.length; i++) {
        const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
        const box = r.getClientRects()[0];
        if (box) { const y = Math.round(box.top); lines.set(y, (lines.get(y) || 0) + 1); }
      }
    }
    for (const count of lines.values()) longest = Math.max(longest, count);
  }
  return longest;
})()"""


class Browser:
    """Headless Chromium in its own process group, spoken to over fds 3 and 4."""

    def __init__(self):
        self.tmp = tempfile.mkdtemp(prefix="quire-chromium-")
        self.log = os.path.join(self.tmp, "chromium.log")
        to_chrome, self.out = os.pipe()
        self.inp, from_chrome = os.pipe()
        args = [CHROMIUM, *FLAGS, "--user-data-dir=" + os.path.join(self.tmp, "profile"),
                "about:blank"]
        with open(self.log, "wb") as log:
            # close_fds=False: our own fds are close-on-exec; only 3 and 4 are passed on.
            self.proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=False,
                start_new_session=True, preexec_fn=lambda: pipe_to_3_and_4(to_chrome, from_chrome))
        os.close(to_chrome)
        os.close(from_chrome)
        self.buf = bytearray()
        self.events = []
        self.last_id = 0

    def send(self, method, params=None, session=None):
        self.last_id += 1
        msg = {"id": self.last_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        data = json.dumps(msg).encode() + b"\0"
        while data:
            data = data[os.write(self.out, data):]
        return self.last_id

    def read(self, deadline):
        """The next message from Chromium, or TimeoutError at deadline."""
        while True:
            i = self.buf.find(b"\0")
            if i >= 0:
                msg = bytes(self.buf[:i])
                del self.buf[:i + 1]
                return json.loads(msg)
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.inp], [], [], left)[0]:
                raise TimeoutError("no answer from chromium in time")
            chunk = os.read(self.inp, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe: " + self.log_tail())
            self.buf += chunk

    def call(self, method, params=None, session=None, timeout=STEP):
        """Send one command and return its result; events met on the way are kept."""
        want = self.send(method, params, session)
        deadline = time.monotonic() + timeout
        while True:
            msg = self.read(deadline)
            if msg.get("id") == want:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_event(self, name, session, timeout=STEP):
        deadline = time.monotonic() + timeout
        while True:
            for i, ev in enumerate(self.events):
                if ev["method"] == name and ev.get("sessionId") == session:
                    return self.events.pop(i)
            msg = self.read(deadline)
            if "method" in msg:
                self.events.append(msg)

    def log_tail(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()[-400:]
        except OSError:
            return ""

    def close(self):
        """Ask politely, then kill the whole process group; always remove the profile."""
        try:
            self.call("Browser.close", timeout=3)
        except Exception:
            pass
        try:
            self.proc.wait(3)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        os.close(self.inp)
        os.close(self.out)
        shutil.rmtree(self.tmp, ignore_errors=True)


def pipe_to_3_and_4(r, w):
    """In the child: the DevTools pipe is read on fd 3 and written on fd 4."""
    r = fcntl.fcntl(r, fcntl.F_DUPFD, 10)
    w = fcntl.fcntl(w, fcntl.F_DUPFD, 10)
    os.dup2(r, 3)
    os.dup2(w, 4)
    os.close(r)
    os.close(w)


class Tab:
    """One page of the browser, attached in flat mode."""

    def __init__(self, browser):
        self.b = browser
        target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = browser.call("Target.attachToTarget",
                                    {"targetId": target, "flatten": True})["sessionId"]
        self.call("Page.enable")

    def call(self, method, params=None, timeout=STEP):
        return self.b.call(method, params, self.session, timeout)

    def eval(self, expr):
        r = self.call("Runtime.evaluate",
                      {"expression": expr, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError(f"script failed: {r['exceptionDetails']}")
        return r["result"].get("value")

    def settle(self):
        """Wait for the load event and the fonts, so layout is final."""
        self.b.wait_event("Page.loadEventFired", self.session)
        self.eval("document.fonts.ready.then(() => true)")

    def go(self, url):
        self.b.events.clear()
        r = self.call("Page.navigate", {"url": url})
        if r.get("errorText"):
            raise RuntimeError(f"{url}: {r['errorText']}")
        self.settle()

    def view(self, width, dark=False):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": 800, "deviceScaleFactor": 1, "mobile": width < 600})
        scheme = "dark" if dark else "light"
        self.call("Emulation.setEmulatedMedia",
                  {"features": [{"name": "prefers-color-scheme", "value": scheme}]})

    def click(self, x, y):
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent",
                      {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def key(self, name):
        """Press and release a key as a keyboard would: Enter types "\\r", Tab types nothing."""
        code, text = KEYS[name]
        down = {"type": "keyDown", "text": text} if text else {"type": "rawKeyDown"}
        for ev in (down, {"type": "keyUp"}):
            self.call("Input.dispatchKeyEvent",
                      {**ev, "key": name, "code": name, "windowsVirtualKeyCode": code})

    def screenshot(self, name, full=True):
        """The whole page (at most 16000 px tall), or only what the viewport shows."""
        params = {"format": "png"}
        if full:
            size = self.call("Page.getLayoutMetrics")["cssContentSize"]
            params["captureBeyondViewport"] = True
            params["clip"] = {"x": 0, "y": 0, "width": size["width"],
                              "height": min(size["height"], 16000), "scale": 1}
        shot = self.call("Page.captureScreenshot", params)
        path = os.path.join(SHOTS, name)
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))
        return path


def overflow(tab):
    return tab.eval("[document.documentElement.scrollWidth, window.innerWidth]")


def follow_first_post(tab, base, width):
    """From the index, click the link to the first post as a reader would."""
    tab.go(base + "/")
    check(S, f"{width}px: the index loads with the site's title",
          tab.eval("document.title") == "Test site", tab.eval("document.title"))
    pos = tab.eval(f"""(() => {{
        const a = [...document.querySelectorAll('main a')]
            .find(a => new URL(a.href).pathname === '{FIRST}');
        if (!a) return null;
        a.scrollIntoView({{block: 'center'}});
        const r = a.getClientRects()[0];
        return [r.left + r.width / 2, r.top + r.height / 2];
    }})()""")
    if not check(S, f"{width}px: the index links to the first post", pos, "no link"):
        return False
    tab.b.events.clear()
    tab.click(*pos)
    tab.settle()
    path = tab.eval("location.pathname")
    return check(S, f"{width}px: following the link opens the first post", path == FIRST, path)


def post_text(tab, width):
    title, h1 = tab.eval("[document.title, document.querySelector('h1').textContent]")
    check(S, f"{width}px: the post's <title> and heading name it",
          title.startswith(TITLE) and h1 == TITLE, (title, h1))
    text = tab.eval("document.body.innerText")
    check(S, f"{width}px: the emoji is on the rendered page",
          EMOJI in text and "<span emoji" not in text, text[-300:])


def no_overflow(tab, what, width):
    sw, iw = overflow(tab)
    check(S, f"{width}px: {what} does not overflow horizontally", sw <= iw, (sw, iw))


def shoot(tab, base, width):
    """Screenshots of the index and the post, light and dark."""
    for dark in (False, True):
        tab.view(width, dark)
        suffix = "-dark" if dark else ""
        for name, path in (("index", "/"), ("post", FIRST)):
            tab.go(base + path)
            tab.screenshot(f"{name}-{width}{suffix}.png")
    tab.view(width)


def widths(tab, base):
    for width in WIDTHS:
        tab.view(width)
        if not follow_first_post(tab, base, width):
            tab.go(base + FIRST)
        post_text(tab, width)
        no_overflow(tab, "the post", width)
        for name, path in (("the index", "/"), ("a wide table and code", "/wide"),
                           ("a 404 page", "/no-such-page"), ("a page", "/about"),
                           ("a post in a series, with related posts", "/part-2"),
                           ("the tags", "/tags/"), ("a category's list", "/categories/"
                            "a-rather-long-category-name-that-must-wrap/"),
                           ("the series", "/series/"), ("the archive", "/archive/"),
                           ("a month's list", "/2024/03/")):
            tab.go(base + path)
            no_overflow(tab, name, width)
        tab.go(base + "/part-2")
        got = tab.eval("""[!!document.querySelector('nav.series a'),
            document.querySelectorAll('.related li').length,
            document.querySelectorAll('.post-terms a').length]""")
        check(S, f"{width}px: a part of a series shows the series, related posts and terms",
              got == [True, 2, 6], got)
        tab.screenshot(f"series-{width}.png")
        tab.go(base + "/archive/")
        got = tab.eval("document.querySelectorAll('.archive-list li').length")
        # The three parts; the first post and the wide one have no date, so no month.
        check(S, f"{width}px: the archive lists every dated post", got == 3, got)
        tab.screenshot(f"archive-{width}.png")
        tab.go(base + "/about")
        fits = tab.eval("""(() => { const n = document.querySelector('.site-nav');
            const r = n.getBoundingClientRect(), a = n.querySelectorAll('a');
            return [a.length, r.right <= innerWidth && r.left >= 0,
                    n.querySelector('[aria-current=page]').textContent]; })()""")
        check(S, f"{width}px: the menu of five entries fits, the page's own marked",
              fits == [5, True, "About"], fits)
        shoot(tab, base, width)


def wide_things_scroll(tab, base):
    tab.view(360)
    tab.go(base + "/wide")
    inside = tab.eval("""['table', 'pre'].map(s => { const e = document.querySelector(s);
        return e.scrollWidth > e.clientWidth &&
            e.getBoundingClientRect().right <= innerWidth; })""")
    check(S, "360px: the table and the code block scroll inside themselves", inside == [True, True],
          inside)
    tab.screenshot("wide-360.png")


def renderer(tab, base):
    """The renderer's additions at both widths in both schemes: nothing wider than the page,
    the table of contents, highlighted code, footnotes and their back-links, each text at
    AA contrast; a heading's self-link shows when it has the focus."""
    for dark in (False, True):
        scheme = "dark" if dark else "light"
        for width in WIDTHS:
            tab.view(width, dark)
            tab.go(base + "/renderer")
            no_overflow(tab, f"{scheme}: the renderer's post", width)
            got = tab.eval("""[document.querySelectorAll('nav.toc a').length,
                document.querySelectorAll('pre code span[class]').length > 5,
                document.querySelectorAll('.footnotes li').length,
                document.querySelectorAll('.footnotes a[href^="#"]').length >= 2,
                [...document.querySelectorAll('pre')].every(e =>
                    e.getBoundingClientRect().right <= innerWidth)]""")
            check(S, f"{scheme} {width}px: a table of contents, highlighted code and two "
                  "footnotes with back-links", got == [3, True, 2, True, True], got)
            ratios = tab.eval(TOKENS_JS)
            low = {k: v for k, v in ratios.items() if v < 4.5}
            check(S, f"{scheme} {width}px: every code token, note and contents link is at "
                  "least 4.5:1 (AA)", ratios and not low, low or ratios)
            tab.screenshot(f"renderer-{scheme}-{width}.png")
    tab.view(1280)
    tab.go(base + "/renderer")
    shown = tab.eval("""(() => { const a = document.querySelector('h2 a.anchor');
        if (!a) return null; const before = getComputedStyle(a).opacity; a.focus();
        return [before, getComputedStyle(a).opacity, a.getAttribute('aria-label') ||
                a.textContent]; })()""")
    check(S, "a heading's self-link is hidden until it has the focus, and named",
          shown is not None and float(shown[1]) > 0 and shown[2], shown)


def measure(tab, base):
    tab.view(1280)
    tab.go(base + FIRST)
    longest = tab.eval(MEASURE_JS)
    check(S, "1280px: post lines are at most 75 characters", 45 <= longest <= 75, longest)


def contrast(tab, base):
    for dark in (False, True):
        scheme = "dark" if dark else "light"
        tab.view(1280, dark)
        for path in ("/", FIRST, "/wide"):
            tab.go(base + path)
            ratios = tab.eval(CONTRAST_JS)
            low = {k: v for k, v in ratios.items() if v < 4.5}
            check(S, f"{scheme}: text contrast on {path} is at least 4.5:1 (AA)",
                  ratios and not low, ratios)
    tab.view(1280)


def keyboard(tab, base):
    """Tab first reaches the skip link, visibly; Enter takes it to main."""
    tab.view(1280)
    tab.go(base + FIRST)
    tab.key("Tab")
    seen = tab.eval("""(() => { const e = document.activeElement, r = e.getBoundingClientRect(),
        s = getComputedStyle(e);
        return [e.className, r.top >= 0 && r.bottom <= innerHeight && r.width > 0,
                s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2]; })()""")
    check(S, "the first Tab focuses the skip link, visible with an outline",
          seen == ["skip", True, True], seen)
    tab.screenshot("focus-skip-1280.png", full=False)
    tab.key("Enter")
    wait_for(lambda: tab.eval("location.hash") == "#main", 2.0)
    check(S, "the skip link goes to the main content", tab.eval("location.hash") == "#main",
          tab.eval("location.hash"))


def self_contained(tab, base):
    tab.go(base + FIRST)
    found = tab.eval("""[document.scripts.length,
        performance.getEntriesByType('resource').map(e => e.name)
            .filter(n => !n.startsWith(location.origin + '/')),
        getComputedStyle(document.body).maxWidth]""")
    check(S, "no scripts, nothing fetched from another origin",
          found[0] == 0 and found[1] == [], found)
    check(S, "the stylesheet is applied", found[2] != "none", found[2])


def run(site):
    base = f"http://127.0.0.1:{site.port}"
    browser = Browser()
    try:
        version = browser.call("Browser.getVersion", timeout=30)["product"]
        check(S, "chromium answers the DevTools protocol", version, "")
        tab = Tab(browser)
        widths(tab, base)
        wide_things_scroll(tab, base)
        renderer(tab, base)
        measure(tab, base)
        contrast(tab, base)
        keyboard(tab, base)
        self_contained(tab, base)
    except Exception as e:  # a browser failure is a test failure, not a crash
        check(S, "browser", False, f"{e!r} {browser.log_tail()}")
    finally:
        browser.close()


def main():
    os.makedirs(SHOTS, exist_ok=True)
    if not shutil.which(CHROMIUM):
        check(S, "chromium is installed", False, "apt-get install chromium")
        finish()
    site = Site(config_extra="taxonomies: [tags, categories, series]\n"
                             "permalink: /:year/:month/:slug\n")
    try:
        site.write_post("wide.md", WIDE)
        site.write_post("renderer.md", RENDERED)
        for i in range(1, 4):
            site.write_post(f"part-{i}.md", f"---\ntitle: Part {i} of a long series title\n"
                            f"route: /part-{i}\ndate: 2024-03-0{i}\n"
                            "tags: [rust, async, concurrency, a-long-tag-name-here]\n"
                            "categories: A rather long category name that must wrap\n"
                            "series: Writing a blog engine in C\n---\nPart of the series.\n")
        for i, title in enumerate(("About", "Now", "Contact", "Curriculum vitae")):
            site.write_post(f"page{i}.md", f"---\ntitle: {title}\ntype: page\nroute: "
                            f"/{title.split()[0].lower()}\nmenu: main\nweight: {i}\n---\n"
                            f"The {title} page.\n")
        site.start()
        run(site)
    except Exception as e:
        check(S, "harness", False, repr(e))
    finally:
        site.cleanup()
    finish()


if __name__ == "__main__":
    main()
