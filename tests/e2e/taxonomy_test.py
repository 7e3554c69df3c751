"""taxonomy_test.py — every taxonomy, archives, series and related posts (issue 12, items
4 to 6), through nginx and under CGI: taxonomies from the configuration (a list, Hugo's
map, the default tags and categories), each with its list, term pages with pagination and
three feeds per term; /archive/ by year and month, and /YYYY/ and /YYYY/MM/ when the
permalink begins with the date; series with part N of M and its neighbours; related posts
by shared terms, nearest in date on ties; hostile terms (a slash, %2F, markup, a thousand
on one post) and posts that would take a list's address."""
import json
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET

from harness import QUIRE, Site, check, finish, sanitizer_report, wait_for

S = "taxonomy"
CONF = "permalink: /:year/:month/:day/:slug\npaginate: 2\ntaxonomies: [tags, categories, series]\n"


def post(title, date, tags=(), cats=None, series=None, extra=""):
    text = f"---\ntitle: {title}\ndate: {date}\n"
    if tags:
        text += "tags: [" + ", ".join(json.dumps(t) for t in tags) + "]\n"
    if cats is not None:
        text += f"categories: {json.dumps(cats)}\n"
    if series is not None:
        text += f"series: {json.dumps(series)}\n"
    return text + extra + f"---\nThe body of {title}.\n"


POSTS = {
    "2024-01-10-a.md": post("Alpha", "2024-01-10", ["rust", "async"], "Release Notes", "Async"),
    "2024-02-11-b.md": post("Beta", "2024-02-11", ["rust", "async"], "Release Notes", "Async"),
    "2024-02-20-c.md": post("Gamma", "2024-02-20", ["rust"], "C/C++"),
    "2024-03-05-d.md": post("Delta", "2024-03-05", ["rust", "async"], None, "Async"),
    "2023-12-24-e.md": post("Epsilon", "2023-12-24", ["go"], "<b>Odd</b>"),
    "2024-02-12-draft.md": post("Draft", "2024-02-12", ["rust", "async"], "Release Notes",
                                "Async", "draft: true\n"),
    "about.md": "---\ntitle: About\ntype: page\ntags: [rust, async]\n---\nAbout.\n",
}


def main_text(body):
    return body.split(b'<main id="main">', 1)[-1].split(b"</main>", 1)[0].decode()


def titles(body):
    return re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', main_text(body))


