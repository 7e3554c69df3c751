"""preview_test.py — preview addresses (issue 12, item 7): `quire preview FILE` prints an
address that shows a draft or a post scheduled for later, without the server running;
it refuses what is not a post file of the posts folder. The page is 200 with
X-Robots-Tag: noindex and Cache-Control: private, no-store, made fresh for each
request, while the post's own route stays 404. Every bad token (wrong MAC, tampered
name or expiry, expired, truncated, garbage, 10 KB, a name that is no post) is the
same 404, byte for byte, as an unknown address, over FastCGI and under CGI."""
import base64
import hashlib
import hmac
import os
import subprocess
import time

from harness import QUIRE, Site, cgi_parse, check, fcgi_request, finish, sanitizer_report, wait_for

S = "preview"
DRAFT = "2026-01-02-draft.md"
DRAFT_TEXT = "---\ntitle: A draft of mine\nroute: draft-post\ndraft: true\n---\nDRAFT-BODY-ONE\n"
FUTURE = "future.md"
FUTURE_TEXT = ("---\ntitle: Not yet\nroute: future-post\npublishDate: 2099-01-01\n---\n"
               "FUTURE-BODY\n")
LIVE = "on-node-go-concurrency.md"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(key, name, expiry):
    """A token as quire makes it, made here with the key from the state folder."""
    name = name.encode() if isinstance(name, str) else name
    mac = hmac.new(key, name + b"\0" + str(expiry).encode(), hashlib.sha256).digest()
    return f"{b64(name)}.{expiry}.{b64(mac)}"


def run_preview(site, *args):
    p = subprocess.run([QUIRE, "-c", site.config, "preview", *args], capture_output=True,
                       timeout=20, cwd=site.dir)
    err = p.stderr.decode(errors="replace")
    report = sanitizer_report(err)
    if report:
        check(S, "quire preview: sanitizer report", False, report)
    return p.returncode, p.stdout.decode(errors="replace"), err


def path_of(url, site):
    base = f"http://127.0.0.1:{site.port}"
    return url[len(base):] if url.startswith(base) else None


def fcgi(site, path, method="GET"):
    return fcgi_request(site.sock, [(b"REQUEST_METHOD", method.encode()),
                                    (b"REQUEST_URI", path.encode())])


def cgi(site, path, method="GET"):
    env = {"QUIRE_CONFIG": site.config, "PATH": os.environ.get("PATH", ""),
           "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": method, "REQUEST_URI": path}
    for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if k in os.environ:
            env[k] = os.environ[k]
    p = subprocess.run([QUIRE], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=20)
    report = sanitizer_report(p.stderr.decode(errors="replace"))
    if report:
        check(S, "CGI: sanitizer report", False, report)
    return p.stdout


def command(site):
    """quire preview without a server: addresses printed, files refused."""
    rc, out, err = run_preview(site, os.path.join("posts", DRAFT))
    lines = out.splitlines()
    check(S, "quire preview FILE (a path): exit 0, the absolute address, the expiry",
          rc == 0 and len(lines) == 2 and
          lines[0].startswith(f"http://127.0.0.1:{site.port}/_preview/") and
          "valid until" in lines[1] and "(7 days)" in lines[1], (rc, out, err))
    draft_url = lines[0] if lines else ""
    key_path = os.path.join(site.dir, "state", "preview.key")
    st = os.stat(key_path) if os.path.exists(key_path) else None
    check(S, "the key is made in the state folder: 32 bytes, mode 0600",
          st is not None and st.st_size == 32 and st.st_mode & 0o777 == 0o600, st)
    rc, out, err = run_preview(site, FUTURE, "--days", "1")
    check(S, "quire preview NAME --days 1 (a name in the posts folder)",
          rc == 0 and "/_preview/" in out and "(1 day)" in out, (rc, out, err))
    future_url = out.splitlines()[0] if rc == 0 else ""
    exp = int(future_url.rsplit(".", 2)[1]) if future_url.count(".") >= 2 else 0
    check(S, "--days 1: the expiry is a day from now", abs(exp - (time.time() + 86400)) < 60,
          exp)
    rc, out, _ = run_preview(site, os.path.join(site.posts, LIVE))
    live_url = out.splitlines()[0] if rc == 0 else ""
    check(S, "a live post (an absolute path) has a preview address too", rc == 0, out)

    refused = {
        "a file outside the posts folder": os.path.join("conf", "test.yaml"),
        "a path with ../ out of the posts folder": os.path.join("posts", "..", "conf",
                                                               "test.yaml"),
        "../ to a .md outside": os.path.join("posts", "..", "outside.md"),
        "a name with ../": "../outside.md",
        "a file in posts/ that is not *.md": "notes.txt",
        "a .md in posts/ that is not a post": "broken.md",
        "a file that is not there": "missing.md",
        "a symbolic link in posts/": "link.md",
        "a folder in posts/": "folder.md",
    }
    for what, f in refused.items():
        rc, out, err = run_preview(site, f)
        check(S, f"refused, exit 1 with a message: {what}",
              rc == 1 and out == "" and err.startswith("quire: "), (rc, out, err))
    for days in ("0", "366", "x", "7d", ""):
        rc, out, err = run_preview(site, DRAFT, "--days", days)
        check(S, f"refused: --days {days!r}", rc == 1 and out == "" and "--days" in err,
              (rc, out, err))
    return draft_url, future_url, live_url


