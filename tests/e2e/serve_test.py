"""serve_test.py — quire behind a real nginx, over HTTP, and quire as a CGI program."""
import os
import re
import signal
import subprocess
import time

from harness import (QUIRE, Site, check, fcgi_request, finish, sanitizer_report, wait_for)

S = "e2e"
FIRST = "/on-node-go-concurrency"
TITLE = "On Node.js, Go and concurrency"
BROKEN = "---\ntitle: Broken\norder: abc\n---\nbody\n"
GOOD = "---\ntitle: A good neighbour\nroute: /good\norder: 2\n---\nStill *here*.\n"


def first_post(site):
    status, h, body = site.get(FIRST)
    text = body.decode("utf-8", "replace")
    check(S, "first post answers 200", status == 200, status)
    check(S, "first post title in <title>",
          re.search(r"<title>On Node.js, Go and concurrency[^<]*</title>", text), text[:300])
    check(S, "first post has <del> for strikethrough", "<del>" in text, "")
    check(S, "first post has the emoji", "\U0001F600" in text and "<span emoji" not in text, "")
    check(S, "first post has the block quote", "<blockquote>" in text, "")
    check(S, "first post links back to the index", 'href="/"' in text, "")
    check(S, "first post has its meta description",
          '<meta name="description" content="Why would Ryan Dahl' in text, "")
    check(S, "content type is HTML in UTF-8",
          h.get("content-type") == "text/html; charset=utf-8", h.get("content-type"))
    check(S, "content length is the body's", h.get("content-length") == str(len(body)),
          h.get("content-length"))
    return h, body


def index_page(site):
    status, _, body = site.get("/")
    text = body.decode()
    check(S, "index answers 200", status == 200, status)
    check(S, "index lists the first post",
          f'href="{FIRST}"' in text and TITLE in text and "Why would Ryan Dahl" in text, "")
    check(S, "index lists the good post after it",
          text.find(TITLE) < text.find("A good neighbour"), "")
    check(S, "index leaves the broken post out", "Broken" not in text, "")


def errors(site):
    status, _, body = site.get("/no-such-post")
    check(S, "unknown path is 404", status == 404, status)
    check(S, "404 page comes from the layout",
          b"Not Found" in body and b"<!DOCTYPE html>" in body and b'href="/"' in body, body[:200])
    for m in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "BREW"):
        status, h, _ = site.get(FIRST, method=m, body=b"x=1" if m != "OPTIONS" else None)
        check(S, f"{m} is 405 with Allow", status == 405 and h.get("allow") == "GET, HEAD",
              (status, h.get("allow")))
    status, _, _ = site.get("/%00")
    check(S, "%00 in the path is 400", status == 400, status)
    status, h, _ = site.get("/x%0d%0aSet-Cookie:%20a=b")
    check(S, "CR LF in the path is 400, nothing reaches a header",
          status == 400 and "set-cookie" not in h, (status, h))
    status, _, _ = site.get(FIRST + "?q=%00")
    check(S, "%00 in the query is 400", status == 400, status)
    status, _, body = site.get(FIRST + "?a=1&a=2&%zz")
    check(S, "a query string is ignored", status == 200 and TITLE.encode() in body, status)


def head(site, get_headers, get_body):
    status, h, body = site.get(FIRST, method="HEAD")
    check(S, "HEAD answers 200 without a body", status == 200 and body == b"", (status, body[:50]))
    check(S, "HEAD has GET's headers",
          h.get("content-length") == get_headers.get("content-length") and
          h.get("content-type") == get_headers.get("content-type"), h)
    status, _, body = site.get("/nothing-here", method="HEAD")
    check(S, "HEAD of a missing page is 404 without a body", status == 404 and body == b"", status)


def traversal(site):
    for path in ("/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/p/....//",
                 "/../conf/quire.yaml", "/%2e%2e/conf/test.yaml", "/on-node-go-concurrency.md",
                 "/posts/on-node-go-concurrency.md", "/%252e%252e%252fetc%252fpasswd",
                 "/..", "/./on-node-go-concurrency", "/%C0%AE%C0%AE/etc/passwd"):
        status, _, body = site.get(path)
        leaked = b"root:" in body or b"base_url" in body or b"order: 1" in body
        check(S, f"traversal {path} is 400 or 404", status in (400, 404) and not leaked,
              (status, body[:80]))


