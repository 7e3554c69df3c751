"""hostile_request_test.py — cases 1 to 20 of the hostile-input catalogue (requests):
each input sent through a real nginx and the same on quire's raw FastCGI socket (nginx
answers some inputs itself), or on the raw socket alone for the FastCGI-level cases.
After each case the first post is still served whole by the same worker, nothing of
the site's files leaked, and quire logged at most one line."""
import json
import os
import re
import socket
import subprocess
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from harness import (FCGI_BEGIN, QUIRE, Site, cgi_parse, check, fcgi_exchange, fcgi_request, finish,
                     sanitizer_report, serving)

S = "hostile"
FIRST = "/on-node-go-concurrency"
HTTP_DATE = "%a, %d %b %Y %H:%M:%S GMT"
ATOM = "{http://www.w3.org/2005/Atom}"
# Case 18: one string that breaks out of text, of an attribute and of <title>.
EVIL = "</title><script>alert(1)</script>\"><img src=x onerror=alert(2)>'&"
EVIL_YAML = EVIL.replace("\\", "\\\\").replace('"', '\\"')
POSTS = {
    "xss.md": f'---\ntitle: "{EVIL_YAML}"\nroute: xss\ndescription: "{EVIL_YAML}"\n'
              f'tags: ["{EVIL_YAML}", "<b>bold</b>"]\n---\nBody of the hostile post.\n',
    "js.md": "---\ntitle: Script links\nroute: js\n---\n"
             "[a](javascript:alert(1)) [b](JavaScript:alert(1)) <javascript:alert(2)> "
             "![i](javascript:alert(3)) [r][ref] [e](java&#115;cript:alert(4)) "
             "[v](vbscript:msgbox(1)) [d](data:text/html;base64,PHNjcmlwdD4=) "
             '<a href="javascript:alert(5)">raw</a> [fine](https://example.org/)\n\n'
             "[ref]: javascript:alert(6)\n",
    "crlf-route.md": '---\ntitle: CRLF route\nroute: "bad\\r\\nSet-Cookie: a=b"\n---\nx\n',
    "nul-route.md": '---\ntitle: NUL route\nroute: "nul\\0route"\n---\nx\n',
    "crlf-alias.md": '---\ntitle: CRLF alias\nroute: crlf-alias\n'
                     'aliases: ["/old\\r\\nSet-Cookie: a=b", "/old-fine"]\n'
                     'tags: ["t\\r\\nX-Injected: z"]\n---\nx\n',
    "nul-alias.md": '---\ntitle: NUL alias\nroute: nul-alias\naliases: ["/gone\\0x"]\n---\nx\n',
}




def fcgi(site, method, target, headers=None, extra=(), **kw):
    """The request on quire's raw socket, as nginx would pass it."""
    params = [(b"REQUEST_METHOD", method.encode()), (b"REQUEST_URI", target.encode())]
    for k, v in (headers or {}).items():
        params.append((b"HTTP_" + k.upper().replace("-", "_").encode(), v.encode()))
    return cgi_parse(fcgi_request(site.sock, params + list(extra), **kw))


def ask(site, target, method="GET", headers=None):
    """The same request through nginx and on quire's raw socket: two answers."""
    return site.get(target, method, headers), fcgi(site, method, target, headers)


def raw_http(site, data):
    """Bytes written to nginx exactly as given, on a connection of their own."""
    s = socket.create_connection(("127.0.0.1", site.port), 10)
    try:
        s.sendall(data)
        out = b""
        while chunk := s.recv(65536):
            out += chunk
        return cgi_parse(out)
    finally:
        s.close()


def by_nginx(body):
    return b"<center>nginx" in body


def leaked(site, body):
    """Anything of the site's files in a body: their folder, /etc/passwd, the config."""
    return any(x in body for x in (site.dir.encode(), b"root:", b"test.yaml", b"allow_root"))


