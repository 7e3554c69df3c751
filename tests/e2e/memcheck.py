"""memcheck.py — quire as a plain CGI program under valgrind memcheck: every kind of page,
the error answers and the state folder, each run reporting no memory error and no
definite or indirect leak. Run by tests/run.sh with the plain build only (valgrind cannot
run the sanitizer builds)."""
import os
import subprocess

from harness import QUIRE, Site, check, finish

S = "memcheck"
FIRST = "/on-node-go-concurrency"
VALGRIND = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
            "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect"]

POSTS = {
    "tagged.md": "---\ntitle: Tagged <b>post</b>\nroute: /tagged\ndate: 2024-03-01\n"
                 "tags: [rust, c]\naliases: [/old-tagged]\nsummary: A *summary*\n---\n"
                 "Text with an emoji :smile: and a [link](javascript:alert(1)).\n\n"
                 "<!--more-->\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    "draft.md": "---\ntitle: Draft\nroute: /draft\ndraft: true\n---\nNot yet.\n",
    "later.md": "---\ntitle: Later\nroute: /later\ndate: 2999-01-01\n---\nScheduled.\n",
    "broken.md": "---\ntitle: [a, b\nroute: /broken\n---\nBroken front matter.\n",
    "bad-utf8.md": b"---\ntitle: Bad \xff byte\nroute: /bad-utf8\ndate: 2024-02-01\n---\n"
                   b"Body \xc0\xae with bad bytes.\n".decode("latin-1"),
}

# (what, CGI variables, body on stdin, the status line the answer starts with)
REQUESTS = [
    ("the first post", {"REQUEST_URI": FIRST}, None, b"Status: 200"),
    ("the index", {"REQUEST_URI": "/"}, None, b"Status: 200"),
    ("a tagged post", {"REQUEST_URI": "/tagged"}, None, b"Status: 200"),
    ("a post with invalid UTF-8", {"REQUEST_URI": "/bad-utf8"}, None, b"Status: 200"),
    ("the tag index", {"REQUEST_URI": "/tags/"}, None, b"Status: 200"),
    ("a tag page", {"REQUEST_URI": "/tags/rust/"}, None, b"Status: 200"),
    ("the Atom feed", {"REQUEST_URI": "/feed.xml"}, None, b"Status: 200"),
    ("the RSS feed", {"REQUEST_URI": "/rss.xml"}, None, b"Status: 200"),
    ("the JSON feed", {"REQUEST_URI": "/feed.json"}, None, b"Status: 200"),
    ("the sitemap", {"REQUEST_URI": "/sitemap.xml"}, None, b"Status: 200"),
    ("robots.txt", {"REQUEST_URI": "/robots.txt"}, None, b"Status: 200"),
    ("an alias", {"REQUEST_URI": "/old-tagged"}, None, b"Status: 301"),
    ("a trailing slash", {"REQUEST_URI": FIRST + "/"}, None, b"Status: 301"),
    ("a draft", {"REQUEST_URI": "/draft"}, None, b"Status: 404"),
    ("a scheduled post", {"REQUEST_URI": "/later"}, None, b"Status: 404"),
    ("a broken post", {"REQUEST_URI": "/broken"}, None, b"Status: 404"),
    ("a traversal", {"REQUEST_URI": "/..%2f..%2fetc%2fpasswd"}, None, b"Status: 404"),
    ("HEAD", {"REQUEST_METHOD": "HEAD", "REQUEST_URI": FIRST}, None, b"Status: 200"),
    ("POST with a body", {"REQUEST_METHOD": "POST", "REQUEST_URI": FIRST,
                          "CONTENT_LENGTH": "5"}, b"a=b&c", b"Status: 405"),
    ("no REQUEST_URI", {}, None, b"Status: 400"),
    ("%00 in the query", {"REQUEST_URI": FIRST + "?a=%00"}, None, b"Status: 400"),
]


def run(site, env, body):
    full = {"QUIRE_CONFIG": site.config, "PATH": os.environ.get("PATH", ""),
            "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", **env}
    p = subprocess.run(VALGRIND + [QUIRE], env=full, input=body or b"",
                       capture_output=True, timeout=120)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def errors(err):
    """valgrind's own report lines (==PID==), which -q prints only for errors and leaks."""
    return [line for line in err.splitlines() if line.startswith("==")]


def requests(site, label, which):
    for what, env, body, want in which:
        rc, out, err = run(site, env, body)
        report = errors(err)
        check(S, f"{label}: {what}: {want.decode()}, no memcheck error",
              rc == 0 and out.startswith(want) and not report,
              (rc, out[:60], report[:8] or err[-300:]))


def validators(site):
    _, out, _ = run(site, {"REQUEST_URI": FIRST}, None)
    etag = next((line.split(b": ", 1)[1] for line in out.split(b"\r\n")
                 if line.startswith(b"ETag: ")), b"").decode()
    rc, out, err = run(site, {"REQUEST_URI": FIRST, "HTTP_IF_NONE_MATCH": etag}, None)
    check(S, "If-None-Match: 304, no memcheck error",
          etag and rc == 0 and out.startswith(b"Status: 304") and not errors(err),
          (etag, out[:60], errors(err)[:8]))


def main():
    # valgrind cannot apply a seccomp filter: the sandbox is off here (ASan covers it).
    with Site(config_extra="state: ../state\nsandbox: false\n") as site:
        for name, text in POSTS.items():
            site.write_post(name, text)
        # The first run fills the state folder; the second reads the snapshot from it.
        requests(site, "state written", REQUESTS)
        requests(site, "state read", REQUESTS[:3])
        validators(site)
        with open(os.path.join(site.posts, "tagged.md"), "a") as f:
            f.write("\nEdited.\n")
        rc, out, err = run(site, {"REQUEST_URI": "/tagged"}, None)
        check(S, "an edited post after a stored snapshot: 200, no memcheck error",
              rc == 0 and out.startswith(b"Status: 200") and b"Edited." in out and
              not errors(err), (out[:60], errors(err)[:8]))
    finish()


main()