def same_404(site, key, draft_url):
    """Every bad token answers what an unknown address does, byte for byte."""
    good = path_of(draft_url, site).rsplit("/", 1)[1]
    name, exp, mac = good.split(".")
    now = int(time.time())
    flip = "A" if mac[0] != "A" else "B"
    bad = {
        "a wrong MAC": f"{name}.{exp}.{flip}{mac[1:]}",
        "a tampered expiry": f"{name}.{int(exp) + 1}.{mac}",
        "a tampered name": f"{b64(b'2026-01-02-draft.mx')}.{exp}.{mac}",
        "expired (a good MAC)": token(key, DRAFT, now - 10),
        "truncated": good[:-1],
        "truncated to the name": name,
        "garbage": "garbage",
        "garbage with dots": "a.b.c",
        "a token of 10 KB": "A" * 10240,
        "a good token and 10 KB more": good + "A" * 10240,
        "a file in posts/ that is not a post (a good MAC)": token(key, "notes.txt", now + 99),
        "a broken post (a good MAC)": token(key, "broken.md", now + 99),
        "a name with ../ (a good MAC)": token(key, "../conf/test.yaml", now + 99),
        "a file not there (a good MAC)": token(key, "missing.md", now + 99),
        "another key's token": token(b"k" * 32, DRAFT, now + 99),
        "no token": "",
    }
    for method in ("GET", "HEAD"):
        want = fcgi(site, "/no-such-page", method)
        check(S, f"{method} an unknown address is 404", cgi_parse(want)[0] == 404, want[:80])
        for what, t in bad.items():
            got = fcgi(site, "/_preview/" + t, method)
            check(S, f"{method} {what}: the same bytes as an unknown address", got == want,
                  (got[:200], want[:200]))
        got = fcgi(site, "/_preview", method)
        check(S, f"{method} /_preview itself: the same bytes as an unknown address",
              got == want, got[:200])
    return bad


def served(site, draft_url, future_url, live_url):
    for route in ("/draft-post", "/future-post"):
        check(S, f"{route} is 404 at its own route", site.get(route)[0] == 404, "")
    for what, url, text in (("the draft", draft_url, b"DRAFT-BODY-ONE"),
                            ("the future post", future_url, b"FUTURE-BODY"),
                            ("a live post", live_url, b"Ryan Dahl")):
        st, h, body = site.get(path_of(url, site))
        check(S, f"{what} via its preview address: 200, the post in its layout",
              st == 200 and text in body and b"</html>" in body, (st, body[:200]))
        check(S, f"{what}: X-Robots-Tag: noindex, Cache-Control: private, no-store",
              h.get("x-robots-tag") == "noindex" and
              h.get("cache-control") == "private, no-store", h)
        check(S, f"{what}: no validators (no ETag, no Last-Modified)",
              "etag" not in h and "last-modified" not in h, h)
    st, _, body = site.get(path_of(draft_url, site), method="HEAD")
    check(S, "HEAD of a preview address: 200, no body", st == 200 and body == b"", st)
    # Fresh for each request: an edit shows at once, and the route stays 404.
    site.write_post(DRAFT, DRAFT_TEXT.replace("DRAFT-BODY-ONE", "DRAFT-BODY-TWO"))
    st, _, body = site.get(path_of(draft_url, site))
    check(S, "after an edit, the preview shows the edit at once",
          st == 200 and b"DRAFT-BODY-TWO" in body and b"DRAFT-BODY-ONE" not in body,
          (st, body[:200]))
    check(S, "after previews, the draft's own route is still 404",
          site.get("/draft-post")[0] == 404, "")
    st, _, body = site.get("/")
    check(S, "the index does not list the draft or the future post",
          b"A draft of mine" not in body and b"Not yet" not in body, "")
    st, h, _ = site.get(path_of(draft_url, site) + "/")
    check(S, "a preview address with a slash: 301 to the one without",
          st == 301 and h.get("location", "").endswith(path_of(draft_url, site)), (st, h))