def lists(site):
    st, h, body = site.get("/categories/")
    terms = re.findall(r'<a class="tag" href="([^"]*)">([^<]*)</a> <span class="count">(\d+)',
                       main_text(body))
    check(S, "/categories/ lists each category with its count, markup escaped",
          st == 200 and terms == [("/categories/c-c++/", "C/C++", "1"),
                                  ("/categories/lt-b-gt-odd-lt-b-gt/", "&lt;b&gt;Odd&lt;/b&gt;", "1"),
                                  ("/categories/release-notes/", "Release Notes", "2")]
          or (st == 200 and len(terms) == 3 and ("/categories/release-notes/", "Release Notes", "2")
              in terms and "<b>Odd" not in main_text(body)), (st, terms))
    st, _, body = site.get("/categories/release-notes/")
    check(S, "a category's page lists its live posts, newest first, no draft",
          st == 200 and titles(body) == ["Beta", "Alpha"], (st, titles(body)))
    check(S, "a category's page is titled by the taxonomy's singular",
          b"<h1>Posts in category Release Notes</h1>" in body, main_text(body)[:200])
    st, _, body = site.get("/tags/rust/")
    check(S, "a tag's page, paginated (2 per page)", st == 200 and titles(body) == ["Delta", "Gamma"],
          titles(body))
    st, _, body = site.get("/tags/rust/page/2/")
    check(S, "a tag's second page", st == 200 and titles(body) == ["Beta", "Alpha"], titles(body))
    check(S, "a tag's page past the last is 404", site.get("/tags/rust/page/3/")[0] == 404, "")
    st, _, body = site.get("/series/")
    check(S, "/series/ lists the series", st == 200 and b'href="/series/async/"' in body, st)
    for feed, ctype in (("feed.xml", "application/atom+xml"), ("rss.xml", "application/rss+xml"),
                        ("feed.json", "application/feed+json")):
        st, h, body = site.get("/categories/release-notes/" + feed)
        ok = st == 200 and h.get("content-type", "").startswith(ctype)
        if ok and feed.endswith(".json"):
            doc = json.loads(body)
            ok = [i["title"] for i in doc["items"]] == ["Beta", "Alpha"] and \
                doc["title"].startswith("Posts in category Release Notes")
        elif ok:
            root = ET.fromstring(body)
            got = [e.text for e in root.iter() if e.tag.endswith("title")]
            ok = "Beta" in got and "Alpha" in got and "Gamma" not in got and "Draft" not in got
        check(S, f"a category's {feed}: its posts only", ok, (st, body[:300]))
    check(S, "the series' feed", site.get("/series/async/feed.xml")[0] == 200, "")
    st, _, body = site.get("/categories/c-c%2B%2B/")
    check(S, "a term with a slash and pluses: its encoded address answers",
          st == 200 and titles(body) == ["Gamma"], st)
    for bad in ("/categories/c%2Fc++/", "/categories/c/c++/", "/categories/..%2F/",
                "/categories/%2e%2e/", "/categories/release-notes/x/", "/categories/nope/",
                "/categories/release-notes/page/0/", "/categories/release-notes/page/x/"):
        st = site.get(bad)[0]
        check(S, f"{bad} is not a term's page", st in (400, 404), st)
    st, _, body = site.get("/sitemap.xml")
    locs = re.findall(rb"<loc>https?://[^/<]+(/[^<]*)</loc>", body)
    for want in (b"/categories/", b"/categories/release-notes/", b"/series/async/", b"/archive/",
                 b"/2024/", b"/2024/02/", b"/2023/12/"):
        check(S, f"the sitemap has {want.decode()}", want in locs, locs)
    check(S, "the sitemap has no draft and no page past the first",
          not any(b"draft" in l or b"/page/" in l for l in locs), locs)


def archive(site):
    st, _, body = site.get("/archive/")
    text = main_text(body)
    years = re.findall(r'<h2><a href="/(\d{4})/">\d{4}</a> <span class="count">(\d+)', text)
    months = re.findall(r'<h3><a href="/(\d{4}/\d\d)/">([A-Za-z]+)</a></h3>', text)
    posts = re.findall(r'<li><time datetime="[^"]+">[^<]+</time> <a href="[^"]+">([^<]+)</a>', text)
    check(S, "/archive/: years newest first with counts", st == 200 and
          years == [("2024", "4"), ("2023", "1")], years)
    check(S, "/archive/: months newest first, named",
          months == [("2024/03", "March"), ("2024/02", "February"), ("2024/01", "January"),
                     ("2023/12", "December")], months)
    check(S, "/archive/: every live post once, newest first, no draft, no page",
          posts == ["Delta", "Gamma", "Beta", "Alpha", "Epsilon"], posts)
    st, _, body = site.get("/2024/")
    check(S, "/2024/ lists the year's posts (paginated)",
          st == 200 and titles(body) == ["Delta", "Gamma"] and b"Posts of 2024" in body, titles(body))
    st, _, body = site.get("/2024/page/2/")
    check(S, "/2024/page/2/", st == 200 and titles(body) == ["Beta", "Alpha"], titles(body))
    st, _, body = site.get("/2024/02/")
    check(S, "/2024/02/ lists the month's posts",
          st == 200 and titles(body) == ["Gamma", "Beta"] and b"Posts of February 2024" in body,
          titles(body))
    st, h, _ = site.get("/2024/02")
    check(S, "/2024/02 redirects to its canonical /2024/02/",
          st == 301 and h.get("location", "").endswith("/2024/02/"), (st, h.get("location")))
    for bad in ("/2024/04/", "/2022/", "/2024/13/", "/2024/2/", "/20240/", "/2024/02/feed.xml",
                "/2024/02/11/"):
        check(S, f"{bad} is not a list", site.get(bad)[0] == 404, "")
    st, _, body = site.get("/2024/02/11/b")
    check(S, "the dated posts are still served under /2024/02/…", st == 200 and b"Beta" in body, st)


