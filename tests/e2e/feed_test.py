"""feed_test.py — the Atom, RSS and JSON feeds (site and tags), the sitemap and robots.txt."""
import json
import os
import re
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import feedparser

from harness import Site, check, finish

S = "feed"
HOSTILE = '<script>alert(1)</script> & "quotes"'
BAD_TAG = "</title>"
BAD_TAG_PATH = "/tags/%3C-title%3E/"
SITE_TITLE = 'Tést & <Co> "site"'
SITE_AUTHOR = "Zoë & co"
AUTHOR = "Ann & <Bob>"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

POSTS = {
    "2024-01-10-alpha.md": (
        "---\ntitle: '" + HOSTILE + "'\nroute: alpha\ndate: 2024-01-10\n"
        "tags: [rust, \"" + BAD_TAG + "\"]\nauthors: ['" + AUTHOR + "']\n"
        "description: 'Alpha <b>described</b> & more'\n---\n"
        "Before the *fold* & <i>raw</i>.\n\n<!--more-->\n\nAfter the fold, only in full.\n"),
    "beta.md": (
        "---\ntitle: Beta post\nroute: beta\ndate: 2024-03-05T10:00:00Z\n"
        "lastmod: 2024-04-01T12:00:00Z\ntags: [Rust]\ndescription: Second\n---\n"
        "Beta's first paragraph.\n\nBeta's second paragraph.\n"),
    "gamma.md": (
        "---\ntitle: Gamma\nroute: gamma\ndate: 2023-06-01\n---\n"
        "Gamma has a vertical tab \x0b and a form feed \x0c in its text.\n"),
    "delta.md": (
        "---\ntitle: Delta, not indexed\nroute: delta\ndate: 2022-02-02\nrobots: noindex\n---\n"
        "Delta.\n"),
}
ORDER = ["beta", "alpha", "gamma", "delta"]
TITLES = {"alpha": HOSTILE, "beta": "Beta post", "gamma": "Gamma", "delta": "Delta, not indexed"}


def make_site(**kw):
    site = Site(copy_posts=False, **kw)
    with open(site.config) as f:
        text = f.read()
    text = text.replace("  title: Test site\n", "  title: '" + SITE_TITLE + "'\n  author: '"
                        + SITE_AUTHOR + "'\n  description: All about <things>\n")
    with open(site.config, "w") as f:
        f.write(text)
    for name, body in POSTS.items():
        site.write_post(name, body)
    return site.start()


def base(site):
    return f"http://127.0.0.1:{site.port}{site.mount}"


def fetch(site, path, ctype):
    status, h, body = site.get(path)
    check(S, f"{path} answers 200 as {ctype.split(';')[0]}",
          status == 200 and h.get("content-type") == ctype, (status, h.get("content-type")))
    return body


def xmllint(name, body):
    with tempfile.NamedTemporaryFile(suffix=".xml") as f:
        f.write(body)
        f.flush()
        try:
            r = subprocess.run(["xmllint", "--noout", f.name], capture_output=True, text=True)
            ok, why = r.returncode == 0 and not r.stderr, r.stderr
        except OSError as e:
            ok, why = False, e
    check(S, f"xmllint accepts {name}", ok, why)


def no_raw_markup(name, body):
    text = body.decode()
    check(S, f"{name}: hostile strings are escaped",
          "<script>" not in text and "</title>\"" not in text and "<Co>" not in text
          and "<b>described" not in text and "<Bob>" not in text, "")


def parsed(name, body, version):
    d = feedparser.parse(body)
    check(S, f"{name}: feedparser reads it as {version} without bozo",
          not d.bozo and d.version == version, (d.version, d.get("bozo_exception")))
    return d


