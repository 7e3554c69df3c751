"""search_test.py — /search on SQLite FTS5 (issue 13) through nginx, the micro-cache and
CGI: ranking (a title above a body), stemming, diacritics, phrases, prefixes, exclusion,
tag: filters, snippets escaped, drafts and scheduled posts never found until live, a
deleted post gone and a renamed one found at its new address at once, an edit searchable
within moments; hostile queries (FTS5 syntax, 257 bytes, bytes that are not UTF-8, pages
out of range); HEAD, 304, noindex, Cache-Control; /search.json and /opensearch.xml; a
damaged index made anew with one log line; no state folder (in memory)."""
import json
import os
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote

from harness import QUIRE, Site, check, finish, sanitizer_report, wait_for

S = "search"
STATE = "state: ../state\n"


def post(title, body, extra="", date="2024-01-01"):
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\n{body}\n"


POSTS = {
    "zebra-title.md": post("Zebra crossings", "A note on roads.", "tags: [roads]\n"),
    "zebra-body.md": post("Animals", "The zebra and the zebra foal; zebra herds. Stripes.",
                          "tags: [animals]\ncategories: [Wild Life]\n"),
    "running.md": post("Exercise", "He runs every morning, a quick brown fox."),
    "cafe.md": post("Coffee", "The café on the corner."),
    "script.md": post("Markup", "Zebra text with `<script>alert(1)</script>` in code."),
    "draft.md": post("Secret zebra", "Unicorn draft text.", "draft: true\n"),
    "about.md": "---\ntitle: About this site\ntype: page\n---\nA page that mentions okapi.\n",
}


def titles(body):
    return re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', body.decode(errors="replace"))


def search(site, q, extra=""):
    return site.get("/search?q=" + quote(q) + extra)


def found(site, q):
    return titles(search(site, q)[2])


def basics(site):
    st, h, body = search(site, "zebra")
    got = titles(body)
    check(S, "a title match ranks above body matches", st == 200 and got[:1] == ["Zebra crossings"]
          and "Animals" in got, got)
    check(S, "drafts are never found", "Secret zebra" not in got and
          found(site, "unicorn") == [], got)
    check(S, "a page is searchable", found(site, "okapi") == ["About this site"], "")
    check(S, "stemming: running finds runs", found(site, "running") == ["Exercise"], "")
    check(S, "diacritics: cafe finds café", found(site, "cafe") == ["Coffee"], "")
    check(S, "a phrase", found(site, '"quick brown"') == ["Exercise"] and
          found(site, '"brown quick"') == [], "")
    check(S, "a prefix", set(found(site, "zeb*")) >= {"Zebra crossings", "Animals"}, "")
    check(S, "exclusion", "Animals" not in found(site, "zebra -stripes") and
          "Zebra crossings" in found(site, "zebra -stripes"), found(site, "zebra -stripes"))
    check(S, "tag: narrows to a term", found(site, "zebra tag:animals") == ["Animals"], "")
    check(S, "tag: any taxonomy, as written", found(site, 'tag:"Wild Life"') == ["Animals"], "")
    text = body.decode()
    check(S, "the words found are marked", "<mark>zebra</mark>" in text.lower(), text[-800:])
    st, _, body = search(site, "alert")
    check(S, "a snippet is escaped: <script> shows as text",
          b"&lt;script&gt;" in body and b"<script>alert" not in body, body[-600:])
    check(S, "noindex: header and meta", h.get("x-robots-tag") == "noindex" and
          b'<meta name="robots" content="noindex">' in search(site, "zebra")[2], h)
    check(S, "Cache-Control and an ETag", "cache-control" in h and "etag" in h, h)
    st2, h2, b2 = site.get("/search?q=zebra", headers={"If-None-Match": h.get("etag", "")})
    check(S, "a repeated search: 304 for its ETag", st2 == 304 and b2 == b"", st2)
    st3, h3, b3 = site.get("/search?q=zebra", method="HEAD")
    check(S, "HEAD: the headers, no body", st3 == 200 and b3 == b"" and h3.get("etag") == h["etag"],
          st3)
    for q in ('title:zebra OR NEAR(x y)', 'zebra" OR "x', "*", "-", "^zebra", "{title}: x",
              "zebra AND", "rowid:1", "fts MATCH 'x'"):
        st, _, body = search(site, q)
        check(S, f"FTS5 syntax is text: {q!r}", st == 200 and b"<h1>Search</h1>" in body, st)
    st, _, body = site.get("/search?q=" + "a" * 257)
    check(S, "257 bytes: 400 with the search page", st == 400 and b"<h1>Search</h1>" in body, st)
    st, _, body = site.get("/search?q=%ff%fe")
    check(S, "not UTF-8: 400 with the search page", st == 400 and b'role="alert"' in body, st)
    st, _, body = site.get("/search?q=%zz")
    check(S, "a malformed escape: 400", st == 400, st)
    st, _, body = site.get("/search?q=")
    check(S, "an empty query: the page, no results", st == 200 and titles(body) == [] and
          b"Nothing found" not in body, st)
    st, _, body = site.get("/search")
    check(S, "no query at all: the page", st == 200 and b"<form" in body, st)
    for extra in ("&page=99", "&page=0", "&page=abc", "&page=01", "&page=-1"):
        check(S, f"page out of range or not a number ({extra}): 404",
              search(site, "zebra", extra)[0] == 404, "")
    st, h, body = site.get("/search.json?q=zebra")
    doc = json.loads(body) if st == 200 else {}
    check(S, "/search.json: results as JSON", st == 200 and
          h.get("content-type", "").startswith("application/json") and doc.get("count", 0) >= 2
          and doc["results"][0]["title"] == "Zebra crossings" and
          doc["results"][0]["url"].endswith("/zebra-title"), doc)
    st, h, body = site.get("/search.json?q=%ff")
    check(S, "/search.json: 400 for a bad query", st == 400 and json.loads(body) == {"error": 400},
          body)
    st, h, body = site.get("/opensearch.xml")
    root = ET.fromstring(body) if st == 200 else None
    urls = [u.get("template") for u in root] if root is not None else []
    check(S, "/opensearch.xml describes the search", st == 200 and
          h.get("content-type", "").startswith("application/opensearchdescription+xml") and
          any(u and u.endswith("/search?q={searchTerms}") for u in urls), urls)
    home = site.get("/")[2]
    check(S, "every page links the OpenSearch description and has a search box",
          b'rel="search" type="application/opensearchdescription+xml"' in home and
          b'<form class="site-search" role="search"' in home and
          b'<label class="visually-hidden" for="site-search-q">' in home, "")


