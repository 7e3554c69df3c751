"""math_test.py — typography and math through quire behind nginx: a post with math: true
loads KaTeX (Debian's libjs-katex, served by nginx at MOUNT/javascript/katex/), a page
without math loads no script, prices stay text, markdown.smart and markdown.math switch."""
import os
import re
import shutil
import subprocess
import tempfile

from harness import Site, check, finish

S = "math"
MATH = """---
title: Euler
math: true
---
Euler's identity: $e^{i\\pi} + 1 = 0$, and $$a < b$$.
"""
PLAIN = """---
title: Prices
---
It's "$5 and $10" -- or less...
"""
MATHLESS = """---
title: Says math, has none
math: true
---
No formula here.
"""


def scripts(body):
    return re.findall(rb"<script[^>]*>", body)


def with_katex(mount):
    with Site(copy_posts=False, mount=mount) as site:
        site.write_post("euler.md", MATH)
        site.write_post("prices.md", PLAIN)
        site.write_post("mathless.md", MATHLESS)
        site.start()
        m = mount
        st, _, body = site.get(m + "euler")
        text = body.decode()
        check(S, f"{m}: a math post's math is in spans KaTeX reads",
              st == 200 and '<span class="math inline">\\(e^{i\\pi} + 1 = 0\\)</span>' in text
              and '<span class="math display">\\[a &lt; b\\]</span>' in text, text[-800:])
        check(S, f"{m}: a math post loads KaTeX, deferred",
              f'<link rel="stylesheet" href="{m}javascript/katex/katex.min.css">' in text
              and f'<script defer src="{m}javascript/katex/katex.min.js"></script>' in text
              and f'<script defer src="{m}javascript/katex/contrib/auto-render.js"></script>' in text
              and f'<script defer src="{m}static/katex-init.js"></script>' in text,
              scripts(body))
        for path in (m + "prices", m + "mathless", m):
            st, _, body = site.get(path)
            check(S, f"{path}: no script on a page without math",
                  st == 200 and not scripts(body) and b"katex" not in body, scripts(body))
        st, _, body = site.get(m + "prices")
        check(S, f"{m}: prices are text, typography is on by default",
              "<p>It’s “$5 and $10” – or less…</p>" in body.decode(), body[-400:])
        st, _, body = site.get(m + "search?q=It%27s")
        check(S, f"{m}: search finds what typography changed, as written",
              st == 200 and b"Prices" in body, body[-600:])
        for path, want in (("javascript/katex/katex.min.js", b"katex"),
                           ("javascript/katex/katex.min.css", b".katex"),
                           ("javascript/katex/contrib/auto-render.js", b"renderMathInElement"),
                           ("javascript/katex/fonts/KaTeX_Main-Regular.woff2", b""),
                           ("static/katex-init.js", b"renderMathInElement")):
            st, h, body = site.get(m + path)
            check(S, f"{m}{path} is served by nginx", st == 200 and want in body,
                  (st, h.get("content-type")))


def switches():
    with Site(copy_posts=False, config_extra="markdown:\n  math: true\n") as site:
        with open(site.config) as f:
            conf = f.read()
        with open(site.config, "w") as f:
            f.write(conf.replace("site:\n  title: Test site\n",
                                 "site:\n  title: Test site\n  language: de\n"))
        site.write_post("sitewide.md", "---\ntitle: Site-wide\n---\n\"Ja\" $x^2$\n")
        site.start()
        st, _, body = site.get("/sitewide")
        text = body.decode()
        check(S, "markdown.math: true makes math of every post, and it loads KaTeX",
              '<span class="math inline">\\(x^2\\)</span>' in text and "katex.min.js" in text,
              text[-600:])
        check(S, "site.language: de gives German quotes", "„Ja“" in text, text[-600:])
    with Site(copy_posts=False, config_extra="markdown:\n  smart: false\n") as site:
        site.write_post("plain.md", "---\ntitle: Plain\nmath: false\n---\n\"a\" -- $x$...\n")
        site.start()
        st, _, body = site.get("/plain")
        check(S, "markdown.smart: false leaves quotes and dashes; no math without the switch",
              "<p>&quot;a&quot; -- $x$...</p>" in body.decode(), body[-400:])


def rendered():
    """Chromium runs KaTeX over the page: the math becomes KaTeX's markup, without errors."""
    chromium = os.environ.get("CHROMIUM", "chromium")
    if shutil.which(chromium) is None:
        print(f"SKIP {S}: KaTeX in a browser: no {chromium}")
        return
    with Site(copy_posts=False) as site:
        site.write_post("euler.md", MATH)
        site.start()
        profile = tempfile.mkdtemp(prefix="quire-chromium-")
        try:
            out = subprocess.run(
                [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                 f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom",
                 f"http://127.0.0.1:{site.port}/euler"],
                capture_output=True, text=True, timeout=60)
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        dom = out.stdout
        check(S, "KaTeX renders the inline and the display math in Chromium",
              dom.count('class="katex"') == 2 and dom.count("katex-display") == 1
              and "katex-error" not in dom, dom[-800:])


def main():
    for t in (lambda: with_katex("/"), lambda: with_katex("/blog/"), switches, rendered):
        try:
            t()
        except Exception as e:
            check(S, "harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