class Case:
    """One case: its requests, each answer kept, and the checks every case ends with:
    nothing leaked, the first post whole, the same worker, at most one new log line."""

    def __init__(self, site, ref, n):
        self.site, self.ref, self.n = site, ref, n
        self.lines = len(site.read_log().splitlines())
        self.worker = serving(site.quire.pid)
        self.answers = []

    def check(self, name, ok, why=""):
        return check(S, f"case {self.n}: {name}", ok, why)

    def keep(self, *answers):
        self.answers += answers
        return answers[0] if len(answers) == 1 else answers

    def ask(self, *a, **kw):
        return self.keep(*ask(self.site, *a, **kw))

    def fcgi(self, *a, **kw):
        return self.keep(fcgi(self.site, *a, **kw))

    def raw(self, data):
        return self.keep(raw_http(self.site, data))

    def get(self, *a, **kw):
        return self.keep(self.site.get(*a, **kw))

    def end(self):
        bad = [b[:120] for _, _, b in self.answers if leaked(self.site, b)]
        self.check(f"nothing of the site's files in any of {len(self.answers)} answers",
                   not bad, bad)
        st, h, body = self.site.get(FIRST)
        self.check("the next ordinary request is served whole",
                   st == 200 and body == self.ref and h.get("content-length") == str(len(body)),
                   (st, len(body), len(self.ref)))
        worker = serving(self.site.quire.pid)
        self.check("the same worker still serves (no crash)", worker == self.worker,
                   (self.worker, worker))
        log = self.site.read_log()
        new = log.splitlines()[self.lines:]
        self.check("at most one log line, no sanitizer report",
                   len(new) <= 1 and not sanitizer_report(log), new)


def case1(c):
    for path in ("/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/p/....//",
                 "/../conf/test.yaml", "/%2e%2e%2fconf%2ftest.yaml", "/conf/test.yaml",
                 "/posts/on-node-go-concurrency.md", "/on-node-go-concurrency.md", "/.",
                 "/%2e", "/..%5c..%5cetc%5cpasswd"):
        (st, _, body), (qst, _, _) = c.ask(path)
        c.check(f"{path} is 404 or 400 (nginx), 404 (quire)",
                (st == 404 or (st == 400 and by_nginx(body))) and qst == 404, (st, qst))


def case2(c):
    ref = c.ref
    for path, want in (("/no%2Fsuch", 404), ("/%252e%252e%252fetc%252fpasswd", 404),
                       ("/on-node%252Dgo-concurrency", 404), ("/on-node%2Dgo-concurrency", 301)):
        (st, h, body), (qst, qh, qbody) = c.ask(path)
        same = want != 301 or (h.get("location") == FIRST and qh.get("location") == FIRST)
        c.check(f"{path} is decoded exactly once: {want}", st == want and qst == want and same,
                (st, qst))
    # The decoded %2F is a slash like any other: here a trailing one (README).
    (st, h, _), (qst, qh, _) = c.ask(FIRST + "%2F")
    c.check("a route ending in %2F is 301 to the route, as with a slash",
            st == qst == 301 and h.get("location") == qh.get("location") == FIRST,
            (st, qst, h.get("location")))


