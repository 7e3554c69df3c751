"""supervisor_test.py — the supervisor keeps the site served: nothing saved during a
worker's replacement is missed, start-up failures are told, and a crash caused by
input loses only the requests in flight."""
import os
import shutil
import signal
import subprocess
import time

from harness import QUIRE, TOP, Site, check, finish, wait_for

S = "supervisor"
FIRST = "/on-node-go-concurrency"
RUST = os.path.join(TOP, "tests", "data", "rust-blog", "posts")


def big_site(copies=6):
    """A site with some 1,600 posts, so that a worker takes a while to load it."""
    site = Site()
    names = sorted(n for n in os.listdir(RUST) if n.endswith(".md"))
    for i in range(copies):
        for n in names:
            shutil.copyfile(os.path.join(RUST, n), os.path.join(site.posts, f"z{i}-{n}"))
    return site


def body(site, path):
    try:
        return site.get(path)[2]
    except OSError:
        return b""


def status(site, path):
    try:
        return site.get(path)[0]
    except OSError:
        return None


def edits_during_replacement():
    """SIGHUP, then a post added at a growing delay while the new worker loads: each
    round's post is served. Then the same with an edit of the configuration."""
    with big_site() as site:
        site.start()
        missed = []
        for i in range(12):
            site.quire.send_signal(signal.SIGHUP)
            time.sleep(0.01 * i)
            # A new post: only the snapshot knows it (a post's body is read afresh).
            site.write_post(f"a-round-{i}.md", f"---\ntitle: Round {i}\nroute: round-{i}\n---\nx\n")
            if not wait_for(lambda: status(site, f"/round-{i}") == 200, 3.0):
                missed.append(i)
        check(S, "a post added while a SIGHUP replaces the worker is served within 3 s",
              not missed, (missed, site.read_log()[-400:]))
        with open(site.config) as f:
            text = f.read()
        missed = []
        for i in range(8):
            site.quire.send_signal(signal.SIGHUP)
            time.sleep(0.015 * i)
            title = f"Title-{i}-done"
            with open(site.config, "w") as f:
                f.write(text.replace("title: Test site", "title: " + title))
            if not wait_for(lambda: title.encode() in body(site, "/"), 5.0):
                missed.append(i)
        check(S, "a configuration edited while a SIGHUP replaces the worker is served "
              "within 5 s", not missed, (missed, site.read_log()[-400:]))


def server_fails():
    """The listening socket given (systemd's descriptor 3) cannot be served on: the
    worker's server_run() fails, quire exits non-zero and the log says why."""
    with Site() as site:
        fd = os.open(site.posts, os.O_PATH)
        if fd != 3:
            os.dup2(fd, 3, inheritable=True)
            os.close(fd)
        with open(site.log, "ab") as logf:
            try:
                p = subprocess.run(
                    ["sh", "-c", 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" -c "$1"', QUIRE,
                     site.config], stdin=subprocess.DEVNULL, stdout=logf, stderr=logf,
                    pass_fds=(3,), timeout=20)
                rc = p.returncode
            except subprocess.TimeoutExpired:
                rc = None
            finally:
                os.close(3)
        log = site.read_log()
        check(S, "server_run fails: quire exits 1", rc == 1, (rc, log[-300:]))
        check(S, "server_run fails: the log names the cause and the worker's status",
              "cannot set up the listening socket" in log and
              "exited with status 1 before it served" in log, log[-400:])


def main():
    try:
        server_fails()
        edits_during_replacement()
    except Exception as e:
        check(S, "harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
