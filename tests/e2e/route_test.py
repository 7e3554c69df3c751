"""route_test.py — the route table end to end: one address per page, redirects in one
step, the answers of the conditional fields, the words of each status, addresses a post
may not take, and Last-Modified across scheduled publishing. After each hostile answer
the next ordinary request is served whole."""
import time

from harness import Site, cgi_parse, check, fcgi_request, finish, wait_for

S = "route"
FIRST = "/on-node-go-concurrency"




def fcgi(site, target, method="GET", headers=None):
    params = [(b"REQUEST_METHOD", method.encode()), (b"REQUEST_URI", target.encode())]
    for k, v in (headers or {}).items():
        params.append((b"HTTP_" + k.upper().replace("-", "_").encode(), v.encode()))
    return cgi_parse(fcgi_request(site.sock, params))


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def still_serves(site, after):
    st, h, body = site.get(FIRST)
    check(S, f"after {after}: the first post is served whole",
          st == 200 and body.endswith(b"</html>\n") and
          h.get("content-length") == str(len(body)), (st, len(body)))


def not_modified(site):
    st, h, _ = fcgi(site, FIRST)
    etag, lm = h.get("etag"), h.get("last-modified")
    for name, hdrs in (("If-None-Match", {"If-None-Match": etag}),
                       ("If-Modified-Since", {"If-Modified-Since": lm})):
        for method in ("GET", "HEAD"):
            st2, h2, body = fcgi(site, FIRST, method, hdrs)
            check(S, f"{method} with {name}: 304 with no Content-Length and no body",
                  st2 == 304 and "content-length" not in h2 and body == b"" and
                  h2.get("etag") == etag, (st2, h2))
    still_serves(site, "304")


def preconditions(site):
    _, h, _ = fcgi(site, FIRST)
    etag, lm = h.get("etag"), h.get("last-modified")
    cases = [
        ("If-Match with its ETag", {"If-Match": etag}, 200),
        ("If-Match *", {"If-Match": "*"}, 200),
        ("If-Match with another ETag", {"If-Match": '"0123"'}, 412),
        ("If-Match with the weak form of its ETag", {"If-Match": "W/" + etag}, 412),
        ("If-Unmodified-Since its time", {"If-Unmodified-Since": lm}, 200),
        ("If-Unmodified-Since long ago",
         {"If-Unmodified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"}, 412),
        ("If-Unmodified-Since that does not parse", {"If-Unmodified-Since": "yesterday"}, 200),
        # RFC 9110 13.2.2: If-Match first, and it makes If-Unmodified-Since ignored.
        ("If-Match fails before If-None-Match matches",
         {"If-Match": '"nope"', "If-None-Match": etag}, 412),
        ("If-Match holds, If-Unmodified-Since ignored",
         {"If-Match": etag, "If-Unmodified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"}, 200),
        ("If-Match holds, then If-None-Match matches", {"If-Match": etag, "If-None-Match": etag},
         304),
    ]
    for name, hdrs, want in cases:
        for method in ("GET", "HEAD"):
            st, h2, body = fcgi(site, FIRST, method, hdrs)
            ok = st == want
            if want == 412:
                ok = ok and (method == "HEAD" and body == b"" or
                             b"Precondition Failed" in body)
            check(S, f"{method} {name}: {want}", ok, (st, body[:80]))
    st, _, body = site.get(FIRST, headers={"If-Match": '"nope"'})
    check(S, "through nginx, a failed If-Match is 412 with the layout's page",
          st == 412 and b"<!DOCTYPE html>" in body, st)
    still_serves(site, "412")


def redirects(site):
    cases = [
        ("/tags/rust/page/1/", "/tags/rust/"),
        ("/tags/rust/page/1", "/tags/rust/"),
        ("/tags/rust", "/tags/rust/"),
        ("/page/1", "/"),
        ("/page/1/", "/"),
        ("/tags", "/tags/"),
        ("/on%2Dnode-go-concurrency", FIRST),
        ("/on%2dnode-go-concurrency", FIRST),
        ("/%6Fn-node-go-concurrency", FIRST),
        ("/on-node-go-concurrency%7E", None),
        ("/feed.xml/", "/feed.xml"),
        ("/tags/rust/feed%2Exml", "/tags/rust/feed.xml"),
        ("//tags//rust//", "/tags/rust/"),
    ]
    for target, want in cases:
        st, h, _ = site.get(target)
        if want is None:
            check(S, f"{target}: 404 (another name, not another spelling)", st == 404, st)
            continue
        loc = h.get("location")
        ok = st == 301 and loc == want
        if ok:
            st2, _, _ = site.get(loc)
            ok = st2 == 200
        check(S, f"{target}: one 301 to {want}, which is 200", ok, (st, loc))
    for target in ("/page/2", "/page/2/", "/tags/rust/page/2", "/tags/rust/page/9/"):
        st, h, _ = site.get(target)
        check(S, f"{target} past the last page: 404 at once", st == 404, (st, h.get("location")))
    still_serves(site, "redirects")