def cgi_mode(site, draft_url, bad):
    out = cgi(site, path_of(draft_url, site))
    st, h, body = cgi_parse(out)
    check(S, "CGI: the preview address is 200 with both headers",
          st == 200 and b"DRAFT-BODY-TWO" in body and h.get("x-robots-tag") == "noindex" and
          h.get("cache-control") == "private, no-store", (st, h, body[:100]))
    want = cgi(site, "/no-such-page")
    for what in ("a wrong MAC", "expired (a good MAC)", "a token of 10 KB", "garbage"):
        got = cgi(site, "/_preview/" + bad[what])
        check(S, f"CGI: {what}: the same bytes as an unknown address", got == want,
              (got[:120], want[:120]))


def key_made_while_serving():
    """A server started before any key: the first quire preview's address works at once."""
    with Site(config_extra="state: ../state\n") as site:
        site.write_post(DRAFT, DRAFT_TEXT)
        site.start()
        check(S, "no key yet: a preview address is 404",
              site.get("/_preview/" + token(b"x" * 32, DRAFT, int(time.time()) + 99))[0] == 404,
              "")
        rc, out, err = run_preview(site, DRAFT)
        url = out.splitlines()[0] if rc == 0 else ""
        check(S, "the key made while serving: the address works within two seconds",
              rc == 0 and wait_for(lambda: site.get(path_of(url, site))[0] == 200, 3),
              (rc, out, err))


def no_state():
    with Site() as site:
        site.write_post(DRAFT, DRAFT_TEXT)
        rc, out, err = run_preview(site, DRAFT)
        check(S, "without a state folder: refused, saying it needs one",
              rc == 1 and "state" in err and out == "", (rc, out, err))
    with Site(config_extra="state: ../state\n", mount="/blog/") as site:
        site.write_post(DRAFT, DRAFT_TEXT)
        rc, out, _ = run_preview(site, DRAFT)
        check(S, "under mount: /blog/ the address is under /blog/",
              rc == 0 and out.startswith(f"http://127.0.0.1:{site.port}/blog/_preview/"), out)


def main():
    with Site(config_extra="state: ../state\n") as site:
        site.write_post(DRAFT, DRAFT_TEXT)
        site.write_post(FUTURE, FUTURE_TEXT)
        site.write_post("notes.txt", "not a post\n")
        site.write_post("broken.md", "no front matter\n")
        site.write_post("squatter.md", "---\ntitle: Squatter\nroute: _preview/abc\n---\nSQ\n")
        with open(os.path.join(site.dir, "outside.md"), "w") as f:
            f.write(DRAFT_TEXT)
        os.symlink(os.path.join(site.dir, "outside.md"), os.path.join(site.posts, "link.md"))
        os.mkdir(os.path.join(site.posts, "folder.md"))
        draft_url, future_url, live_url = command(site)
        with open(os.path.join(site.dir, "state", "preview.key"), "rb") as f:
            key = f.read()
        site.start()
        st, _, body = site.get("/_preview/" + token(key, DRAFT, int(time.time()) + 99))
        check(S, "a token made with Python's hmac is accepted (HMAC-SHA256 as documented)",
              st == 200 and b"DRAFT-BODY-ONE" in body, st)
        check(S, "a post may not take an address under /_preview (reserved)",
              site.get("/_preview/abc")[0] == 404 and
              "squatter.md: route /_preview/abc is an address quire makes itself" in
              site.read_log(), site.read_log()[-400:])
        served_ok = all(u for u in (draft_url, future_url, live_url))
        if served_ok:
            bad = same_404(site, key, draft_url)
            served(site, draft_url, future_url, live_url)
            cgi_mode(site, draft_url, bad)
    key_made_while_serving()
    no_state()
    finish()


if __name__ == "__main__":
    main()