def atom(site, path, routes, full=True):
    b = base(site)
    body = fetch(site, path, "application/atom+xml; charset=utf-8")
    xmllint(path, body)
    no_raw_markup(path, body)
    d = parsed(path, body, "atom10")
    links = [e.get("link") for e in d.entries]
    check(S, f"{path}: entries and order", links == [b + r for r in routes], links)
    root = ET.fromstring(body)
    self_url = b.rstrip("/") + path[len(site.mount) - 1:]
    check(S, f"{path}: id and self link are the feed's URL",
          root.findtext(ATOM + "id") == self_url and
          any(l.get("rel") == "self" and l.get("href") == self_url
              for l in root.findall(ATOM + "link")), root.findtext(ATOM + "id"))
    check(S, f"{path}: feed author is the site's",
          root.findtext(f"{ATOM}author/{ATOM}name") == SITE_AUTHOR, "")
    entries = {e.findtext(ATOM + "id")[len(b):]: e for e in root.findall(ATOM + "entry")}
    check(S, f"{path}: entry ids are the posts' URLs", list(entries) == routes, list(entries))
    check(S, f"{path}: titles, exactly as written",
          all(entries[r].findtext(ATOM + "title") == TITLES[r] for r in routes),
          [e.findtext(ATOM + "title") for e in entries.values()])
    newest = max(("2024-04-01T12:00:00Z" if r == "beta" else POST_DATES[r]) for r in routes)
    check(S, f"{path}: updated is the newest entry's lastmod",
          root.findtext(ATOM + "updated") == newest, root.findtext(ATOM + "updated"))
    if "beta" in entries:
        e = entries["beta"]
        check(S, f"{path}: published is the date, updated the lastmod",
              e.findtext(ATOM + "published") == "2024-03-05T10:00:00Z" and
              e.findtext(ATOM + "updated") == "2024-04-01T12:00:00Z", "")
        check(S, f"{path}: summary from the description", e.findtext(ATOM + "summary") == "Second")
    if "alpha" in entries:
        e = entries["alpha"]
        cats = [c.get("term") for c in e.findall(ATOM + "category")]
        check(S, f"{path}: a category per tag, exact", cats == ["rust", BAD_TAG], cats)
        check(S, f"{path}: the entry's authors",
              [a.text for a in e.findall(f"{ATOM}author/{ATOM}name")] == [AUTHOR], "")
        content = e.find(ATOM + "content")
        html = content.text
        check(S, f"{path}: content is escaped HTML of the body",
              content.get("type") == "html" and "<em>fold</em> &amp; <i>raw</i>" in html, html)
        check(S, f"{path}: content is the {'full body' if full else 'summary'}",
              ("After the fold" in html) == full, html)
        fp = [x for x in d.entries if x.link == b + "alpha"][0]
        check(S, f"{path}: feedparser sees the dates and tags",
              fp.published_parsed[:3] == (2024, 1, 10) and
              [t.term for t in fp.tags] == ["rust", BAD_TAG], fp.get("published"))
    return body


POST_DATES = {"alpha": "2024-01-10T00:00:00Z", "gamma": "2023-06-01T00:00:00Z",
              "delta": "2022-02-02T00:00:00Z"}


def rss(site, path, routes, full=True):
    b = base(site)
    body = fetch(site, path, "application/rss+xml; charset=utf-8")
    xmllint(path, body)
    no_raw_markup(path, body)
    d = parsed(path, body, "rss20")
    check(S, f"{path}: entries, order and guids",
          [e.link for e in d.entries] == [b + r for r in routes] and
          [e.id for e in d.entries] == [b + r for r in routes], [e.link for e in d.entries])
    ch = ET.fromstring(body).find("channel")
    items = ch.findall("item")
    check(S, f"{path}: titles, exactly as written",
          [i.findtext("title") for i in items] == [TITLES[r] for r in routes], "")
    check(S, f"{path}: guids are permalinks",
          all(i.find("guid").get("isPermaLink") == "true" for i in items), "")
    self_url = b.rstrip("/") + path[len(site.mount) - 1:]
    atom_self = ch.find(ATOM + "link")
    check(S, f"{path}: channel link and atom:link self",
          atom_self is not None and atom_self.get("href") == self_url and
          ch.findtext("lastBuildDate"), "")
    if "beta" in routes:
        i = items[routes.index("beta")]
        check(S, f"{path}: pubDate in RFC 822",
              i.findtext("pubDate") == "Tue, 05 Mar 2024 10:00:00 GMT", i.findtext("pubDate"))
    if "alpha" in routes:
        i = items[routes.index("alpha")]
        check(S, f"{path}: a category per tag",
              [c.text for c in i.findall("category")] == ["rust", BAD_TAG], "")
        html = i.findtext("description")
        check(S, f"{path}: description is escaped HTML, {'full' if full else 'summary'}",
              "<em>fold</em>" in html and ("After the fold" in html) == full, html)
    return body