def changes(site):
    t0 = time.monotonic()
    site.write_post("zebra-body.md", POSTS["zebra-body.md"].replace("Stripes.", "Stripes. Quagga."))
    ok = wait_for(lambda: found(site, "quagga") == ["Animals"], 5)
    check(S, "an edit is searchable at once", ok, f"{time.monotonic() - t0:.2f} s")
    os.unlink(os.path.join(site.posts, "cafe.md"))
    check(S, "a deleted post is gone from results", wait_for(lambda: found(site, "cafe") == [], 5),
          "")
    site.write_post("running.md", post("Exercise", "He runs every morning, a quick brown fox.",
                                       "route: /moved-run\n"))

    def moved():
        return re.findall(r'<h2><a href="([^"]*)">Exercise', search(site, "running")[2].decode())
    check(S, "a renamed post is found at its new address", wait_for(lambda: moved() == ["/moved-run"],
                                                                     5), moved())
    soon = time.gmtime(time.time() + 3)
    site.write_post("later.md", post("Later", "Wombat news.", "publishDate: "
                                     + time.strftime("%Y-%m-%dT%H:%M:%SZ", soon) + "\n"))
    time.sleep(1)
    check(S, "a scheduled post is not found before its time", found(site, "wombat") == [], "")
    check(S, "... and is found once it is live", wait_for(lambda: found(site, "wombat") == ["Later"],
                                                          8), "")