def series_related(site):
    st, _, body = site.get("/2024/02/11/b")
    text = main_text(body)
    m = re.search(r'<nav class="series" aria-label="Series">\s*<p>(.*?)</p>', text, re.S)
    check(S, "a post in a series: part 2 of 3, with the previous and next parts",
          m is not None and "Part 2 of 3 in" in m.group(1) and
          'href="/2024/01/10/a">Previous: Alpha' in m.group(1) and
          'href="/2024/03/05/d">Next: Delta' in m.group(1), m and m.group(1))
    st, _, body = site.get("/2024/01/10/a")
    m = re.search(r'<nav class="series"[^>]*>\s*<p>(.*?)</p>', main_text(body), re.S)
    check(S, "the first part has no previous", m is not None and "Part 1 of 3" in m.group(1) and
          "Previous" not in m.group(1), m and m.group(1))
    st, _, body = site.get("/2024/02/20/c")
    check(S, "a post in no series shows none", b'class="series"' not in body, "")
    rel = re.search(r'<aside class="related"[^>]*>(.*?)</aside>', text, re.S)
    names = re.findall(r'<li><a href="[^"]*">([^<]*)</a></li>', rel.group(1)) if rel else []
    # Beta shares rust, async, Release Notes with Alpha (3), rust and async with Delta (2),
    # rust with Gamma (1); the draft and the page share more and are never shown.
    check(S, "related: most shared terms first, three by default, no draft or page",
          names == ["Alpha", "Delta", "Gamma"], names)
    st, _, body = site.get("/2023/12/24/e")
    check(S, "a post sharing nothing has no related posts", b'class="related"' not in body, "")
    st, _, body = site.get("/2024/02/20/c")
    rel = re.search(rb'<aside class="related"[^>]*>(.*?)</aside>', body, re.S)
    names = re.findall(rb'<li><a href="[^"]*">([^<]*)</a></li>', rel.group(1)) if rel else []
    # Gamma shares only rust with each: ties go to the nearest in date (Feb 20: Beta
    # Feb 11, Delta Mar 5, Alpha Jan 10).
    check(S, "related: ties broken by nearness in date", names == [b"Beta", b"Delta", b"Alpha"],
          names)
    st, _, body = site.get("/2024/02/11/b")
    terms = re.findall(r'<p class="meta">(\w+):((?: <a class="tag" href="[^"]*">[^<]*</a>)+)</p>',
                       main_text(body))
    check(S, "a post links each of its terms, by taxonomy",
          [t for t, _ in terms] == ["Tags", "Categories", "Series"] and
          'href="/categories/release-notes/"' in terms[1][1], terms)


def live(site):
    site.write_post("2024-03-09-f.md", post("Zeta", "2024-03-09", ["rust"], "Release Notes"))

    def seen():
        return titles(site.get("/categories/release-notes/")[2]) == ["Zeta", "Beta"]
    check(S, "a new post in a category shows on its page at once", wait_for(seen, 5), "")
    check(S, "... and in the archive's month",
          b">Zeta</a>" in site.get("/2024/03/")[2] and b">Zeta</a>" in site.get("/archive/")[2], "")