def words(site, now):
    st, _, body = site.get("/gone")
    text = body.decode()
    check(S, "an expired post: 410 that says it was taken down",
          st == 410 and "taken down" in text and "went wrong" not in text, (st, text[:300]))
    st, _, body = site.get("/no-such-page")
    check(S, "404 says there is nothing here, not that something went wrong",
          st == 404 and "nothing at this address" in body.decode() and
          b"went wrong" not in body, st)


RESERVED = {
    "r-feed.md": "/feed.xml",
    "r-rss.md": "/rss.xml",
    "r-sitemap.md": "/sitemap.xml",
    "r-robots.md": "/robots.txt",
    "r-page.md": "/page/3",
    "r-tags.md": "/tags",
    "r-tag.md": "/tags/rust",
    "r-tagfeed.md": "/tags/rust/feed.json",
    "r-static.md": "/static/style.css",
    "r-subfeed.md": "/notes/feed.xml",
}


def reserved(site):
    log = site.read_log()
    for name, route in RESERVED.items():
        check(S, f"a post with route {route} is refused with a log line naming it",
              f"{name}: route {route} is an address quire makes itself" in log, log[-600:])
    index = site.get("/")[2]
    smap = site.get("/sitemap.xml")[2]
    feed = site.get("/feed.xml")[2]
    check(S, "refused posts are not listed, not in the sitemap, not in the feed",
          b"Hijack" not in index and b"Hijack" not in feed and b"/feed.xml<" not in smap and
          b"/robots.txt<" not in smap, "")
    st, h, body = site.get("/robots.txt")
    check(S, "/robots.txt is still quire's", st == 200 and body.startswith(b"User-agent"), st)
    st, h, body = site.get("/feed.xml")
    check(S, "/feed.xml is still the feed",
          st == 200 and h.get("content-type", "").startswith("application/atom+xml"), st)
    st, _, body = site.get("/tags/rust/")
    check(S, "/tags/rust/ is still the tag's list", st == 200 and b"Hijack" not in body, st)
    still_serves(site, "reserved routes")


def ancient(site):
    """A date before the year 1000 is written with four digits everywhere."""
    for path, want in (("/feed.xml", b"<published>0500-03-01T00:00:00Z</published>"),
                       ("/feed.json", b'"date_published": "0500-03-01T00:00:00Z"'),
                       ("/rss.xml", b"<pubDate>Mon, 01 Mar 0500 00:00:00 GMT</pubDate>"),
                       ("/ancient", b'datetime="0500-03-01T00:00:00Z"')):
        st, _, body = site.get(path)
        check(S, f"{path}: the year 500 has four digits", st == 200 and want in body,
              body[body.find(b"0500") - 80:body.find(b"0500") + 40] if b"0500" in body else st)


def last_modified(site):
    """A post scheduled a few seconds ahead goes live: the index's Last-Modified moves, and
    If-Modified-Since with the old time gets the new page, not 304."""
    at = int(time.time()) + 3
    site.write_post("later.md", f"---\ntitle: Later on\nroute: /later\npublishDate: {iso(at)}\n"
                    "---\nx\n")
    _, h, _ = site.get("/")
    before = h.get("last-modified")
    check(S, "before a scheduled post's time, the index is older than it",
          before and time.mktime(time.strptime(before, "%a, %d %b %Y %H:%M:%S GMT")) -
          time.timezone < at and b"Later on" not in site.get("/")[2], before)
    while time.time() < at + 1.2:
        time.sleep(0.1)
    wait_for(lambda: b"Later on" in site.get("/")[2], 5)
    for path in ("/", "/feed.xml", "/sitemap.xml"):
        st, h, body = site.get(path, headers={"If-Modified-Since": before})
        check(S, f"{path} after a post went live: 200 for the old If-Modified-Since",
              st == 200 and b"later" in body.lower() and h.get("last-modified") != before,
              (st, before, h.get("last-modified")))
    still_serves(site, "scheduled publishing")


def main():
    now = int(time.time())
    with Site() as site:
        site.write_post("gone.md", f"---\ntitle: Long gone\nroute: /gone\n"
                        f"expiryDate: {iso(now - 60)}\n---\nx\n")
        site.write_post("ancient.md", "---\ntitle: Ancient\nroute: /ancient\ndate: 0500-03-01\n---\nx\n")
        site.write_post("tagged.md", "---\ntitle: Tagged\nroute: /tagged\ntags: [rust]\n---\nx\n")
        for name, route in RESERVED.items():
            site.write_post(name, f"---\ntitle: Hijack {route}\nroute: \"{route}\"\n---\nx\n")
        site.start()
        not_modified(site)
        preconditions(site)
        redirects(site)
        words(site, now)
        reserved(site)
        ancient(site)
        last_modified(site)
    finish()


if __name__ == "__main__":
    main()