def case3(c):
    for path in ("/%00", "/a%00.md", FIRST + "?%00", FIRST + "?a=1%00", FIRST + "?%00=x"):
        (st, _, _), (qst, _, _) = c.ask(path)
        c.check(f"{path} is 400", st == qst == 400, (st, qst))
    st, _, body = c.raw(b"GET /a\x00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    c.check("a raw NUL in the request line: nginx refuses it (400)",
            st == 400 and by_nginx(body), (st, body[:60]))
    # Parameters are handed to the request as C strings: a value ends at its NUL (README).
    params = [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", FIRST.encode() + b"\x00/../x")]
    st, _, body = c.keep(cgi_parse(fcgi_request(c.site.sock, params)))
    c.check("NUL inside a FastCGI parameter: the value ends there (the post)",
            st == 200 and body == c.ref, st)
    params = [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/x\x00/../../etc/passwd")]
    answer = c.keep(cgi_parse(fcgi_request(c.site.sock, params)))
    c.check("NUL inside a FastCGI parameter: never a file (404)", answer[0] == 404, answer[0])
    params = [(b"REQUEST_METHOD", b"POST\x00GET"), (b"REQUEST_URI", FIRST.encode())]
    st, h, _ = c.keep(cgi_parse(fcgi_request(c.site.sock, params)))
    c.check("NUL inside REQUEST_METHOD: the method before it (POST: 405)",
            st == 405 and h.get("allow") == "GET, HEAD", st)


def case4(c):
    long = "/" + "a" * 8192
    (st, _, body), (qst, _, _) = c.ask(long)
    c.check("a URI of 8 KB: nginx 414, quire 404", st == 414 and by_nginx(body) and qst == 404,
            (st, qst))
    # 200 KB: within the 256 KiB quire takes of a request's parameters (fcgi.h);
    # past it the answer is 400 (fcgi_stream_test.py).
    mb = 200 * 1024
    for name, uri, want in (("200 KB of one segment", "/" + "a" * mb, 404),
                            ("200 KB of segments", "/a" * (mb // 2), 404),
                            ("200 KB of escapes", "/" + "%41" * (mb // 3), 404),
                            ("200 KB of dot segments", "/./" * (mb // 3), 404),
                            ("200 KB of slashes", "/" * mb, 301),
                            ("200 KB of query", FIRST + "?" + "q" * mb, 200)):
        t0 = time.monotonic()
        answer = c.fcgi("GET", uri, timeout=10)
        took = time.monotonic() - t0
        c.check(f"{name} over raw FastCGI: {want} within 2 s", answer[0] == want and took < 2,
                (answer[0], round(took, 3)))


def case5(c):
    for path in ("/%C0%AE", "/%FF", "/%C0%AE%C0%AE/etc/passwd", "/caf%C3", "/%ED%A0%80"):
        answers = c.ask(path)
        ok = all(st == 404 and utf8(b) and b"\xc0" not in b and b"\xff" not in b and
                 b"\xed\xa0" not in b for st, _, b in answers)
        c.check(f"{path} is 404, valid UTF-8, nothing reflected", ok, [a[0] for a in answers])
    st, _, body = c.raw(b"GET /\xff\xc0\xae HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    c.check("raw bytes \\xff\\xc0\\xae through nginx: 404, nothing reflected",
            st == 404 and b"\xff" not in body and b"\xc0" not in body, st)


def utf8(body):
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def case6(c):
    for path in ("/%0d%0a", "/%0a", "/%0D%0ASet-Cookie:%20a=b", "/x%0d%0aSet-Cookie:%20a=b",
                 FIRST + "?%0a", FIRST + "?x=%0d%0aSet-Cookie:%20a=b", FIRST + "/%0d"):
        (st, h, _), (qst, qh, _) = c.ask(path)
        c.check(f"{path} is 400, no header made of it",
                st == qst == 400 and "set-cookie" not in h and "set-cookie" not in qh, (st, qst))


def case7(c):
    for path, want, location in (("/On-Node-Go-Concurrency", 404, None),
                                 (FIRST + "/", 301, FIRST), ("/" + FIRST, 301, FIRST),
                                 (FIRST + "//", 301, FIRST), ("//" + FIRST + "/", 301, FIRST),
                                 (FIRST + "?", 200, None), (FIRST, 200, None)):
        (st, h, body), (qst, qh, qbody) = c.ask(path)
        ok = st == qst == want and h.get("location") == qh.get("location") == location
        if want == 200:
            ok = ok and body == qbody == c.ref
        c.check(f"{path}: {want}" + (f" to {location}" if location else ""), ok,
                (st, qst, h.get("location")))


def case8(c):
    _, ref_h, _ = c.get(FIRST)
    for query in ("?a=1&a=2", "?%zz", "?a[]=1&a[b]=2&=&&", "?%"):
        (st, h, body), (qst, _, qbody) = c.ask(FIRST + query)
        c.check(f"{query}: the same page as without", st == qst == 200 and body == qbody == c.ref
                and h.get("etag") == ref_h.get("etag"), (st, qst))
    (st, _, body), (qst, _, qbody) = c.ask(FIRST + "?" + "q=1&" * 25000)
    c.check("100 KB of query: nginx 414, quire the same page as without",
            st == 414 and by_nginx(body) and qst == 200 and qbody == c.ref, (st, qst))


def case9(c):
    try:
        out = fcgi_exchange(c.site.sock, FCGI_BEGIN, close_write=True)
    except OSError as e:
        out = repr(e).encode()
    c.check("BEGIN then EOF: 400 or dropped, at once", out == b"" or cgi_parse(out)[0] == 400,
            out[:80])
    for name, params in (("no parameters", []),
                         ("no REQUEST_METHOD", [(b"REQUEST_URI", FIRST.encode())]),
                         ("no REQUEST_URI", [(b"REQUEST_METHOD", b"GET")]),
                         ("empty REQUEST_URI",
                          [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"")])):
        st, _, body = c.keep(cgi_parse(fcgi_request(c.site.sock, params)))
        c.check(f"{name}: 400", st == 400 and body.endswith(b"</html>\n"), st)


def case10(c):
    for path in (FIRST, "/", "/nothing-here", FIRST + "/", "/feed.xml", "/%00"):
        st, h, body = c.get(path)
        hst, hh, hbody = c.get(path, method="HEAD")
        h.pop("date", None)
        hh.pop("date", None)
        c.check(f"HEAD {path} through nginx: GET's status and headers, no body",
                hst == st and hh == h and hbody == b"", (st, hst, h, hh))
        get, head = (fcgi_request(c.site.sock, [(b"REQUEST_METHOD", m),
                                                (b"REQUEST_URI", path.encode())])
                     for m in (b"GET", b"HEAD"))
        c.keep(cgi_parse(get))
        c.check(f"HEAD {path} from quire: exactly GET's headers",
                head == get.partition(b"\r\n\r\n")[0] + b"\r\n\r\n", head[:80])


def case11(c):
    big = b"x=" + b"a" * 999_000
    for m in ("POST", "PUT", "DELETE", "PATCH", "BREW", "PROPFIND"):
        st, h, _ = c.get(FIRST, method=m, body=big if m in ("POST", "PUT", "PATCH") else None)
        qst, qh, _ = c.fcgi(m, FIRST)
        c.check(f"{m}: 405 with Allow: GET, HEAD (nginx and quire)",
                st == qst == 405 and h.get("allow") == qh.get("allow") == "GET, HEAD",
                (st, qst, h.get("allow")))
    for m in ("TRACE", "CONNECT"):
        st, _, body = c.get(FIRST, method=m)
        qst, qh, _ = c.fcgi(m, FIRST)
        c.check(f"{m}: nginx refuses it itself (405); quire: 405 with Allow",
                st == 405 and by_nginx(body) and qst == 405 and qh.get("allow") == "GET, HEAD",
                (st, qst))
    t0 = time.monotonic()
    qst, _, _ = c.fcgi("POST", FIRST, extra=[(b"CONTENT_LENGTH", b"1073741824")],
                       body_ends=False)
    c.check("POST announcing 1 GB, body never sent: 405 at once (the body is not read)",
            qst == 405 and time.monotonic() - t0 < 2, (qst, time.monotonic() - t0))


def case12(c):
    for path in (FIRST, "/", "/nothing-here"):
        (st, h, _), (qst, qh, _) = c.ask(path, method="OPTIONS")
        c.check(f"OPTIONS {path}: 405 with Allow: GET, HEAD",
                st == qst == 405 and h.get("allow") == qh.get("allow") == "GET, HEAD",
                (st, qst, h.get("allow")))
    (st, _, body), (qst, qh, _) = c.ask("*", method="OPTIONS")
    c.check("OPTIONS *: nginx refuses it (400); quire: 405 with Allow like any OPTIONS",
            st == 400 and by_nginx(body) and qst == 405 and qh.get("allow") == "GET, HEAD",
            (st, qst))


def case13(c):
    for cl in ("99999999999999999999999", "-1", "abc", "1e9", "", " 12", "0x10"):
        for m, want in (("GET", 200), ("POST", 405)):
            t0 = time.monotonic()
            qst, _, body = c.fcgi(m, FIRST, extra=[(b"CONTENT_LENGTH", cl.encode())],
                                  body_ends=False)
            c.check(f"{m} with CONTENT_LENGTH {cl!r}, no body: {want} at once",
                    qst == want and (want != 200 or body == c.ref) and time.monotonic() - t0 < 2,
                    qst)
    for cl in ("-1", "abc", "99999999999999999999999"):
        st, _, body = c.raw(f"GET {FIRST} HTTP/1.1\r\nHost: x\r\nContent-Length: {cl}"
                            "\r\nConnection: close\r\n\r\n".encode())
        c.check(f"Content-Length {cl} through nginx: refused by nginx (400)",
                st == 400 and by_nginx(body), st)
    st, _, body = c.get(FIRST, body=b"a body on a GET")
    c.check("a body on a GET: the page, as without", st == 200 and body == c.ref, st)
    env = {"REQUEST_METHOD": "GET", "REQUEST_URI": FIRST, "QUIRE_CONFIG": c.site.config,
           **{k: v for k, v in os.environ.items() if k in ("PATH", "ASAN_OPTIONS",
                                                           "UBSAN_OPTIONS")}}
    for cl in ("99999999999999999999999", "-1", "abc", "16777216000"):
        with open(os.devnull, "rb") as null:
            p = subprocess.run([QUIRE], env={**env, "CONTENT_LENGTH": cl}, stdin=null,
                               capture_output=True, timeout=10)
        c.check(f"CGI GET with CONTENT_LENGTH {cl}: 200, exit 0",
                p.returncode == 0 and p.stdout.startswith(b"Status: 200") and
                not sanitizer_report(p.stderr.decode(errors="replace")), (p.returncode,
                                                                          p.stdout[:40]))


def validators(site):
    _, h, _ = site.get(FIRST)
    return h.get("etag", ""), h.get("last-modified", "")


def case14(c):
    etag, lm = validators(c.site)
    for name, inm in (("equal", etag), ("weak", "W/" + etag), ("in a list",
                      '"0000000000000000", ' + etag + ', "1"'), ("*", "*"),
                      ("in a list without spaces", '"x",' + etag)):
        for method in ("GET", "HEAD"):
            (st, h, body), (qst, qh, qbody) = c.ask(FIRST, method, {"If-None-Match": inm})
            ok = st == qst == 304 and body == qbody == b""
            ok = ok and all(x.get("etag") == etag and x.get("last-modified") == lm and
                            x.get("cache-control") for x in (h, qh))
            c.check(f"{method} If-None-Match {name}: 304 with validators, no body", ok,
                    (st, qst, h))


def case15(c):
    etag, lm = validators(c.site)
    for inm in ('"0000000000000000"', "W/\"x\"", '"' + etag.strip('"')[::-1] + '"'):
        (st, h, body), (qst, _, qbody) = c.ask(
            FIRST, headers={"If-None-Match": inm, "If-Modified-Since": lm})
        c.check(f"If-None-Match {inm} + matching If-Modified-Since: 200",
                st == qst == 200 and body == qbody == c.ref, (st, qst))


def case16(c):
    etag, lm = validators(c.site)
    future = time.strftime(HTTP_DATE, time.gmtime(time.time() + 86400 * 400))
    for name, ims in (("not a date", "yesterday"), ("empty", ""), ("zone not GMT",
                      lm.replace("GMT", "PST")), ("no zone", lm[:-4]),
                      ("a bad month", lm[:8] + "Foo" + lm[11:]), ("in the future", future),
                      ("folded twice", lm + ", " + lm), ("4 KB long", lm + "x" * 4000)):
        (st, _, body), (qst, _, qbody) = c.ask(FIRST, headers={"If-Modified-Since": ims})
        c.check(f"If-Modified-Since {name}: ignored, 200", st == qst == 200 and
                body == qbody == c.ref, (st, qst))
    qst, _, _ = c.fcgi("GET", FIRST, {"If-Modified-Since": lm + "x" * (200 * 1024)})
    c.check("If-Modified-Since of 200 KB over raw FastCGI: ignored, 200", qst == 200, qst)
    st, _, body = c.raw(f"GET {FIRST} HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: {lm}\r\n"
                        f"If-Modified-Since: {lm}\r\nConnection: close\r\n\r\n".encode())
    c.check("If-Modified-Since sent twice: refused by nginx (400)", st == 400 and by_nginx(body),
            st)


class Tags(HTMLParser):
    """Every start tag with its attributes, the text of <title> and <h1>, and all
    the text, character references resolved."""

    def __init__(self, text):
        super().__init__()
        self.tags, self.text, self.open, self.data = [], {}, None, ""
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self.open = tag if tag in ("title", "h1") else None

    def handle_endtag(self, tag):
        self.open = None

    def handle_data(self, data):
        self.data += data
        if self.open:
            self.text[self.open] = self.text.get(self.open, "") + data

    def attr(self, tag, key, match):
        return [a for t, a in self.tags if t == tag and match(a) and key in a]


def live_markup(page):
    """What a hostile string must never become: a script, an event handler."""
    return [(t, a) for t, a in page.tags if t == "script" or any(k.startswith("on") for k in a)]


def case18(c):
    st, _, body = c.get("/xss")
    page = Tags(body.decode())
    c.check("the post: 200, no <script> element or on* attribute",
            st == 200 and not live_markup(page), live_markup(page))
    c.check("the post: <title> and <h1> hold the text exactly",
            page.text.get("title", "").startswith(EVIL + " · ") and
            page.text.get("h1", "").strip() == EVIL, page.text)
    attrs = [a.get("content") for a in page.attr("meta", "content", lambda a: a.get("name") ==
             "description" or a.get("property") in ("og:title", "og:description"))]
    c.check("the post: description and og: attributes hold the text exactly",
            len(attrs) == 3 and all(v == EVIL for v in attrs), attrs)
    tag_links = [a["href"] for t, a in page.tags if t == "a" and a.get("class") == "tag"]
    c.check("the post: its tag links are escaped URL paths",
            len(tag_links) == 2 and all(re.fullmatch(r"/tags/[A-Za-z0-9%._~-]+/", h)
                                        for h in tag_links), tag_links)
    for path in ["/", "/tags/"] + tag_links:
        st, _, body = c.get(path)
        page = Tags(body.decode())
        c.check(f"{path}: 200, no <script> or on* attribute, the text shown whole",
                st == 200 and not live_markup(page) and EVIL in page.data, st)
    for path in ["/feed.xml", "/rss.xml"] + [t + f for t in tag_links[:1]
                                             for f in ("feed.xml", "rss.xml")]:
        st, _, body = c.get(path)
        try:
            root = ET.fromstring(body)
            texts = [e.text for e in root.iter() if e.tag in (ATOM + "title", "title",
                                                              ATOM + "summary", "description")]
            terms = [e.get("term") or e.text for e in root.iter()
                     if e.tag in (ATOM + "category", "category")]
            ok = EVIL in texts and EVIL in terms
        except ET.ParseError as e:
            ok, texts, terms = False, repr(e), []
        c.check(f"{path}: well-formed XML holding the title and tag exactly", st == 200 and ok,
                (st, terms))
    for path in ["/feed.json"] + [t + "feed.json" for t in tag_links[:1]]:
        st, _, body = c.get(path)
        try:
            item = [i for i in json.loads(body)["items"] if i.get("url", "").endswith("/xss")][0]
            ok = item["title"] == EVIL and EVIL in item.get("tags", []) and \
                item.get("summary") == EVIL
        except (ValueError, KeyError, IndexError) as e:
            ok, item = False, repr(e)
        c.check(f"{path}: valid JSON holding the title, summary and tag exactly", st == 200 and ok,
                item)


def script_urls(html):
    page = Tags(html)
    found = []
    for _, a in page.tags:
        for k in ("href", "src"):
            v = re.sub(r"[\x00-\x20]", "", a.get(k) or "").lower()
            if v.startswith(("javascript:", "vbscript:", "data:")):
                found.append(v)
    return page, found


def case19(c):
    st, _, body = c.get("/js")
    page, found = script_urls(body.decode())
    fine = page.attr("a", "href", lambda a: a.get("href") == "https://example.org/")
    c.check("the post: no javascript:, vbscript: or data: link or image; others kept",
            st == 200 and not found and fine, found)
    _, _, body = c.get("/feed.json")
    item = [i for i in json.loads(body)["items"] if i["url"].endswith("/js")][0]
    c.check("the JSON feed: no live script link in the content",
            not script_urls(item["content_html"])[1], item["content_html"][:300])
    _, _, body = c.get("/feed.xml")
    content = [e.text for e in ET.fromstring(body).iter(ATOM + "content") if e.text and
               "example.org" in e.text]
    c.check("the Atom feed: no live script link in the content",
            content and not script_urls(content[0])[1], content[:1])


def header_lines_clean(raw):
    """Every header line of a CGI answer is one "Name: value" line of printable bytes."""
    head = raw.partition(b"\r\n\r\n")[0]
    return all(re.fullmatch(rb"[A-Za-z-]+: [\x20-\x7e]*", line)
               for line in head.split(b"\r\n")[1:])


def case20(c, start_log):
    lines = start_log.splitlines()
    for name, what in (("crlf-route.md", "route"), ("nul-route.md", "route"),
                       ("nul-alias.md", "aliases")):
        mine = [ln for ln in lines if name in ln]
        c.check(f"{name}: left out, with one log line naming the file and field",
                len(mine) == 1 and (f'"{what}"' in mine[0] or 'route "bad' in mine[0]), mine)
    mine = [ln for ln in lines if "crlf-alias.md" in ln]
    c.check("crlf-alias.md: one log line for the alias", len(mine) == 1 and "alias" in mine[0],
            mine)
    c.check("no log line begins with the injected text",
            not any(ln.startswith(("Set-Cookie", "X-Injected")) for ln in lines), lines[-4:])
    for path in ("/bad", "/nul", "/nulroute", "/gone", "/nul-alias", "/old"):
        st, _, _ = c.get(path)
        c.check(f"{path}: nothing is served there (404)", st == 404, st)
    for path, loc in (("/old-fine", "/crlf-alias"), ("/crlf-alias/", "/crlf-alias")):
        st, h, _ = c.get(path)
        c.check(f"{path}: 301 to {loc}", st == 301 and h.get("location") == loc, (st, h))
    _, _, body = c.get("/crlf-alias")
    tag = [a["href"] for t, a in Tags(body.decode()).tags if t == "a" and a.get("class") == "tag"]
    target = tag[0][:-1] if tag else "/tags/none"
    st, h, _ = c.get(target)
    raw = fcgi_request(c.site.sock, [(b"REQUEST_METHOD", b"GET"),
                                     (b"REQUEST_URI", target.encode())])
    c.keep(cgi_parse(raw))
    c.check("a tag holding CR LF: its page's 301 has a clean Location, no injected header",
            st == 301 and re.fullmatch(r"/tags/[\x21-\x7e]+/", h.get("location", "")) and
            "x-injected" not in h and header_lines_clean(raw), (target, st, h, raw[:200]))


def case17():
    """Its own site: the source, a layout and the configuration edited in turn."""
    with Site() as site:
        old = time.time() - 3600
        for folder, _, files in os.walk(site.dir):
            for f in files:
                os.utime(os.path.join(folder, f), (old, old))
        site.start()
        _, _, body = site.get(FIRST)
        version = subprocess.run([QUIRE, "--version"], capture_output=True, text=True).stdout
        check(S, "case 17: the version is in the page's bytes, so in its ETag (a hash of them)",
              f'<meta name="generator" content="{version.strip()}">'.encode() in body, version)
        post = os.path.join(site.posts, "on-node-go-concurrency.md")
        layout = os.path.join(site.conf, "layouts", "Post.mustache")
        for what, path, old_text, marker in (
                ("the source", post, "Ryan Dahl, the creator", "EDIT-17"),
                ("a layout", layout, "<article class=\"post\">", "LAYOUT-17"),
                ("the configuration", site.config, "title: Test site", "CONFIG-17")):
            etag, lm = validators(site)
            time.sleep(1.05 - time.time() % 1)  # a new second, for Last-Modified
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace(old_text, old_text + marker, 1))
            marker = marker.encode()
            end = time.monotonic() + 5
            while marker not in site.get(FIRST)[2] and time.monotonic() < end:
                time.sleep(0.05)
            st, h, body = site.get(FIRST, headers={"If-None-Match": etag})
            st2, h2, _ = site.get(FIRST, headers={"If-Modified-Since": lm})
            check(S, f"case 17: {what} changed: new ETag and Last-Modified, no stale 304",
                  marker in body and st == st2 == 200 and h.get("etag") != etag and
                  h.get("last-modified") != lm and h2.get("etag") == h.get("etag"),
                  (what, st, st2, etag, h.get("etag"), lm, h.get("last-modified")))
            st, _, _ = site.get(FIRST, headers={"If-None-Match": h.get("etag", "")})
            check(S, f"case 17: after {what} changed, the new ETag gets 304", st == 304, st)


def main():
    site = Site()
    try:
        for name, text in POSTS.items():
            site.write_post(name, text)
        site.start()
        start_log = site.read_log()
        st, h, ref = site.get(FIRST)
        check(S, "the first post is served", st == 200 and ref.endswith(b"</html>\n"), st)
        cases = [case1, case2, case3, case4, case5, case6, case7, case8, case9, case10, case11,
                 case12, case13, case14, case15, case16, case18, case19]
        for n, fn in [(int(f.__name__[4:]), f) for f in cases] + [(20, None)]:
            c = Case(site, ref, n)
            if fn is None:
                case20(c, start_log)
            else:
                fn(c)
            c.end()
    except Exception as e:  # a harness failure is a test failure, not a crash
        check(S, "harness", False, repr(e))
    finally:
        site.cleanup()
    try:
        case17()
    except Exception as e:
        check(S, "case 17: harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