def cgi(site, path):
    env = {"QUIRE_CONFIG": site.config, "PATH": os.environ.get("PATH", ""),
           "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "REQUEST_URI": path}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    p = subprocess.run([QUIRE], env=env, capture_output=True, timeout=30)
    report = sanitizer_report(p.stderr.decode(errors="replace"))
    if report:
        check(S, "CGI: sanitizer report", False, report)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def cgi_mode():
    with Site(copy_posts=False, config_extra=STATE) as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        rc, out, err = cgi(site, "/search?q=zebra")
        check(S, "CGI: a search makes the missing index and answers", rc == 0 and
              out.startswith(b"Status: 200") and b">Zebra crossings</a>" in out, (out[:200], err))
        db = os.path.join(site.dir, "state", "search.db")
        check(S, "CGI: the index is in the state folder", os.path.exists(db), "")
        mtime = os.stat(db).st_mtime_ns
        rc, out, err = cgi(site, "/search?q=running")
        check(S, "CGI: the next search reads it as it is", rc == 0 and b">Exercise</a>" in out
              and os.stat(db).st_mtime_ns == mtime, err)
        site.write_post("new.md", post("Newcomer", "Aardvark text."))
        rc, out, err = cgi(site, "/search?q=aardvark")
        check(S, "CGI: an index behind the posts is brought up to date first",
              rc == 0 and b">Newcomer</a>" in out, (out[:200], err))
        rc, out, _ = cgi(site, "/search?q=%ff")
        check(S, "CGI: 400 for a bad query", out.startswith(b"Status: 400"), out[:40])
        rc, out, _ = cgi(site, "/search.json?q=zebra")
        check(S, "CGI: /search.json", rc == 0 and b'"title": "Zebra crossings"' in out, out[:200])


def damaged_and_memory():
    with Site(copy_posts=False, config_extra=STATE) as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        site.start()
        wait_for(lambda: found(site, "zebra") != [], 5)
        site.terminate(5)
        db = os.path.join(site.dir, "state", "search.db")
        for extra in ("-wal", "-shm"):
            if os.path.exists(db + extra):
                os.unlink(db + extra)
        with open(db, "wb") as f:
            f.write(b"this is not a database" * 100)
        site.start_quire()
        ok = wait_for(lambda: found(site, "zebra")[:1] == ["Zebra crossings"], 5)
        log = site.read_log()
        check(S, "a damaged search.db is made anew, with one log line",
              ok and log.count("made anew") == 1, log[-600:])
    with Site(copy_posts=False) as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        site.start()
        check(S, "no state folder: the index is kept in memory",
              wait_for(lambda: found(site, "zebra")[:1] == ["Zebra crossings"], 5), "")
        check(S, "... and follows edits", (site.write_post("new.md", post("N", "Aardvark.")) and
                                            wait_for(lambda: found(site, "aardvark") == ["N"], 5)),
              "")
    with Site(copy_posts=False, config_extra="search:\n  enabled: false\n") as site:
        site.write_post("a.md", post("A", "zebra"))
        site.start()
        check(S, "search.enabled: false: /search is 404", site.get("/search?q=zebra")[0] == 404, "")


def many():
    """300 posts: the index is made with the second thread reading them ahead of the writer
    (search.c's feed), every one of them found, in order of rank."""
    with Site(copy_posts=False, config_extra=STATE) as site:
        for i in range(300):
            word = "quagga" if i % 3 == 0 else "other"
            site.write_post(f"p{i:03d}.md", post(f"Post {i:03d}", f"Text of number w{i:03d} {word}."))
        site.start()
        ok = wait_for(lambda: found(site, "w299") == ["Post 299"], 10)
        every = all(found(site, f"w{i:03d}") == [f"Post {i:03d}"] for i in (0, 63, 64, 127, 128, 200))
        check(S, "300 posts: each is indexed, through the feed thread", ok and every, "")
        st, _, js = site.get("/search.json?q=quagga")
        n = json.loads(js).get("count") if st == 200 else None
        check(S, "300 posts: the count of a word in a third of them", n == 100, (st, n))
        log = site.read_log()
        check(S, "300 posts: nothing went wrong in the log", "ERROR" not in log and
              not sanitizer_report(log), log[-800:])


def microcache():
    with Site(copy_posts=False, config_extra=STATE, microcache=True) as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        site.start()
        wait_for(lambda: found(site, "zebra") != [], 5)
        a, b = found(site, "okapi"), found(site, "cafe")
        check(S, "micro-cache: the query string is part of the key", a == ["About this site"] and
              b == ["Coffee"], (a, b))


def main():
    with Site(copy_posts=False, config_extra=STATE + "search:\n  per_page: 2\n") as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        site.start()
        wait_for(lambda: found(site, "zebra") != [], 5)
        st, _, body = search(site, "zebra", "&page=2")
        check(S, "results are paginated (per_page: 2)", st == 200 and len(titles(body)) >= 1 and
              b'rel="prev"' in body, st)
    with Site(copy_posts=False, config_extra=STATE) as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        site.start()
        wait_for(lambda: found(site, "zebra") != [], 5)
        basics(site)
        changes(site)
        log = site.read_log()
        check(S, "nothing went wrong in the log", "search failed" not in log and
              "cannot" not in log, log[-800:])
    cgi_mode()
    damaged_and_memory()
    many()
    microcache()
    finish()


if __name__ == "__main__":
    main()
