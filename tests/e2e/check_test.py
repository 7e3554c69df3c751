"""check_test.py — quire check: links, images and fragments that answer and those that do
not (with file and line), a link out of the site (../../etc/passwd), old addresses,
aliases that never answer, copies left behind, unknown layouts and taxonomies, a broken
post, scheduled posts; --json; the exit status; the rust-blog corpus in a few seconds."""
import glob
import json
import os
import shutil
import subprocess
import time

from harness import QUIRE, TOP, Site, bound, check, finish

S = "check"
CORPUS = os.path.join(TOP, "tests", "data", "rust-blog", "posts")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(64))


def run(site, *args):
    p = subprocess.run([QUIRE, "-c", site.config, "check", *args], capture_output=True,
                       text=True, timeout=bound(60))
    return p.returncode, p.stdout, p.stderr


def line_of(path, text):
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if text in line:
                return n
    return 0


def main():
    with Site(copy_posts=False) as site:
        good = site.write_post("good.md", (
            "---\ntitle: Good\nroute: /good\ntags: [a]\n---\n"
            "# Top heading\n\nText[^1].\n\n[^1]: A note.\n\n"
            "[the other](/other) [list](/tags/a/) [tags](/tags/) [feed](/feed.xml) "
            "[file](/favicon.ico) [theme](/static/quire.css) [self](#top-heading) "
            "[note](#fn-1) [other's part](/other#part-two) [relative](other) "
            "[external](https://example.org/x) [mail](mailto:a@b.org) [top](#top)\n\n"
            "![a picture](/favicon.ico)\n\n<a href=\"/other\">raw</a>\n"))
        site.write_post("other.md", "---\ntitle: Other\nroute: /other\naliases: [/good, /was-other]\n"
                                    "---\n## Part two\n\nx\n")
        bad = site.write_post("bad.md", (
            "---\ntitle: Bad\nroute: /bad\nlayout: nosuch\nseries: [s]\n---\n"
            "[missing](/nowhere)\n\n"
            "![lost](/images/lost.png)\n\n"
            "[frag](/other#no-such-part)\n\n"
            "[up](../../etc/passwd)\n\n"
            "[draft](/a-draft)\n\n"
            "[old](/was-other)\n\n"
            "<img src=\"/missing.png\">\n"))
        site.write_post("draft.md", "---\ntitle: A draft\nroute: /a-draft\ndraft: true\n---\nx\n")
        site.write_post("copy-1.md", "---\ntitle: Same\ndate: 2020-01-01\nroute: /c1\n---\nx\n")
        site.write_post("copy-2.md", "---\ntitle: Same\ndate: 2020-01-01\nroute: /c2\n---\nx\n")
        site.write_post("self.md", "---\ntitle: Self\nroute: /self\naliases: [/self, /archive]\n"
                                   "---\nx\n")
        site.write_post("later.md", "---\ntitle: Later\nroute: /later\ndate: 2999-01-01\n---\nx\n")
        broken = site.write_post("broken.md", "---\ntitle: [unclosed\n---\nx\n")
        static = os.path.join(site.dir, "static")
        os.makedirs(static)
        with open(os.path.join(static, "favicon.ico"), "wb") as f:
            f.write(PNG)
        rc, out, err = run(site)
        lines = [l.replace("/conf/../", "/") for l in out.splitlines()]
        check(S, "check exits 1 when there are errors", rc == 1, f"{rc} {err}")
        good_lines = [l for l in lines if l.startswith(good)]
        check(S, "no problem in a post whose links, images, notes and fragments all answer",
              not good_lines, good_lines)

        for text, label in (("/nowhere", "a link to no address"),
                            ("/images/lost.png", "an image that is not there"),
                            ("/other#no-such-part", "a fragment that names no id"),
                            ("../../etc/passwd", "a link out of the site"),
                            ("/a-draft", "a link to a draft"),
                            ("/missing.png", "raw HTML's src")):
            n = line_of(bad, text)
            hit = [l for l in lines if l.startswith(f"{bad}:{n}: error: ") and text in l]
            check(S, f"an error at its file and line: {label}", n > 0 and hit,
                  [l for l in lines if l.startswith(bad)])
        n = line_of(bad, "/was-other")
        check(S, "a warning at its line: a link to an old address",
              any(l.startswith(f"{bad}:{n}: warning: ") and "old address" in l for l in lines),
              lines)
        check(S, "an alias that a route holds is said: it never answers",
              any("alias /good " in l and "route" in l for l in lines), lines)
        check(S, "an alias that is the post's own route is said",
              any("alias /self " in l for l in lines), lines)
        check(S, "an alias that is an address the site makes itself is said",
              any("alias /archive is an address quire makes" in l for l in lines), lines)
        check(S, "a warning: two posts of one title and date",
              any("copy left behind" in l and "warning" in l for l in lines), lines)
        check(S, "a warning: an unknown layout",
              any(l.startswith(bad) and "nosuch" in l for l in lines), lines)
        check(S, "a warning: a taxonomy the configuration has not",
              any(l.startswith(bad) and "series: not a taxonomy" in l for l in lines), lines)
        check(S, "an error: a post that does not load, with its file and line",
              any(l.startswith(broken + ":") and "error" in l for l in lines), lines)
        check(S, "scheduled posts with the time they go live",
              any("/later goes live 2999-01-01" in l and "scheduled" in l for l in lines), lines)
        errs = [i for i, l in enumerate(lines) if ": error: " in l]
        warns = [i for i, l in enumerate(lines) if ": warning: " in l]
        check(S, "errors and warnings apart: every error before every warning",
              errs and warns and max(errs) < min(warns), lines)
        check(S, "the last line counts them", lines and lines[-1].endswith("1 scheduled") and
              "errors" in lines[-1], lines[-1:])
        rc2, out, _ = run(site, "--json")
        try:
            doc = json.loads(out)
        except ValueError as e:
            doc = {}
        check(S, "--json: the same problems as one object",
              rc2 == 1 and len(doc.get("errors", [])) == len(errs) and
              len(doc.get("warnings", [])) == len(warns) and
              all({"file", "line", "message"} <= set(e) for e in doc.get("errors", [])),
              out[:300])
        # Hostile: a megabyte of links on one line, thousands of ids: checked in bounded
        # time (parsed within the renderer's bounds, each pass once over the post).
        site.write_post("huge.md", "---\ntitle: Huge\nroute: /huge\n---\n" +
                        "".join(f'<a name="n{i}"></a>' for i in range(10000)) + "\n\n" +
                        "[a](/nope) " * 60000 + "\n\n[x](#n5) [y](#none)\n")
        t0 = time.monotonic()
        rc4, out4, _ = run(site)
        took = time.monotonic() - t0
        check(S, f"most of a megabyte of links and 10,000 ids are checked in bounded time ({took:.2f} s)",
              took < bound(5) and "huge.md" in out4 and "has no id \"none\"" in out4,
              out4[-300:])
        os.unlink(os.path.join(site.posts, "huge.md"))
        # Reference links, each one's definition at the end, among inline links: still
        # one pass.
        site.write_post("refs.md", "---\ntitle: Refs\nroute: /refs\n---\n" +
                        "[a][r] [b](/nope) \n\n" * 30000 + "[r]: /nope2\n")
        t0 = time.monotonic()
        rc5, out5, _ = run(site)
        took = time.monotonic() - t0
        check(S, f"reference links among inline ones are checked in bounded time ({took:.2f} s)",
              took < bound(5) and "refs.md" in out5, out5[-200:])
        os.unlink(os.path.join(site.posts, "refs.md"))
        # A page shorter than an attribute, whose fragment is looked for.
        with open(os.path.join(site.conf, "layouts", "tiny.mustache"), "w") as f:
            f.write("ok")
        site.write_post("tiny.md", "---\ntitle: Tiny\nroute: /tiny\nlayout: tiny\n---\nx\n")
        site.write_post("to-tiny.md", "---\ntitle: To tiny\nroute: /to-tiny\n---\n[t](/tiny#frag)\n")
        rc6, out6, err6 = run(site)
        check(S, "a fragment of a page of two bytes: said, no crash",
              rc6 == 1 and 'has no id "frag"' in out6, f"{rc6} {err6[-300:]}")
        for f in ("tiny.md", "to-tiny.md"):
            os.unlink(os.path.join(site.posts, f))
        os.unlink(os.path.join(site.conf, "layouts", "tiny.mustache"))
        rc3, _, err = run(site, "--bogus")
        check(S, "a wrong option is a usage error", rc3 == 2 and "usage" in err, err)
        for f in (bad, broken, os.path.join(site.posts, "self.md"),
                  os.path.join(site.posts, "copy-2.md")):
            os.unlink(f)
        with open(os.path.join(site.posts, "other.md"), "w") as f:
            f.write("---\ntitle: Other\nroute: /other\n---\n## Part two\n\nx\n")
        rc, out, _ = run(site)
        check(S, "a site with no error exits 0", rc == 0 and "0 errors" in out, out)

    with Site(copy_posts=False,
              config_extra="permalink: /:year/:month/:day/:slug.html\n") as site:
        for p in glob.glob(os.path.join(CORPUS, "*.md")):
            shutil.copy(p, site.posts)
        t0 = time.monotonic()
        rc, out, _ = run(site)
        took = time.monotonic() - t0
        check(S, f"the rust-blog corpus is checked in a few seconds ({took:.2f} s)",
              took < bound(5) and out.splitlines() and "errors" in out.splitlines()[-1],
              out[-300:])
    finish()


main()