def canonical(site):
    status, h, _ = site.get(FIRST + "/")
    check(S, "trailing slash is 301 to the route",
          status == 301 and h.get("location") == FIRST, (status, h.get("location")))
    status, h, _ = site.get("/" + FIRST)
    check(S, "repeated slash is 301 to the route",
          status == 301 and h.get("location") == FIRST, (status, h.get("location")))
    status, _, _ = site.get("/On-Node-Go-Concurrency")
    check(S, "routes are case-sensitive", status == 404, status)
    status, h, body = site.get("/on-node%2Dgo-concurrency")
    check(S, "a percent-encoded unreserved character is decoded once and redirected",
          status == 301 and h.get("location") == FIRST, (status, h.get("location")))


def broken_post_logged(site):
    log = site.read_log()
    check(S, "broken post is logged with file and line",
          re.search(r"broken\.md:3: \"order\" must be a number", log), log)
    status, _, body = site.get("/good")
    check(S, "the post beside the broken one is served", status == 200 and b"<em>here</em>" in body,
          status)


def fastcgi_without_params(site):
    out = fcgi_request(site.sock, [])
    check(S, "FastCGI request with no CGI variables is 400", out.startswith(b"Status: 400"),
          out[:60])
    out = fcgi_request(site.sock, [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", FIRST.encode())])
    check(S, "the next FastCGI request is served", out.startswith(b"Status: 200"), out[:60])


def sigterm_idle(site):
    rc, took = site.terminate(3)
    check(S, "SIGTERM while idle exits 0 within 2 s", rc == 0 and took < 2.0, (rc, took))
    check(S, "the socket file is removed at exit", not os.path.exists(site.sock), "")


def cgi(site):
    base = {"QUIRE_CONFIG": site.config, "PATH": os.environ.get("PATH", "")}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            base[k] = os.environ[k]

    def run(env, stdin=subprocess.DEVNULL):
        p = subprocess.run([QUIRE], env={**base, **env}, stdin=stdin, capture_output=True,
                           timeout=10)
        report = sanitizer_report(p.stderr.decode(errors="replace"))
        if report:
            check(S, "CGI: sanitizer report", False, report)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")

    rc, out, err = run({"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                        "REQUEST_URI": FIRST})
    check(S, "CGI: the first post", rc == 0 and out.startswith(b"Status: 200 OK\r\n") and
          TITLE.encode() in out, (rc, out[:80], err[-300:]))
    rc, out, _ = run({"REQUEST_METHOD": "GET", "REQUEST_URI": "/"})
    check(S, "CGI: the index", rc == 0 and out.startswith(b"Status: 200") and FIRST.encode() in out,
          out[:80])
    rc, out, _ = run({"REQUEST_METHOD": "HEAD", "REQUEST_URI": FIRST})
    head_only = out.endswith(b"\r\n\r\n")
    check(S, "CGI: HEAD has headers only", rc == 0 and out.startswith(b"Status: 200") and head_only,
          out[-40:])
    rc, out, _ = run({"REQUEST_METHOD": "POST", "REQUEST_URI": FIRST, "CONTENT_LENGTH": "99999999"})
    check(S, "CGI: POST is 405", out.startswith(b"Status: 405") and b"Allow: GET, HEAD" in out,
          out[:80])
    rc, out, _ = run({"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET"})
    check(S, "CGI: no address at all is 400", rc == 0 and out.startswith(b"Status: 400"), out[:80])
    # RFC 3875: a server that sends no REQUEST_URI names the address by these.
    rc, out, _ = run({"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                      "SCRIPT_NAME": "", "PATH_INFO": FIRST, "QUERY_STRING": "a=1"})
    check(S, "CGI: SCRIPT_NAME and PATH_INFO without REQUEST_URI: the post",
          rc == 0 and out.startswith(b"Status: 200") and TITLE.encode() in out, out[:80])
    rc, out, _ = run({"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                      "SCRIPT_NAME": "", "PATH_INFO": "/"})
    check(S, "CGI: PATH_INFO / without REQUEST_URI: the index",
          rc == 0 and out.startswith(b"Status: 200") and FIRST.encode() in out, out[:80])
    rc, out, _ = run({"REQUEST_METHOD": "GET", "REQUEST_URI": "/nope"})
    check(S, "CGI: unknown path is 404", out.startswith(b"Status: 404"), out[:80])
    with open(os.devnull, "rb") as null:
        rc, out, _ = run({"REQUEST_METHOD": "GET", "REQUEST_URI": FIRST}, stdin=null)
    check(S, "CGI: stdin /dev/null", rc == 0 and out.startswith(b"Status: 200"), out[:60])
    r, w = os.pipe()
    os.close(w)
    rc, out, _ = run({"REQUEST_METHOD": "GET", "REQUEST_URI": FIRST}, stdin=r)
    os.close(r)
    check(S, "CGI: stdin a closed pipe", rc == 0 and out.startswith(b"Status: 200"), out[:60])


def cgi_store():
    """CGI with a state folder: the posts of the last run are kept there, and only
    changed files are read again; edits, damaged and foreign stores are handled."""
    with Site(config_extra="state: ../state\n") as site:
        env = {"QUIRE_CONFIG": site.config, "PATH": os.environ.get("PATH", ""),
               "REQUEST_METHOD": "GET", "REQUEST_URI": FIRST}
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
            if k in os.environ:
                env[k] = os.environ[k]

        def run(uri=FIRST):
            p = subprocess.run([QUIRE], env={**env, "REQUEST_URI": uri},
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=10)
            report = sanitizer_report(p.stderr.decode(errors="replace"))
            if report:
                check(S, "CGI store: sanitizer report", False, report)
            run.err = p.stderr.decode(errors="replace")
            return p.stdout
        first = run()
        store = os.path.join(site.dir, "state", "posts")
        check(S, "CGI store: the first run keeps its posts", first.startswith(b"Status: 200") and
              os.path.exists(store), first[:40])
        check(S, "CGI store: the next run answers from it", run().startswith(b"Status: 200"), "")
        path = os.path.join(site.posts, "on-node-go-concurrency.md")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("title: On Node.js, Go and concurrency",
                                 "title: CGI-EDITED title"))
        check(S, "CGI store: an edit shows on the next run", b"CGI-EDITED title" in run(), "")
        site.write_post("added.md", "---\ntitle: Added later\n---\nx\n")
        check(S, "CGI store: an added post is served", run("/added").startswith(b"Status: 200"),
              "")
        with open(store, "r+b") as f:
            f.seek(40)
            f.write(b"\xff" * 64)
        out = run()
        check(S, "CGI store: a damaged store is ignored", out.startswith(b"Status: 200") and
              b"CGI-EDITED title" in out, out[:60])
        with open(site.config, "a") as f:
            f.write("paginate: 3\n")
        out = run("/added")
        check(S, "CGI store: another configuration does not use it",
              out.startswith(b"Status: 200"), out[:60])
        # Issue 15.10: a broken post is logged once per change of it, not on every run.
        site.write_post("broken.md", "---\ntitle: [unclosed\n---\nx\n")
        site.write_post("taken.md", f"---\ntitle: Taken\nroute: /added\n---\nx\n")
        said = []
        for _ in range(3):
            run()
            said.append((run.err.count("broken.md"), run.err.count("taken.md")))
        check(S, "CGI store: a broken post and a taken route are said on the first run only",
              said == [(1, 1), (0, 0), (0, 0)], said)
        time.sleep(0.02)
        site.write_post("broken.md", "---\ntitle: [still unclosed\n---\ny\n")
        again = []
        for _ in range(2):
            run()
            again.append((run.err.count("broken.md"), run.err.count("taken.md")))
        check(S, "CGI store: said again once the broken post changes, and only it",
              again == [(1, 0), (0, 0)], again)
        site.write_post("broken.md", "---\ntitle: Mended\n---\nz\n")
        out = run("/broken")
        check(S, "CGI store: the mended post is served, nothing said of it",
              out.startswith(b"Status: 200") and "broken.md" not in run.err, (out[:40], run.err))


def mount_prefix():
    with Site(mount="/blog/") as site:
        site.start()
        status, _, body = site.get("/blog" + FIRST)
        check(S, "mounted: the first post under /blog/", status == 200 and TITLE.encode() in body,
              status)
        status, _, body = site.get("/blog/")
        check(S, "mounted: the index at /blog/ links under it",
              status == 200 and f'href="/blog{FIRST}"'.encode() in body, status)
        status, h, _ = site.get("/blog")
        check(S, "mounted: /blog is 301 to /blog/",
              status == 301 and h.get("location", "").endswith("/blog/"),
              (status, h.get("location")))
        out = fcgi_request(site.sock, [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/blog")])
        check(S, "mounted: quire itself answers /blog with 301 to /blog/",
              out.startswith(b"Status: 301") and b"\r\nLocation: /blog/\r\n" in out, out[:120])
        status, _, body = site.get("/blog/static/quire.css")
        check(S, "mounted: nginx serves the stylesheet", status == 200 and b"color" in body, status)
        status, _, _ = site.get("/blogx" + FIRST)
        check(S, "mounted: a look-alike prefix is 404", status == 404, status)


def content_rules():
    with Site(config_extra="markdown:\n  raw_html: escape\n") as site:
        site.write_post("b-twin.md", "---\ntitle: Twin B\nroute: twin\n---\nB\n")
        site.write_post("a-twin.md", "---\ntitle: Twin A\nroute: /twin/\n---\nA\n")
        site.write_post("no-route.md", "---\ntitle: Named by its file\n---\nx\n")
        site.write_post("odd-layout.md", "---\ntitle: Odd\nlayout: Nope\n---\nodd\n")
        site.write_post("notes.txt", "not a post")
        os.symlink("/etc/passwd", os.path.join(site.posts, "passwd.md"))
        os.symlink("..", os.path.join(site.posts, "up.md"))
        os.mkfifo(os.path.join(site.posts, "fifo.md"))
        site.start()
        log = site.read_log()
        status, _, body = site.get("/twin")
        check(S, "duplicate route: the first file by name wins", status == 200 and b"Twin A" in body,
              status)
        check(S, "duplicate route: one log line names both files",
              re.search(r"b-twin\.md: route /twin is already taken by .*a-twin\.md", log), log)
        status, _, _ = site.get("/no-route")
        check(S, "a post with no route gets its file name", status == 200, status)
        status, _, body = site.get("/odd-layout")
        check(S, "a missing layout falls back to the default",
              status == 200 and b"<article" in body and "layout \"Nope\" does not exist" in log,
              status)
        status, _, body = site.get(FIRST)
        check(S, "raw_html: escape shows raw HTML as text",
              status == 200 and b"&lt;span emoji=" in body, status)
        check(S, "symlinks are skipped with a log line",
              "passwd.md: skipped: a symbolic link" in log and "up.md: skipped" in log, log)
        check(S, "a FIFO is skipped without blocking", "fifo.md: skipped: not a regular file" in log,
              log)
        check(S, "other files are skipped with a log line", "notes.txt: skipped" in log, log)
        status, _, body = site.get("/passwd")
        check(S, "a symlinked post is not served", status == 404 and b"root:" not in body, status)


def escaping():
    """Hostile text in a title, a description and a tag comes out escaped."""
    with Site() as site:
        site.write_post("xss.md", '---\ntitle: "<script>alert(1)</script>"\n'
                        'description: "\\"><img src=x onerror=alert(1)>"\n'
                        'tags: ["</title>", "<b>bold</b>"]\n---\nbody\n')
        site.start()
        _, _, body = site.get("/xss")
        text = body.decode()
        check(S, "escaping: the page is served", "&lt;script&gt;alert(1)&lt;/script&gt;" in text,
              text[:300])
        check(S, "escaping: no live <script>, <img> or early </title>",
              "<script>" not in text and "<img src=x" not in text and
              text.count("</title>") == 1, text[:600])
        check(S, "escaping: the description in the meta attribute",
              'content="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"' in text, text[:900])
        check(S, "escaping: the tag", "&lt;/title&gt;" in text and "&lt;b&gt;bold" in text, "")
        _, _, index = site.get("/")
        check(S, "escaping: the index too", b"<script>alert" not in index and
              b"&lt;script&gt;alert(1)&lt;/script&gt;" in index, "")


def broken_layout_at_start():
    with Site() as site:
        with open(os.path.join(site.conf, "layouts", "Post.mustache"), "a") as f:
            f.write("\n{{#never-closed}}\n")
        try:
            site.start_quire()
        except RuntimeError:
            pass
        rc = site.quire.wait(5)
        log = site.read_log()
        check(S, "a broken layout stops start-up", rc != 0, (rc, log))
        check(S, "the start-up error names the layout's file and line",
              re.search(r"Post\.mustache:\d+: ", log), log)


def main():
    site = Site()
    try:
        site.write_post("broken.md", BROKEN)
        site.write_post("good.md", GOOD)
        site.start()
        h, body = first_post(site)
        index_page(site)
        errors(site)
        head(site, h, body)
        traversal(site)
        canonical(site)
        broken_post_logged(site)
        fastcgi_without_params(site)
        status, _, _ = site.get(FIRST)
        check(S, "still serving after all of that", status == 200, status)
        sigterm_idle(site)
        cgi(site)
        cgi_store()
        mount_prefix()
        content_rules()
        escaping()
        broken_layout_at_start()
    except Exception as e:  # a harness failure is a test failure, not a crash
        check(S, "harness", False, repr(e))
    finally:
        site.cleanup()
    finish()


if __name__ == "__main__":
    main()