def jsonfeed(site, path, routes, full=True):
    b = base(site)
    body = fetch(site, path, "application/feed+json; charset=utf-8")
    try:
        j = json.loads(body.decode("utf-8"))
    except ValueError as e:
        check(S, f"{path}: parses as JSON", False, e)
        return
    self_url = b.rstrip("/") + path[len(site.mount) - 1:]
    check(S, f"{path}: JSON Feed 1.1 fields",
          j.get("version") == "https://jsonfeed.org/version/1.1" and
          j.get("feed_url") == self_url and j.get("home_page_url", "").startswith(b) and
          SITE_TITLE in j.get("title", "") and j.get("authors") == [{"name": SITE_AUTHOR}], j)
    items = j.get("items", [])
    check(S, f"{path}: items, order, ids and titles",
          [i.get("id") for i in items] == [b + r for r in routes] and
          [i.get("url") for i in items] == [b + r for r in routes] and
          [i.get("title") for i in items] == [TITLES[r] for r in routes], items)
    by = {i["id"][len(b):]: i for i in items}
    if "beta" in by:
        i = by["beta"]
        check(S, f"{path}: dates in RFC 3339, summary",
              i.get("date_published") == "2024-03-05T10:00:00Z" and
              i.get("date_modified") == "2024-04-01T12:00:00Z" and
              i.get("summary") == "Second" and i.get("tags") == ["Rust"], i)
    if "alpha" in by:
        i = by["alpha"]
        html = i.get("content_html", "")
        check(S, f"{path}: content_html, {'full' if full else 'summary'}",
              "<em>fold</em> &amp; <i>raw</i>" in html and ("After the fold" in html) == full,
              html)
        check(S, f"{path}: tags and authors exact",
              i.get("tags") == ["rust", BAD_TAG] and i.get("authors") == [{"name": AUTHOR}], i)