def cgi(site):
    env = {"QUIRE_CONFIG": site.config, "PATH": os.environ.get("PATH", ""),
           "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET"}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    for path, want in (("/categories/release-notes/", b"Posts in category Release Notes"),
                       ("/archive/", b"<h1>Archive</h1>"), ("/2024/02/", b"Posts of February 2024"),
                       ("/series/async/rss.xml", b"<rss")):
        p = subprocess.run([QUIRE], env={**env, "REQUEST_URI": path}, capture_output=True,
                           timeout=20)
        report = sanitizer_report(p.stderr.decode(errors="replace"))
        check(S, f"CGI: {path}", p.returncode == 0 and p.stdout.startswith(b"Status: 200") and
              want in p.stdout and not report, (p.returncode, p.stdout[:100], report))


def defaults_and_hostile():
    many = [f"t{i}" for i in range(1000)]
    with Site(copy_posts=False) as site:
        site.write_post("a.md", post("One", "2024-05-01", many[:500], "News", "S"))
        site.write_post("b.md", post("Two", "2024-05-02", many, "News", "S"))
        site.write_post("taken.md", "---\ntitle: Taken\nroute: /categories/x\n---\nx\n")
        site.write_post("arch.md", "---\ntitle: Arch\nroute: /archive\n---\nx\n")
        site.write_post("year.md", "---\ntitle: Year\nroute: /2024\n---\nx\n")
        site.start()
        check(S, "default taxonomies: tags and categories, not series",
              site.get("/categories/news/")[0] == 200 and site.get("/series/")[0] == 404, "")
        check(S, "no date permalink: no year pages (a post may take /2024)",
              site.get("/2024")[0] == 200 and b"Year" in site.get("/2024")[2], "")
        log = site.read_log()
        check(S, "a post at a taxonomy's address is left out, naming its file",
              site.get("/categories/x")[0] == 404 and "taken.md: route /categories/x is an address"
              in log, log[-500:])
        check(S, "a post at /archive is left out, naming its file",
              "arch.md: route /archive is an address" in log, log[-500:])
        t0 = time.monotonic()
        st, _, body = site.get("/tags/")
        took = time.monotonic() - t0
        check(S, "a thousand tags on one post: the tag list answers",
              st == 200 and body.count(b'class="tag"') == 1000, (st, took))
        check(S, "... and each tag's page", site.get("/tags/t999/")[0] == 200 and
              site.get("/tags/t499/")[0] == 200, "")
    with Site(copy_posts=False, config_extra="taxonomies:\n  writer: writers\n") as site:
        site.write_post("a.md", "---\ntitle: One\nwriter: Ann\ntags: [x]\n---\nx\n")
        site.write_post("b.md", "---\ntitle: Two\nwriters: [Ann, Bo]\n---\nx\n")
        site.start()
        st, _, body = site.get("/writers/ann/")
        check(S, "Hugo's map: a taxonomy read under its name and its singular",
              st == 200 and titles(body) == ["Two", "One"] or sorted(titles(body)) == ["One", "Two"],
              (st, titles(body)))
        check(S, "a taxonomy not configured is not served", site.get("/tags/x/")[0] == 404, "")
        check(S, "its list", b"/writers/bo/" in site.get("/writers/")[2], "")
    with Site(copy_posts=False, config_extra="taxonomies: [tags, pages]\n") as site:
        site.start_quire()
        time.sleep(0.3)
        rc = site.quire.poll()
        check(S, "a taxonomy named pages is accepted",
              rc is None, site.read_log()[-300:])
    bad = Site(copy_posts=False, config_extra="taxonomies: [tags, archive]\n")
    with bad as site:
        p = subprocess.run([QUIRE, "-t", "-c", site.config], capture_output=True, text=True,
                           timeout=10)
        check(S, "a taxonomy named archive is refused, naming file and line",
              p.returncode != 0 and "test.yaml:" in p.stderr and "taxonomy" in p.stderr,
              p.stderr)


def main():
    with Site(copy_posts=False, config_extra=CONF) as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        site.start()
        lists(site)
        archive(site)
        series_related(site)
        cgi(site)
        live(site)
    defaults_and_hostile()
    finish()


if __name__ == "__main__":
    main()
