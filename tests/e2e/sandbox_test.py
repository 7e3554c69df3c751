"""sandbox_test.py — a worker behind nginx confined by seccomp and Landlock: it serves,
reloads and writes its state folder, and reads nothing outside the site's folders."""
import os
import re
import shutil
import subprocess
import tempfile

from harness import QUIRE, Site, check, finish, serving, wait_for

S = "sandbox"
FIRST = "/on-node-go-concurrency"
SECRET = "---\ntitle: Outside the site\nroute: outside\n---\nSECRET-OUTSIDE\n"


def worker(site, old=None):
    """The one worker that serves (not the spare), once it is alone and is not old."""
    def alone():
        found = serving(site.quire.pid)
        return found[0] if len(found) == 1 and found[0] != old else None
    wait_for(alone, 5.0)
    return alone()


def status(pid):
    """Seccomp and NoNewPrivs from /proc/PID/status."""
    try:
        with open(f"/proc/{pid}/status") as f:
            text = f.read()
    except (OSError, TypeError):
        return {}
    return dict(re.findall(r"^(Seccomp|NoNewPrivs):\s*(\d+)$", text, re.M))


def linked_site(extra):
    """A site whose posts folder is a symbolic link to real-posts beside it, and a
    folder outside the site holding one post."""
    site = Site(config_extra="state: ../state\n" + extra)
    real = os.path.join(site.dir, "real-posts")
    os.rename(site.posts, real)
    os.symlink("real-posts", site.posts)
    outside = tempfile.mkdtemp(prefix="quire-outside-")
    with open(os.path.join(outside, "outside.md"), "w") as f:
        f.write(SECRET)
    return site, real, outside


def repoint(site, real, outside):
    """Point posts at the outside folder, then touch the folder being watched."""
    tmp = site.posts + ".new"
    os.symlink(outside, tmp)
    os.rename(tmp, site.posts)
    with open(os.path.join(real, "touch.md"), "w") as f:
        f.write("---\ntitle: Touched\n---\nx\n")


def sandboxed():
    site, real, outside = linked_site("")
    try:
        site.start()
        pid = worker(site)
        st = status(pid)
        check(S, "the worker runs under a seccomp filter (Seccomp: 2)", st.get("Seccomp") == "2",
              st)
        check(S, "the worker has no_new_privs (NoNewPrivs: 1)", st.get("NoNewPrivs") == "1", st)
        sup = status(site.quire.pid)
        check(S, "the supervisor is not confined", sup.get("Seccomp") == "0", sup)
        code, _, body = site.get(FIRST)
        check(S, "the site serves", code == 200 and b"Ryan Dahl" in body, code)

        path = os.path.join(real, "on-node-go-concurrency.md")
        with open(path) as f:
            text = f.read()
        with open(path, "w") as f:
            f.write(text.replace("Ryan Dahl, the creator", "SANDBOX-EDIT Ryan Dahl, the creator"))
        check(S, "an edited post is served within 1 s",
              wait_for(lambda: b"SANDBOX-EDIT" in site.get(FIRST)[2], 1.0), site.read_log()[-400:])

        routes = os.path.join(site.dir, "state", "routes")
        with open(path, "w") as f:
            f.write(text.replace("route: on-node-go-concurrency", "route: moved", 1))
        ok = wait_for(lambda: site.get("/moved")[0] == 200, 1.0)
        with open(routes) as f:
            kept = f.read()
        code, h, _ = site.get(FIRST)
        check(S, "the state folder is written: a moved post's old route answers 301",
              ok and "/moved\t" in kept and code == 301 and h.get("location", "").endswith("/moved"),
              (ok, kept, code))
        # The search index: SQLite in the state folder, under the same filter (its WAL,
        # locks, shared memory; ftruncate and geteuid are what it added to the allowlist).
        ok = wait_for(lambda: b'<a href="/moved">On Node.js' in site.get("/search?q=dahl")[2],
                      2.0)
        check(S, "search answers from the sandboxed worker (SQLite under seccomp and Landlock)",
              ok and os.path.exists(os.path.join(site.dir, "state", "search.db-wal")),
              site.read_log()[-400:])
        check(S, "no post is left unreadable in the log",
              "Permission denied" not in site.read_log() and "Operation not permitted" not in
              site.read_log(), site.read_log()[-400:])

        # Case 30's neighbour: posts/ re-pointed outside while the worker runs.
        repoint(site, real, outside)
        denied = wait_for(lambda: re.search(r"cannot open the posts folder: Permission denied",
                                            site.read_log()), 2.0)
        code, _, body = site.get("/outside")
        check(S, "a posts folder re-pointed outside the site is not read",
              denied and code == 404 and b"SECRET-OUTSIDE" not in body,
              (code, site.read_log()[-400:]))

        # Pointed back, the folder the worker started with is read again.
        os.unlink(site.posts)
        os.symlink("real-posts", site.posts)
        os.unlink(os.path.join(real, "touch.md"))
        check(S, "posts pointed back are served again",
              wait_for(lambda: site.get("/moved")[0] == 200, 2.0), site.read_log()[-400:])

        # Case 32: the folder deleted empties the site; made again, a new worker
        # (itself confined) reads it, since Landlock holds the folder that was.
        saved = real + ".saved"
        shutil.copytree(real, saved)
        shutil.rmtree(real)
        gone = wait_for(lambda: site.get("/moved")[0] == 404, 2.0)
        check(S, "posts folder deleted: its posts are 404, the index still 200 (case 32)",
              gone and site.get("/")[0] == 200, site.read_log()[-400:])
        os.rename(saved, real)
        new = worker(site, pid)
        code, body = 0, b""
        if new is not None and wait_for(lambda: site.get("/moved")[0] == 200, 2.0):
            code, _, body = site.get("/moved")
        check(S, "a posts folder made again is served by a new worker",
              new is not None and code == 200 and b"Ryan Dahl" in body,
              (new, pid, code, site.read_log()[-600:]))
        check(S, "the new worker is confined too", status(new).get("Seccomp")
              == "2", new)

        with open(site.config, "a") as f:
            f.write("# touched\n")
        again = worker(site, new)
        check(S, "a configuration change still swaps the worker (SIGHUP to the supervisor)",
              again is not None and status(again).get("Seccomp") == "2" and
              site.get("/moved")[0] == 200, (again, new, site.read_log()[-400:]))

        site.quire.send_signal(15)
        rc = site.quire.wait(5)
        log = site.read_log()
        check(S, "SIGTERM: exit 0, no sandbox error in the log (case 37)",
              rc == 0 and "sandbox:" not in log and "landlock not available" not in log,
              (rc, log[-400:]))
    finally:
        site.cleanup()
        shutil.rmtree(outside, ignore_errors=True)