def sitemap_robots(site, routes):
    b = base(site)
    body = fetch(site, site.mount + "sitemap.xml", "application/xml; charset=utf-8")
    xmllint("sitemap.xml", body)
    root = ET.fromstring(body)
    locs = [u.findtext(SM + "loc") for u in root.findall(SM + "url")]
    posts = len(routes) + 1
    check(S, f"sitemap under {site.mount}: the index and every indexable post",
          locs[:posts] == [b] + [b + r for r in routes], locs)
    # Then the lists: the taxonomy, each term, the archive; each of them answers.
    lists = locs[posts:]
    check(S, f"sitemap under {site.mount}: the tags, each term and the archive",
          lists[:1] == [b + "tags/"] and lists[-1:] == [b + "archive/"] and
          b + "tags/rust/" in lists and len(lists) == 4, lists)
    for url in lists:
        got = fetch(site, site.mount + url[len(b):], "text/html; charset=utf-8")
        check(S, f"sitemap under {site.mount}: {url[len(b):]} answers", b"<h1>" in got, got[:200])
    mods = [u.findtext(SM + "lastmod") for u in root.findall(SM + "url")]
    check(S, f"sitemap under {site.mount}: lastmod as W3C dates",
          all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", m or "") for m in mods), mods)
    body = fetch(site, site.mount + "robots.txt", "text/plain; charset=utf-8")
    check(S, f"robots.txt under {site.mount} names the sitemap",
          body.decode() == f"User-agent: *\nAllow: {site.mount}\nSitemap: {b}sitemap.xml\n",
          body)


class Links(HTMLParser):
    """The <link rel="alternate"> elements in <head>."""

    def __init__(self):
        super().__init__()
        self.head, self.links = False, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self.head = True
        elif tag == "link" and self.head and a.get("rel") == "alternate":
            self.links.append((a.get("type"), a.get("title"), a.get("href")))

    def handle_endtag(self, tag):
        if tag == "head":
            self.head = False


def head_links(site, path, tag=None):
    status, _, body = site.get(path)
    p = Links()
    p.feed(body.decode())
    m = site.mount
    want = [("application/atom+xml", SITE_TITLE, m + "feed.xml"),
            ("application/rss+xml", SITE_TITLE, m + "rss.xml"),
            ("application/feed+json", SITE_TITLE, m + "feed.json")]
    if tag:
        name, at = tag
        want += [(t, f"Posts tagged {name} · {SITE_TITLE}", m + at[1:] + f)
                 for t, f in (("application/atom+xml", "feed.xml"),
                              ("application/rss+xml", "rss.xml"),
                              ("application/feed+json", "feed.json"))]
    check(S, f"{path} ({status}) links its feeds in <head>", p.links == want, p.links)
    for _, _, href in p.links[3:]:
        st, _, _ = site.get(href)
        check(S, f"{path}: its tag feed {href} answers", st == 200, st)


def conditional(site):
    status, h, body = site.get("/feed.xml")
    etag = h.get("etag", "")
    st2, h2, b2 = site.get("/feed.xml", headers={"If-None-Match": etag})
    check(S, "/feed.xml with its ETag is 304 without a body",
          etag and st2 == 304 and b2 == b"" and h2.get("etag") == etag, (st2, etag))
    st3, h3, b3 = site.get("/feed.json", headers={"If-Modified-Since": h.get("last-modified")})
    check(S, "/feed.json with If-Modified-Since is 304", st3 == 304, st3)
    st4, h4, b4 = site.get("/rss.xml", method="HEAD")
    check(S, "HEAD /rss.xml: 200, headers, no body",
          st4 == 200 and b4 == b"" and h4.get("content-type", "").startswith("application/rss")
          and int(h4.get("content-length", 0)) > 0, (st4, h4))
    st5, h5, _ = site.get("/feed.xml/")
    check(S, "/feed.xml/ is 301 to /feed.xml",
          st5 == 301 and h5.get("location") == "/feed.xml", (st5, h5.get("location")))
    for path in ("/tags/nope/feed.xml", "/tags/feed.xml", "/tags/rust/sitemap.xml"):
        st, _, _ = site.get(path)
        check(S, f"{path} is 404", st == 404, st)


def main():
    with make_site() as site:
        atom(site, "/feed.xml", ORDER)
        rss(site, "/rss.xml", ORDER)
        jsonfeed(site, "/feed.json", ORDER)
        atom(site, "/tags/rust/feed.xml", ["beta", "alpha"])
        rss(site, "/tags/rust/rss.xml", ["beta", "alpha"])
        jsonfeed(site, "/tags/rust/feed.json", ["beta", "alpha"])
        atom(site, BAD_TAG_PATH + "feed.xml", ["alpha"])
        rss(site, BAD_TAG_PATH + "rss.xml", ["alpha"])
        jsonfeed(site, BAD_TAG_PATH + "feed.json", ["alpha"])
        sitemap_robots(site, ["beta", "alpha", "gamma"])
        conditional(site)
        head_links(site, "/")
        head_links(site, "/alpha")
        head_links(site, "/tags/")
        head_links(site, "/tags/rust/", ("Rust", "/tags/rust/"))
        head_links(site, BAD_TAG_PATH, (BAD_TAG, BAD_TAG_PATH))
        head_links(site, "/no-such-page")
    with make_site(config_extra="feed:\n  content: summary\n  size: 2\n") as site:
        atom(site, "/feed.xml", ORDER[:2], full=False)
        rss(site, "/rss.xml", ORDER[:2], full=False)
        jsonfeed(site, "/feed.json", ORDER[:2], full=False)
        _, _, body = site.get("/feed.json")
        beta = json.loads(body)["items"][0]["content_html"]
        check(S, "summary without <!--more--> is the first paragraph",
              "first paragraph" in beta and "second" not in beta, beta)
    with make_site(mount="/blog/") as site:
        atom(site, "/blog/feed.xml", ORDER)
        jsonfeed(site, "/blog/tags/rust/feed.json", ["beta", "alpha"])
        sitemap_robots(site, ["beta", "alpha", "gamma"])
        head_links(site, "/blog/")
        head_links(site, "/blog/tags/rust/", ("Rust", "/tags/rust/"))
    finish()


if __name__ == "__main__":
    main()
