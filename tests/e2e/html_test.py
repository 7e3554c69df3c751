"""html_test.py — every kind of page quire serves (the index and its further pages, the
first post, a post with a table, code and a task list, a dated and tagged post in a series
with related posts, a page, the tag index and the categories, a tag's and a category's
pages, a series, the archive, a year's and a month's pages, a 404) passes Debian's HTML checker, tidy (tidy-html5), fetched
over HTTP from quire behind nginx. Any error or warning fails, but for the few allowed below."""
import re
import shutil
import subprocess

from harness import Site, check, finish

S = "html"
FIRST = "/on-node-go-concurrency"

# tidy settings:
#   -q                     no summary or banner: only the findings are printed
#   -e                     report only (no cleaned-up document on stdout)
#   --show-warnings yes    warnings count, not just errors (obsolete attributes, bad nesting…)
#   --show-info yes        and info messages, which we also treat as findings
#   --accessibility-check 1  WCAG priority 1 checks (alt text, lang, table headers…); the
#                          higher levels flag our plain <meta> lines as "auto-redirects"
#                          and every short link as "not meaningful", which is noise
#   --input-encoding utf8  the pages are UTF-8, as their Content-Type says
# tidy exits 0 (clean), 1 (warnings) or 2 (errors); we read its findings instead, so that
# the allowed ones can pass and anything else fails with the message.
TIDY = ["tidy", "-q", "-e", "--show-warnings", "yes", "--show-info", "yes",
        "--accessibility-check", "1", "--input-encoding", "utf8"]

# Findings allowed, each with why. All but the first come from a post's content (md4c's
# output), not the theme.
ALLOWED = [
    # The menu marks the page's own entry with aria-current (WAI-ARIA 1.1, 2017), which
    # Debian 12's tidy 5.8 predates and calls proprietary.
    re.compile(r'Warning: <a> proprietary attribute "aria-current"$'),
    # md4c writes a table column's alignment (|:--:|) as align="..." on th and td; HTML5
    # made the attribute obsolete but every browser honours it, and the theme leaves it be.
    re.compile(r'Warning: <t[hd]> attribute "align" not allowed for HTML5$'),
    # A reminder for a person to look, printed for every <img> and <input> whatever it is:
    # a post's pictures, and md4c's task list items, disabled checkboxes whose state is
    # shown by the check mark, not by colour.
    re.compile(r"Access: \[2\.1\.1\.\d\]: ensure information not conveyed through color alone "
               r"\((image|input)\)\.$"),
    # WCAG 1.0 asked for longdesc or a "d-link" beside every image; HTML5 made longdesc
    # obsolete and alt text (which md4c writes from ![alt](src)) is what is checked.
    re.compile(r"Access: \[1\.1\.2\.1\]: <img> missing 'longdesc' and d-link\.$"),
    # Every image of a post is loading="lazy" decoding="async" (HTML Living Standard,
    # honoured by every current browser), which Debian 12's tidy predates.
    re.compile(r'Warning: <img> proprietary attribute "(loading|decoding)"$'),
]

SINK = """---
title: Tables, code & tasks
route: sink
order: 2
description: A post with "every" block the theme styles <here>.
reading_minutes: 3
prev: {title: On Node.js, url: /on-node-go-concurrency}
next: {title: Nowhere yet, url: /nowhere}
---
Some *emphasis*, **strong**, `code`, a [link](https://example.org/?a=1&b=2) and ~~strike~~.

| left | centre | right |
|:-----|:------:|------:|
| a    | b      | c     |

```c
int main(void) { return puts("<hello> & goodbye") < 0; }
```

- [x] done
- [ ] to do

1. one
2. two

> a quote
{: .pull-quote}

---

![a picture](/static/nothing.png)

![a figure](/static/nothing.png "Its caption")
"""

BROKEN = "<!DOCTYPE html><html><head></head><body><p><b>unclosed</p><img src=x></body></html>"


def tidy(html):
    """tidy's findings for a document: (exit code, list of message lines)."""
    p = subprocess.run(TIDY, input=html, capture_output=True, timeout=30)
    lines = [ln for ln in p.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
    return p.returncode, lines


def disallowed(lines):
    return [ln for ln in lines if not any(a.search(ln) for a in ALLOWED)]


def page(site, path, status):
    got, headers, body = site.get(path)
    check(S, f"{path} answers {status} with HTML", got == status and
          headers.get("content-type", "").startswith("text/html"), (got, headers))
    rc, lines = tidy(body)
    bad = disallowed(lines)
    check(S, f"{path} passes tidy", rc != 2 and not bad, bad or lines)


def checker_works():
    """A broken document must be reported, or a silent tidy would pass everything."""
    rc, lines = tidy(BROKEN.encode())
    text = "\n".join(disallowed(lines))
    check(S, "tidy reports a broken document",
          rc != 0 and "missing </b>" in text and "missing 'alt'" in text and "'title'" in text,
          (rc, lines))


def main():
    if not shutil.which("tidy"):
        check(S, "tidy is installed", False, "apt-get install tidy")
        finish()
    checker_works()
    site = Site(config_extra="paginate: 2\npermalink: /:year/:month/:day/:slug\n"
                             "taxonomies: [tags, categories, series]\n")
    try:
        site.write_post("sink.md", SINK)
        for i in range(3):
            site.write_post(f"2024-01-0{i + 1}-tagged-{i}.md",
                            f"---\ntitle: Tagged {i}\ntags: [alpha, beta]\ncategories: News\n"
                            f"series: A series\n---\nFirst.\n\n"
                            f"<!--more-->\n\nRest.\n")
        site.write_post("about.md", "---\ntitle: About\ntype: page\nmenu: main\n---\nWho.\n")
        site.start()
        page(site, "/", 200)
        page(site, "/page/2/", 200)
        page(site, FIRST, 200)
        page(site, "/sink", 200)
        page(site, "/2024/01/02/tagged-1", 200)
        page(site, "/about", 200)
        page(site, "/tags/", 200)
        page(site, "/tags/alpha/", 200)
        page(site, "/tags/alpha/page/2/", 200)
        page(site, "/categories/", 200)
        page(site, "/categories/news/", 200)
        page(site, "/series/a-series/", 200)
        page(site, "/archive/", 200)
        page(site, "/2024/", 200)
        page(site, "/2024/01/", 200)
        page(site, "/2024/01/page/2/", 200)
        page(site, "/no-such-page", 404)
    except Exception as e:  # a harness failure is a test failure, not a crash
        check(S, "harness", False, repr(e))
    finally:
        site.cleanup()
    finish()


if __name__ == "__main__":
    main()
