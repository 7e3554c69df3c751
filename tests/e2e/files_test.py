"""files_test.py — the site's static folder and page bundles: served by quire itself
(FastCGI straight to its socket, CGI) and by nginx in front of it, with type, ETag and
304, HEAD, Range; hidden files, symbolic links, drafts' files and hostile addresses not
served; a large file streamed; the rust-blog corpus with an images/ folder."""
import glob
import hashlib
import os
import re
import shutil
import subprocess
import threading
import time

from harness import (QUIRE, TOP, Site, bound, check, cgi_parse, fcgi_request, finish,
                     sanitizer_report, serving, status_kb, wait_for)

S = "files"
CORPUS = os.path.join(TOP, "tests", "data", "rust-blog", "posts")
BIG = 20 * 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


class FilesSite(Site):
    """A Site whose nginx serves its static folder itself (make-conf.sh's SITE_STATIC)."""

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.static = os.path.join(self.dir, "static")
        os.mkdir(self.static)

    def put(self, rel, data, root=None):
        path = os.path.join(root or self.static, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path


def fill(site):
    """Static files, two bundles (one a draft, one scheduled), hostile names."""
    site.write_post("plain.md", "---\ntitle: Plain\n---\nA post of one file.\n")
    b = os.path.join(site.posts, "trip")
    os.makedirs(os.path.join(b, "docs"))
    site.write_post("trip/index.md",
                    "---\ntitle: A trip\n---\n![The view](photo.png)\n\n"
                    "[notes](docs/notes.txt) [up](../plain) [abs](/plain) [site](https://x.org/a)"
                    " [frag](#top)\n\n<img src=\"raw.png\">\n")
    site.put("photo.png", PNG, b)
    site.put("raw.png", PNG, b)
    site.put("docs/notes.txt", b"notes\n", b)
    site.put(".secret", b"hidden\n", b)
    site.put("other.md", b"# not served\n", b)
    site.put("..%2Fx", b"dots\n", b)
    site.put("a..%2F..b", b"dots\n", b)
    os.symlink("/etc/passwd", os.path.join(b, "passwd"))
    d = os.path.join(site.posts, "draft")
    os.makedirs(d)
    site.write_post("draft/index.md", "---\ntitle: A draft\ndraft: true\n---\n![x](d.png)\n")
    site.put("d.png", PNG, d)
    later = os.path.join(site.posts, "later")
    os.makedirs(later)
    site.write_post("later/index.md",
                    "---\ntitle: Later\npublishDate: 2999-01-01\n---\n![x](l.png)\n")
    site.put("l.png", PNG, later)
    site.put("favicon.ico", b"\0\0\1\0" + b"i" * 60)
    site.put("CNAME", b"blog.example.org\n")
    site.put(".well-known/security.txt", b"Contact: mailto:a@example.org\n")
    site.put(".hidden", b"hidden\n")
    site.put(".git/config", b"[core]\n")
    site.put("sub/.env", b"SECRET=1\n")
    site.put("style.css", b"body{}\n")
    site.put("a b.txt", b"spaced\n")
    site.put("a%2Fb", b"percent\n")
    site.put("sub/page.html", b"<p>hi</p>\n")
    site.put("feed.xml", b"<not-the-feed/>\n")
    site.put("plain", b"shadowed by the post\n")
    os.symlink("/etc/passwd", os.path.join(site.static, "passwd"))
    os.symlink(site.posts, os.path.join(site.static, "posts-link"))
    deep = "/".join(f"d{i}" for i in range(12))
    site.put(deep + "/deep.txt", b"too deep\n")
    with open(os.path.join(site.static, "big.bin"), "wb") as f:
        block = hashlib.sha256(b"quire").digest() * 2048  # 64 KiB
        for _ in range(BIG // len(block)):
            f.write(block)


def big_digest(site):
    with open(os.path.join(site.static, "big.bin"), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def fcgi_get(site, uri, method="GET", headers=None):
    params = [(b"REQUEST_METHOD", method.encode()), (b"REQUEST_URI", uri.encode())]
    for k, v in (headers or {}).items():
        params.append((b"HTTP_" + k.upper().replace("-", "_").encode(), v.encode()))
    raw = fcgi_request(site.sock, params, timeout=20)
    return cgi_parse(raw)


def cgi_get(site, uri, method="GET", headers=None):
    env = {"QUIRE_CONFIG": site.config, "PATH": os.environ.get("PATH", ""),
           "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "REQUEST_URI": uri}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    for k, v in (headers or {}).items():
        env["HTTP_" + k.upper().replace("-", "_")] = v
    p = subprocess.run([QUIRE], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=30)
    report = sanitizer_report(p.stderr.decode(errors="replace"))
    if report:
        check(S, "CGI: sanitizer report", False, report)
    return cgi_parse(p.stdout)


def served_alike(site, how, get):
    """What every way of serving must answer alike (quire itself, or nginx)."""
    st, h, body = get(site, "/favicon.ico")
    check(S, f"{how}: a static file at the root, with its type",
          st == 200 and body == b"\0\0\1\0" + b"i" * 60 and
          h.get("content-type") in ("image/vnd.microsoft.icon", "image/x-icon"), (st, h))
    etag, lm = h.get("etag"), h.get("last-modified")
    check(S, f"{how}: ETag and Last-Modified", bool(etag) and bool(lm), h)
    st, h2, body = get(site, "/favicon.ico", headers={"If-None-Match": etag or "x"})
    check(S, f"{how}: If-None-Match gives 304", st == 304 and body == b"", (st, h2))
    st, _, body = get(site, "/favicon.ico", headers={"If-Modified-Since": lm or "x"})
    check(S, f"{how}: If-Modified-Since gives 304", st == 304 and body == b"", st)
    st, h, body = get(site, "/favicon.ico", method="HEAD")
    check(S, f"{how}: HEAD: the headers, no body",
          st == 200 and body == b"" and h.get("content-length") == "64", (st, h))
    st, h, body = get(site, "/favicon.ico", headers={"Range": "bytes=0-3"})
    check(S, f"{how}: Range bytes=0-3 gives 206",
          st == 206 and body == b"\0\0\1\0" and h.get("content-range") == "bytes 0-3/64",
          (st, h, body[:10]))
    st, h, body = get(site, "/favicon.ico", headers={"Range": "bytes=60-"})
    check(S, f"{how}: Range bytes=60-", st == 206 and body == b"iiii", (st, body))
    st, h, body = get(site, "/favicon.ico", headers={"Range": "bytes=-2"})
    check(S, f"{how}: Range bytes=-2", st == 206 and body == b"ii", (st, body))
    st, h, body = get(site, "/favicon.ico", headers={"Range": "bytes=64-"})
    check(S, f"{how}: a range past the end gives 416",
          st == 416 and h.get("content-range") == "bytes */64", (st, h))
    st, _, body = get(site, "/CNAME")
    check(S, f"{how}: CNAME", st == 200 and body == b"blog.example.org\n", st)
    st, h, body = get(site, "/.well-known/security.txt")
    check(S, f"{how}: .well-known/ is served",
          st == 200 and body.startswith(b"Contact:") and
          h.get("content-type", "").startswith("text/plain"), (st, h))
    st, h, _ = get(site, "/style.css")
    check(S, f"{how}: a stylesheet is text/css",
          st == 200 and h.get("content-type", "").startswith("text/css"), (st, h))
    st, _, body = get(site, "/sub/page.html")
    check(S, f"{how}: a file in a subfolder", st == 200 and body == b"<p>hi</p>\n", st)
    st, _, body = get(site, "/a%20b.txt")
    check(S, f"{how}: a name with a space (%20)", st == 200 and body == b"spaced\n", st)
    for uri in ("/.hidden", "/.git/config", "/sub/.env", "/passwd", "/posts-link/plain.md",
                "/trip/.secret", "/trip/passwd", "/trip/other.md", "/trip/index.md",
                "/draft/d.png", "/later/l.png"):
        st, _, body = get(site, uri)
        check(S, f"{how}: {uri} is not served", st == 404, (st, body[:80]))
    for uri in ("/../etc/passwd", "/trip/../../etc/passwd", "/%2e%2e/etc/passwd",
                "/trip/%2e%2e/%2e%2e/etc/passwd", "/trip/..%2F..%2Fetc/passwd",
                "/trip%2F..%2F..%2Fpasswd", "/%2Fetc/passwd"):
        st, _, body = get(site, uri)
        check(S, f"{how}: {uri} is 400 or 404 (never a file outside)",
              st in (400, 404) and b"root:" not in body and b"hi</p>" not in body,
              (st, body[:80]))
    st, _, body = get(site, "/trip/photo.png")
    check(S, f"{how}: a bundle's image under its post", st == 200 and body == PNG, st)
    st, _, body = get(site, "/trip/..%252Fx")
    check(S, f"{how}: a bundle's file named ..%2Fx is hidden (a dot first): 404",
          st == 404, (st, body[:40]))
    st, _, body = get(site, "/trip/a..%252F..b")
    check(S, f"{how}: a bundle's file named a..%2F..b is one name, at /trip/a..%252F..b",
          st == 200 and body == b"dots\n", (st, body[:40]))
    st, _, body = get(site, "/trip/..%2Fx")
    check(S, f"{how}: /trip/..%2Fx is not that file (.. is never a name)",
          st in (400, 404) and body != b"dots\n", st)
    # %2F is decoded once, as in every address: the same file as with a slash.
    st, _, body = get(site, "/trip%2Fphoto.png")
    check(S, f"{how}: %2F names the file its slash names", st in (200, 301, 404) and
          (st != 200 or body == PNG), st)
    st, h, body = get(site, "/trip/docs/notes.txt", headers={"Range": "bytes=1-3"})
    check(S, f"{how}: a bundle's file in a subfolder, a range of it",
          st == 206 and body == b"ote", (st, body))
    st, _, body = get(site, "/trip")
    text = body.decode(errors="replace")
    check(S, f"{how}: the bundle's relative links and images resolve under its address",
          st == 200 and 'src="/trip/photo.png"' in text and 'href="/trip/docs/notes.txt"' in text
          and 'src="/trip/raw.png"' in text and 'href="/trip/../plain"' in text and
          'href="/plain"' in text and 'href="https://x.org/a"' in text and 'href="#top"' in text,
          re.findall(r'(?:src|href)="[^"]*"', text)[-10:])
    st, _, body = get(site, "/draft")
    check(S, f"{how}: a draft bundle is not served", st == 404, st)


def quire_only(site, how, get):
    """What quire says of files itself (nginx serves whatever the folder holds)."""
    st, _, body = get(site, "/plain")
    check(S, f"{how}: a post wins over a static file at its address",
          st == 200 and b"shadowed" not in body, st)
    st, _, body = get(site, "/d0/d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/deep.txt")
    check(S, f"{how}: a file deeper than FILES_DEPTH folders is not served", st == 404, st)
    st, _, body = get(site, "/feed.xml")
    check(S, f"{how}: a static file never takes an address quire makes (the feed)",
          st == 200 and b"not-the-feed" not in body, (st, body[:60]))
    st, _, body = get(site, "/a%252Fb")
    check(S, f"{how}: a file named a%2Fb is /a%252Fb", st == 200 and body == b"percent\n",
          (st, body[:60]))
    st, h, body = get(site, "/favicon.ico", headers={"Range": "bytes=0-1,4-5"})
    check(S, f"{how}: several ranges: the whole, 200", st == 200 and len(body) == 64, st)
    st, h, body = get(site, "/favicon.ico", headers={"Range": "bytes=0-3",
                                                     "If-Range": '"not-it"'})
    check(S, f"{how}: If-Range that does not match: the whole", st == 200 and len(body) == 64,
          st)
    st, h, _ = get(site, "/favicon.ico")
    st, _, body = get(site, "/favicon.ico", headers={"Range": "bytes=0-3",
                                                     "If-Range": h.get("etag", "")})
    check(S, f"{how}: If-Range with the ETag: the range", st == 206 and len(body) == 4, st)
    check(S, f"{how}: Accept-Ranges: bytes", h.get("accept-ranges") == "bytes", h)
    st, _, _ = get(site, "/favicon.ico/")
    check(S, f"{how}: a file's address with a slash redirects", st == 301, st)


def big_file(site, how, get):
    st, h, body = get(site, "/big.bin")
    check(S, f"{how}: a 20 MB file whole",
          st == 200 and len(body) == BIG and hashlib.sha256(body).hexdigest() == big_digest(site),
          (st, len(body)))
    st, h, body = get(site, "/big.bin", headers={"Range": f"bytes={BIG - 100}-"})
    with open(os.path.join(site.static, "big.bin"), "rb") as f:
        f.seek(BIG - 100)
        tail = f.read()
    check(S, f"{how}: the end of a 20 MB file by Range",
          st == 206 and body == tail and h.get("content-range") == f"bytes {BIG - 100}-{BIG - 1}/{BIG}",
          (st, h.get("content-range")))


def direct():
    with FilesSite(copy_posts=False) as site:
        fill(site)
        site.start_quire()
        said = ("a symbolic link", "deeper than FILES_DEPTH", "one quire makes itself",
                "a post's route")
        # The socket comes before the worker has read the site: wait for what it says.
        wait_for(lambda: all(w in site.read_log() for w in said), 10)
        log = site.read_log()
        served_alike(site, "FastCGI", fcgi_get)
        quire_only(site, "FastCGI", fcgi_get)
        big_file(site, "FastCGI", fcgi_get)
        check(S, "the log says why files are not served",
              "a symbolic link" in log and "deeper than FILES_DEPTH" in log and
              "one quire makes itself" in log and "a post's route" in log, log[-2000:])
        # RSS of the serving worker while 20 MB go out four times at once.
        workers = []
        wait_for(lambda: bool(workers.extend(serving(site.quire.pid)) or workers))
        pid = workers[0] if workers else site.quire.pid
        try:
            with open(f"/proc/{pid}/status") as f:
                confined = re.search(r"^Seccomp:\s+2$", f.read(), re.M) is not None
        except OSError:
            confined = False
        check(S, "the worker that served the files is sandboxed (seccomp; Landlock reads "
              "the static folder)", confined and "landlock not available" not in log and
              "Permission denied" not in site.read_log(), (pid, log[-300:]))
        before = status_kb(pid)
        peak = [before]
        done = threading.Event()

        def watch():
            while not done.is_set():
                peak[0] = max(peak[0], status_kb(pid))
                time.sleep(0.005)
        t = threading.Thread(target=watch)
        t.start()
        results = []
        clients = [threading.Thread(target=lambda: results.append(fcgi_get(site, "/big.bin")))
                   for _ in range(4)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        done.set()
        t.join()
        grew = peak[0] - before
        print(f"# RSS of the worker: {before} kB before, {peak[0]} kB at most while sending "
              f"4 x 20 MB ({grew} kB more)")
        check(S, "streaming 4 x 20 MB grows the worker by less than 8 MB",
              len(results) == 4 and all(r[0] == 200 and len(r[2]) == BIG for r in results) and
              0 <= grew < 8 * 1024, (grew, [(r[0], len(r[2])) for r in results]))
        # A file that shrinks while it is sent: the answer is cut, never complete-looking.
        shrink_path = site.put("shrink.bin", b"s" * BIG)
        wait_for(lambda: fcgi_get(site, "/shrink.bin", method="HEAD")[0] == 200, 5)
        import socket as so
        from harness import FCGI_BEGIN, fcgi_params, fcgi_record
        s = so.socket(so.AF_UNIX)
        s.settimeout(20)
        s.connect(site.sock)
        stream = fcgi_params([(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/shrink.bin")])
        s.sendall(FCGI_BEGIN + fcgi_record(4, 1, stream) + fcgi_record(4, 1) +
                  fcgi_record(5, 1))
        s.recv(1024)  # the answer has begun; the socket's buffers hold the rest back
        with open(shrink_path, "r+b") as f:
            f.truncate(1024 * 1024)
        ended, eof = False, False
        import struct
        buf = b""
        t0 = time.monotonic()
        while True:
            try:
                chunk = s.recv(65536)
            except OSError:
                break
            if not chunk:
                eof = True
                break
            buf += chunk
            while len(buf) >= 8:
                _, rtype, _, clen, plen, _ = struct.unpack("!BBHHBB", buf[:8])
                if len(buf) < 8 + clen + plen:
                    break
                if rtype == 3:
                    ended = True
                buf = buf[8 + clen + plen:]
        s.close()
        check(S, "a file that shrinks while sent: the request is not ended, the connection "
              "is closed at once", not ended and eof and time.monotonic() - t0 < bound(5),
              (ended, eof, time.monotonic() - t0))
        check(S, "quire says why", "shrank while it was sent" in site.read_log(), "")
        # A file changed since the scan is served as it is now, with its new validators.
        old = fcgi_get(site, "/CNAME")
        site.put("CNAME", b"other.example.org\n")
        os.utime(os.path.join(site.static, "CNAME"), (time.time() + 5, time.time() + 5))
        new = fcgi_get(site, "/CNAME")
        check(S, "a file that changed is served as it is now, with a new ETag",
              new[2] == b"other.example.org\n" and new[1].get("etag") != old[1].get("etag"),
              (new[2], new[1].get("etag"), old[1].get("etag")))
        os.unlink(os.path.join(site.static, "CNAME"))
        st = fcgi_get(site, "/CNAME")[0]
        check(S, "a file gone since the scan is 404", st == 404, st)
        # The watcher: a file added to the static folder, an image into a bundle.
        site.put("new.txt", b"new\n")
        site.put("trip/added.png", PNG, site.posts)
        ok = wait_for(lambda: fcgi_get(site, "/new.txt")[0] == 200 and
                      fcgi_get(site, "/trip/added.png")[0] == 200, 5)
        check(S, "a file added (static folder, bundle) is served after the reload", ok,
              site.read_log()[-500:])
        site.write_post("trip/index.md", "---\ntitle: A trip, edited\n---\n![v](photo.png)\n")
        ok = wait_for(lambda: b"A trip, edited" in fcgi_get(site, "/trip")[2], 5)
        check(S, "an edit of a bundle's index.md shows", ok, "")
        st, _, _ = fcgi_get(site, "/favicon.ico", method="POST")
        check(S, "POST to a file is 405", st == 405, st)


def cgi():
    with FilesSite(copy_posts=False) as site:
        fill(site)
        served_alike(site, "CGI", cgi_get)
        quire_only(site, "CGI", cgi_get)
        big_file(site, "CGI", cgi_get)


def nginx():
    for micro in (False, True):
        how = "nginx+microcache" if micro else "nginx"
        with FilesSite(copy_posts=False, microcache=micro) as site:
            fill(site)
            site.start()

            def get(s, uri, method="GET", headers=None):
                return s.get(uri, method=method, headers=headers)
            served_alike(site, how, get)
            big_file(site, how, get)
            st, h, _ = get(site, "/favicon.ico")
            check(S, f"{how}: nginx serves the static folder itself (no quire ETag form)",
                  st == 200 and not re.match(r'^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$',
                                             h.get("etag", "")), h.get("etag"))
            st, h, _ = get(site, "/trip/photo.png")
            check(S, f"{how}: a bundle's file comes from quire",
                  st == 200 and re.match(r'^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$',
                                         h.get("etag", "")), h.get("etag"))
            st, h, body = get(site, "/trip/photo.png", headers={"Range": "bytes=0-7"})
            check(S, f"{how}: a range of a bundle's file", st == 206 and body == PNG[:8],
                  (st, h))


def mounted():
    with FilesSite(copy_posts=False, mount="/blog/") as site:
        fill(site)
        site.start()
        st, _, body = site.get("/blog/favicon.ico")
        check(S, "mount /blog/: nginx serves /blog/favicon.ico", st == 200 and len(body) == 64, st)
        st, _, body = site.get("/blog/trip/photo.png")
        check(S, "mount /blog/: a bundle's file", st == 200 and body == PNG, st)
        st, _, body = site.get("/blog/trip")
        check(S, "mount /blog/: the bundle's image is under the mount",
              b'src="/blog/trip/photo.png"' in body, st)
        st, _, _ = site.get("/blog/.hidden")
        check(S, "mount /blog/: a hidden file is not served", st == 404, st)
        st, _, body = fcgi_get(site, "/blog/favicon.ico")
        check(S, "mount /blog/: quire itself", st == 200 and len(body) == 64, st)


def apache_checks(how, site, server, linked_folders=True):
    def get(s, uri, method="GET", headers=None):
        return s.get(uri, method=method, headers=headers)
    st, h, body = get(site, "/favicon.ico")
    check(S, f"{how}: a static file", st == 200 and len(body) == 64, (st, server.read_log()[-600:]))
    check(S, f"{how}: Apache serves it itself (its ETag, not quire's)",
          not re.match(r'^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$', h.get("etag", "")), h.get("etag"))
    etag = h.get("etag", "x")
    st, _, _ = get(site, "/favicon.ico", headers={"If-None-Match": etag})
    check(S, f"{how}: 304", st == 304, st)
    st, h, body = get(site, "/favicon.ico", headers={"Range": "bytes=0-3"})
    check(S, f"{how}: Range", st == 206 and body == b"\0\0\1\0", st)
    st, _, body = get(site, "/.well-known/security.txt")
    check(S, f"{how}: .well-known/", st == 200 and body.startswith(b"Contact:"), st)
    st, h, body = get(site, "/trip/photo.png")
    check(S, f"{how}: a bundle's file from quire", st == 200 and body == PNG and
          re.match(r'^"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+"$', h.get("etag", "")), (st, h.get("etag")))
    st, _, body = get(site, "/trip")
    check(S, f"{how}: the bundle post", st == 200 and b'src="/trip/photo.png"' in body, st)
    # A .htaccess cannot turn off the host's FollowSymLinks: there Apache goes through a
    # link to a folder inside static/ (deploy/shared-hosting/README.md says so).
    for uri in ("/.hidden", "/.git/config", "/sub/.env", "/passwd", "/trip/.secret",
                "/draft/d.png", "/%2e%2e/etc/passwd") + (("/posts-link/plain.md",)
                                                        if linked_folders else ()):
        st, _, body = get(site, uri)
        check(S, f"{how}: {uri} is not served", st in (400, 403, 404) and b"root:" not in body
              and b"[core]" not in body and b"SECRET" not in body, (st, body[:60]))
    st, _, body = get(site, "/big.bin", headers={"Range": f"bytes={BIG - 10}-"})
    check(S, f"{how}: the end of the 20 MB file", st == 206 and len(body) == 10, st)


def apache():
    import apache as ap
    if not ap.binary() or ap.module_missing("proxy_fcgi"):
        check(S, "Apache and mod_proxy_fcgi are installed", False, "")
        return
    import tempfile
    import grp
    rundir = tempfile.mkdtemp(prefix="quire-apache-")
    os.chmod(rundir, 0o755)
    try:
        with FilesSite(copy_posts=False) as site:
            fill(site)
            for d, _, fs in os.walk(site.dir):
                os.chmod(d, 0o755)
                for f in fs:
                    p = os.path.join(d, f)
                    if not os.path.islink(p):
                        os.chmod(p, 0o644)
            site.start_quire()
            if os.geteuid() == 0:
                os.chown(site.sock, -1, grp.getgrnam("www-data").gr_gid)
            server = ap.Apache(rundir, site.port, "proxy", site.sock,
                               os.path.join(site.conf, "static"), site.static)
            try:
                server.start()
                apache_checks("Apache mod_proxy_fcgi", site, server)
            finally:
                server.stop()
    finally:
        shutil.rmtree(rundir, ignore_errors=True)
    for mode in ("fcgid", "cgi"):
        if ap.module_missing("fcgid" if mode == "fcgid" else "cgid"):
            check(S, f"Apache module for {mode} is installed", False, "")
            continue
        rundir = tempfile.mkdtemp(prefix="quire-apache-")
        os.chmod(rundir, 0o755)
        try:
            with FilesSite(copy_posts=False) as site:
                fill(site)
                docroot = site.dir
                prog = os.path.join(docroot, "quire.fcgi")
                shutil.copy(QUIRE, prog)
                shutil.copy(os.path.join(TOP, "deploy", "shared-hosting", "htaccess"),
                            os.path.join(docroot, ".htaccess"))
                with open(os.path.join(TOP, "deploy", "shared-hosting", "quire.yaml")) as f:
                    conf = f.read().replace("https://example.org", f"http://127.0.0.1:{site.port}")
                conf = conf.replace("state: ../state\n", "")
                with open(os.path.join(site.conf, "quire.yaml"), "w") as f:
                    f.write(conf)
                for d, _, fs in os.walk(site.dir):
                    os.chmod(d, 0o755)
                    for f in fs:
                        p = os.path.join(d, f)
                        if not os.path.islink(p):
                            os.chmod(p, 0o644)
                os.chmod(prog, 0o755)
                server = ap.Apache(rundir, site.port, mode, docroot)
                try:
                    server.start()
                    apache_checks(f"Apache {mode} (.htaccess)", site, server, False)
                finally:
                    server.stop()
        finally:
            shutil.rmtree(rundir, ignore_errors=True)


def rust_blog():
    if not os.path.isdir(CORPUS):
        check(S, "the rust-blog corpus is in tests/data", False, CORPUS)
        return
    with FilesSite(copy_posts=False,
                   config_extra="permalink: /:year/:month/:day/:slug.html\n") as site:
        files = sorted(glob.glob(os.path.join(CORPUS, "*.md")))
        refs = set()
        for f in files:
            shutil.copy(f, site.posts)
            with open(f, encoding="utf-8") as fh:
                text = fh.read()
            for u in re.findall(r'!\[[^\]]*\]\(\s*<?([^)\s>]+)', text) + \
                    re.findall(r'<img[^>]*\ssrc="([^"]+)"', text) + \
                    re.findall(r'^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)', text, re.M):
                m = re.search(r"(?:^|/)images/(.+)$", u)
                if m and "://" not in u:
                    refs.add(m.group(1))
        for r in refs:
            site.put("images/" + r, PNG)
        site.start()
        posts_with, images, bad = 0, 0, []
        for f in files:
            name = os.path.basename(f)[:-3]
            y, m, d, slug = name[:4], name[5:7], name[8:10], name[11:]
            page = f"/{y}/{m}/{d}/{slug}.html"
            st, _, body = site.get(page)
            srcs = [s for s in re.findall(r'<img[^>]*\ssrc="([^"]+)"', body.decode(errors="replace"))
                    if "images/" in s and "://" not in s]
            if srcs:
                posts_with += 1
            for s in srcs:
                images += 1
                url = s.replace("&amp;", "&")
                if not url.startswith("/"):
                    url = os.path.normpath(os.path.join(os.path.dirname(page), url))
                st, _, data = site.get(url)
                if st != 200 or data != PNG:
                    bad.append((page, s, url, st))
                    continue
                st, _, data = fcgi_get(site, url)
                if st != 200 or data != PNG:
                    bad.append((page, s, url, "quire", st))
        print(f"# rust-blog: {images} images in {posts_with} of {len(files)} posts, "
              f"{len(refs)} files in static/images/")
        check(S, f"rust-blog: all {images} images of {posts_with} posts resolve to 200 "
              "(nginx and quire)", images > 100 and not bad, bad[:5])


def main():
    for t in (direct, cgi, nginx, mounted, apache, rust_blog):
        try:
            t()
        except Exception as e:
            import traceback
            traceback.print_exc()
            check(S, f"{t.__name__}: harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