def unconfined():
    site, real, outside = linked_site("sandbox: false\n")
    try:
        site.start()
        st = status(worker(site))
        check(S, "sandbox: false: no seccomp filter (Seccomp: 0)", st.get("Seccomp") == "0", st)
        repoint(site, real, outside)
        served = wait_for(lambda: b"SECRET-OUTSIDE" in site.get("/outside")[2], 2.0)
        check(S, "sandbox: false: the re-pointed folder is read, as it was before the sandbox",
              served, site.read_log()[-400:])
    finally:
        site.cleanup()
        shutil.rmtree(outside, ignore_errors=True)


def cgi():
    """CGI: the process that answers is confined the same way, and still answers."""
    with Site(config_extra="state: ../state\n") as site:
        env = dict(os.environ, QUIRE_CONFIG=site.config, REQUEST_METHOD="GET",
                   REQUEST_URI=FIRST)
        p = subprocess.run([QUIRE], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                           timeout=10)
        check(S, "CGI: a sandboxed request is answered",
              p.returncode == 0 and p.stdout.startswith(b"Status: 200") and
              b"Ryan Dahl" in p.stdout, (p.returncode, p.stdout[:80], p.stderr[-300:]))
        env["REQUEST_URI"] = "/search?q=dahl"
        for what in ("makes the index", "reads it"):
            p = subprocess.run([QUIRE], env=env, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=10)
            check(S, f"CGI: a sandboxed search {what}",
                  p.returncode == 0 and p.stdout.startswith(b"Status: 200") and
                  b"On Node.js" in p.stdout and b"Operation not permitted" not in p.stderr,
                  (p.returncode, p.stdout[:80], p.stderr[-300:]))


def relative():
    """A configuration named by a relative path, run from the site's folder (quire -c
    conf/quire.yaml): SQLite makes the index's relative path whole with getcwd(), which
    the filter must allow, in FastCGI and in CGI."""
    with Site(config_extra="state: ../state\n") as site:
        rel = os.path.relpath(site.config, site.dir)
        logf = open(site.log, "ab")
        site.quire = subprocess.Popen([QUIRE, "-c", rel, "-s", site.sock], cwd=site.dir,
                                      stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        logf.close()
        wait_for(lambda: os.path.exists(site.sock) or site.quire.poll() is not None)
        site.start_nginx()
        ok = wait_for(lambda: b"On Node.js" in site.get("/search?q=dahl")[2], 3.0)
        check(S, "quire -c conf/NAME.yaml from the site's folder: search answers",
              ok and os.path.exists(os.path.join(site.dir, "state", "search.db")) and
              "cannot open the search index" not in site.read_log(), site.read_log()[-400:])
        env = dict(os.environ, QUIRE_CONFIG=rel, REQUEST_METHOD="GET",
                   REQUEST_URI="/search?q=dahl")
        p = subprocess.run([QUIRE], env=env, cwd=site.dir, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=10)
        check(S, "CGI with a relative QUIRE_CONFIG: search answers",
              p.returncode == 0 and p.stdout.startswith(b"Status: 200") and
              b"On Node.js" in p.stdout and b"search index" not in p.stderr,
              (p.returncode, p.stdout[:80], p.stderr[-300:]))


def main():
    sandboxed()
    relative()
    unconfined()
    cgi()
    finish()


if __name__ == "__main__":
    main()
