"""reload_test.py — fast and always fresh: HTTP validators, live reload of posts,
layouts and configuration, and the supervisor keeping a worker serving."""
import os
import re
import shutil
import signal
import time

from harness import Load, Site, check, finish, serving, wait_for

S = "reload"
FIRST = "/on-node-go-concurrency"
HTTP_DATE = "%a, %d %b %Y %H:%M:%S GMT"


def validators(site):
    status, h, body = site.get(FIRST)
    etag, lm = h.get("etag", ""), h.get("last-modified", "")
    check(S, "a page has a strong ETag", re.fullmatch(r'"[0-9a-f]{16}"', etag), etag)
    check(S, "a page has Last-Modified", re.fullmatch(r"\w{3}, \d\d \w{3} \d{4} [\d:]{8} GMT", lm),
          lm)
    check(S, "a page has the configured Cache-Control",
          h.get("cache-control") == "public, max-age=0, must-revalidate", h.get("cache-control"))
    cases = [
        ("If-None-Match equal", {"If-None-Match": etag}, 304),
        ("If-None-Match weak", {"If-None-Match": "W/" + etag}, 304),
        ("If-None-Match in a list", {"If-None-Match": '"0000000000000000", ' + etag}, 304),
        ("If-None-Match *", {"If-None-Match": "*"}, 304),
        ("If-None-Match other", {"If-None-Match": '"0000000000000000"'}, 200),
        ("If-None-Match other beats a matching If-Modified-Since",
         {"If-None-Match": '"0000000000000000"', "If-Modified-Since": lm}, 200),
        ("If-Modified-Since equal", {"If-Modified-Since": lm}, 304),
        ("If-Modified-Since invalid", {"If-Modified-Since": "yesterday"}, 200),
        ("If-Modified-Since in the future",
         {"If-Modified-Since": time.strftime(HTTP_DATE, time.gmtime(time.time() + 86400 * 400))},
         200),
        ("If-Modified-Since long ago",
         {"If-Modified-Since": "Sun, 06 Nov 1994 08:49:37 GMT"}, 200),
        ("If-Modified-Since in RFC 850 form",
         {"If-Modified-Since": time.strftime("%A, %d-%b-%y %H:%M:%S GMT",
                                             time.gmtime(time.time() + 60))}, 200),
    ]
    for name, headers, want in cases:
        st, hh, b = site.get(FIRST, headers=headers)
        ok = st == want and (want == 200 or (b == b"" and hh.get("etag") == etag))
        check(S, f"{name}: {want}", ok, (st, len(b)))
    st, hh, b = site.get(FIRST, method="HEAD", headers={"If-None-Match": etag})
    check(S, "HEAD with a matching If-None-Match: 304", st == 304 and b == b"", st)
    st, hh, _ = site.get("/", headers={"If-None-Match": site.get("/")[1].get("etag", "")})
    check(S, "the index answers 304 too", st == 304, st)
    return etag


def edit(site, old_etag):
    path = os.path.join(site.posts, "on-node-go-concurrency.md")
    with open(path) as f:
        text = f.read()
    t0 = time.monotonic()
    with open(path, "w") as f:
        f.write(text.replace("Ryan Dahl, the creator", "EDITED-MARKER Ryan Dahl, the creator", 1))
    seen = wait_for(lambda: b"EDITED-MARKER" in site.get(FIRST)[2], 1.0)
    check(S, "an edit is served within 1 s", seen,
          (time.monotonic() - t0, site.read_log()[-600:]))
    st, h, _ = site.get(FIRST, headers={"If-None-Match": old_etag})
    check(S, "after an edit the old ETag gets 200, not a stale 304",
          st == 200 and h.get("etag") != old_etag, (st, h.get("etag")))


def add_remove_rename(site):
    t0 = time.monotonic()
    site.write_post("fresh.md", "---\ntitle: Freshly added\n---\nNew here.\n")
    ok = wait_for(lambda: site.get("/fresh")[0] == 200 and b"Freshly added" in site.get("/")[2], 1.0)
    check(S, "an added post is served and listed within 1 s", ok, time.monotonic() - t0)
    os.rename(os.path.join(site.posts, "fresh.md"), os.path.join(site.posts, "renamed.md"))
    ok = wait_for(lambda: site.get("/renamed")[0] == 200 and site.get("/fresh")[0] == 404, 1.0)
    check(S, "a renamed post moves to its new route within 1 s", ok, "")
    os.unlink(os.path.join(site.posts, "renamed.md"))
    ok = wait_for(lambda: site.get("/renamed")[0] == 404 and b"Freshly" not in site.get("/")[2], 1.0)
    check(S, "a deleted post is 404 and unlisted within 1 s", ok, "")


def named_only(site):
    """The watcher looks again only at the entries its events name: an edit among 60 posts
    looks at one file (the log says how many), a bundle made, edited and removed is
    seen, and every post stays served."""
    for i in range(60):
        site.write_post(f"many-{i:02d}.md", f"---\ntitle: Many {i}\n---\nMANY-{i}\n")
    wait_for(lambda: site.get("/many-59")[0] == 200, 2.0)
    time.sleep(0.3)
    mark = len(site.read_log())
    site.write_post("many-07.md", "---\ntitle: Many 7\n---\nMANY-7-EDITED\n")
    ok = wait_for(lambda: b"MANY-7-EDITED" in site.get("/many-07")[2], 2.0)
    lines = re.findall(r"reloaded, (\d+) posts \((\d+) files looked at\)",
                       site.read_log()[mark:])
    check(S, "an edit among 60 posts: served, and only its file looked at again",
          ok and lines and int(lines[-1][0]) >= 60 and int(lines[-1][1]) == 1, lines)
    check(S, "the other posts are served as they were",
          all(f"MANY-{i}".encode() in site.get(f"/many-{i:02d}")[2] for i in (0, 33, 59)))
    bundle = os.path.join(site.posts, "bundled")
    os.mkdir(bundle)
    with open(os.path.join(bundle, "index.md"), "w") as f:
        f.write("---\ntitle: Bundled\nroute: bundled\n---\nBUNDLED-ONE ![x](x.txt)\n")
    ok = wait_for(lambda: b"BUNDLED-ONE" in site.get("/bundled")[2], 2.0)
    with open(os.path.join(bundle, "index.md"), "w") as f:
        f.write("---\ntitle: Bundled\nroute: bundled\n---\nBUNDLED-TWO\n")
    ok = ok and wait_for(lambda: b"BUNDLED-TWO" in site.get("/bundled")[2], 2.0)
    check(S, "a bundle made in the posts folder, then edited, is served as it is", ok,
          site.read_log()[-300:])
    os.unlink(os.path.join(bundle, "index.md"))
    os.rmdir(bundle)
    check(S, "a bundle removed is 404", wait_for(lambda: site.get("/bundled")[0] == 404, 2.0))
    for i in range(60):
        os.unlink(os.path.join(site.posts, f"many-{i:02d}.md"))
    check(S, "sixty posts removed at once are 404",
          wait_for(lambda: all(site.get(f"/many-{i:02d}")[0] == 404 for i in (0, 30, 59)),
                   2.0))


def named_edges(site):
    """What the watcher names, at its edges: a bundle folder renamed twice then edited; a
    broken save with another post touched before it held still (still said); a route
    taken twice, freed and taken again (said again); a file that is not a post saved
    three times (said once)."""
    a = os.path.join(site.posts, "edge-a")
    os.mkdir(a)
    with open(os.path.join(a, "index.md"), "w") as f:
        f.write("---\ntitle: Edge\nroute: edge-one\n---\nEDGE\n")
    wait_for(lambda: site.get("/edge-one")[0] == 200, 2.0)
    os.rename(a, os.path.join(site.posts, "edge-b"))
    time.sleep(0.3)
    c = os.path.join(site.posts, "edge-c")
    os.rename(os.path.join(site.posts, "edge-b"), c)
    time.sleep(0.3)
    with open(os.path.join(c, "index.md"), "w") as f:
        f.write("---\ntitle: Edge\nroute: edge-two\n---\nEDGE\n")
    check(S, "a bundle folder renamed twice, then edited: its new route is served",
          wait_for(lambda: site.get("/edge-two")[0] == 200 and
                   site.get("/edge-one")[0] == 404, 2.0), site.read_log()[-300:])
    shutil.rmtree(c)

    path = site.write_post("edge-p.md", "---\ntitle: Edge P\n---\nP\n")
    wait_for(lambda: site.get("/edge-p")[0] == 200, 2.0)
    mark = len(site.read_log())
    with open(path, "w") as f:
        f.write("---\ntitle: Edge P\ntags: [a,\n")
    time.sleep(0.3)
    site.write_post("edge-q.md", "---\ntitle: Edge Q\n---\nQ\n")
    check(S, "a broken save, another post written before it held still: still said",
          wait_for(lambda: "edge-p.md: the last good version" in site.read_log()[mark:], 5.0),
          site.read_log()[mark:][-300:])
    os.unlink(path)
    os.unlink(os.path.join(site.posts, "edge-q.md"))

    r1 = site.write_post("edge-r1.md", "---\ntitle: R1\nroute: edge-r\n---\nR1\n")
    site.write_post("edge-r2.md", "---\ntitle: R2\nroute: edge-r\n---\nR2\n")
    wait_for(lambda: site.read_log().count("route /edge-r is already taken") >= 1, 2.0)
    os.rename(r1, r1 + ".away")
    wait_for(lambda: b"R2" in site.get("/edge-r")[2], 2.0)
    os.rename(r1 + ".away", r1)
    check(S, "a route taken twice, freed, then taken again: said again",
          wait_for(lambda: site.read_log().count("route /edge-r is already taken") >= 2, 2.0),
          site.read_log()[-300:])
    os.unlink(r1)
    os.unlink(os.path.join(site.posts, "edge-r2.md"))

    notes = os.path.join(site.posts, "edge-notes.txt")
    for i in range(3):
        with open(notes, "w") as f:
            f.write(f"notes {i}\n")
        time.sleep(0.3)
    said = site.read_log().count("edge-notes.txt: skipped: not a post")
    check(S, "a file that is not a post, saved three times: said once", said == 1, said)
    os.unlink(notes)


def broken_edit(site):
    path = site.write_post("steady.md", "---\ntitle: Steady\n---\nGOOD-VERSION\n")
    wait_for(lambda: b"GOOD-VERSION" in site.get("/steady")[2], 1.0)
    with open(path, "w") as f:
        f.write("---\ntitle: Steady\norder: [broken\n---\nBAD-VERSION\n")
    # The reload has happened once it says so: only then is "still the old one" a finding.
    # A file that stays broken is said once it has held still (a second after its write).
    wait_for(lambda: "steady.md: the last good version" in site.read_log(), 5.0)
    st, _, body = site.get("/steady")
    check(S, "a broken edit keeps the last good version serving",
          st == 200 and b"GOOD-VERSION" in body, (st, body[:80]))
    log = site.read_log()
    check(S, "the broken edit is logged with file and line",
          re.search(r"steady\.md:\d+: ", log) and "last good version" in log, log[-400:])
    with open(path, "w") as f:
        f.write("---\ntitle: Steady\n---\nFIXED-VERSION\n")
    check(S, "the fixed post is served", wait_for(
        lambda: b"FIXED-VERSION" in site.get("/steady")[2], 1.0), "")


def half_saved(site):
    """An in-place save caught half written (truncated, then written in two parts with a
    reload between them) is normal: nothing is logged, the old version serves until the
    new one is whole. A save that stays broken is said once it has held still."""
    path = site.write_post("half.md", "---\ntitle: Half\ntags: [a, b]\n---\nHALF-ONE\n")
    wait_for(lambda: b"HALF-ONE" in site.get("/half")[2], 2.0)
    for n in range(3):
        mark = len(site.read_log())
        with open(path, "r+") as f:
            f.truncate(0)
            f.write("---\ntitle: Half\ntags: [a,")
            f.flush()
            os.fsync(f.fileno())
            # The watcher's quiet time (50 ms) passes: the half file is read.
            time.sleep(0.3)
            code_mid, _, body_mid = site.get("/half")
            f.write(f" b]\n---\nHALF-TWO-{n}\n")
        whole = wait_for(lambda: f"HALF-TWO-{n}".encode() in site.get("/half")[2], 2.0)
        time.sleep(1.5)  # past the settling time: anything it would say is said by now
        said = [ln for ln in site.read_log()[mark:].splitlines()
                if "half.md" in ln and ("error" in ln or "warning" in ln)]
        check(S, f"a save caught half written logs nothing (round {n + 1})",
              whole and not said, (whole, said))
        check(S, f"meanwhile the last good version serves (round {n + 1})",
              code_mid == 200 and b"HALF-" in body_mid, (code_mid, body_mid[:60]))
    mark = len(site.read_log())
    with open(path, "w") as f:
        f.write("---\ntitle: Half\ntags: [a,\n")
    t0 = time.monotonic()
    said = wait_for(lambda: "half.md: the last good version" in site.read_log()[mark:], 5.0)
    took = time.monotonic() - t0
    log = site.read_log()[mark:]
    check(S, "a save that stays broken is said once it has held still, with file and line",
          said and 0.8 <= took and re.search(r"half\.md:\d+: ", log) is not None,
          (round(took, 2), log[-300:]))
    os.unlink(path)


def layouts(site):
    path = os.path.join(site.conf, "layouts", "error.mustache")
    with open(path) as f:
        text = f.read()
    with open(path, "w") as f:
        f.write(text.replace("{{page.message}}", "{{page.message}} LAYOUT-EDITED"))
    check(S, "a layout edit is served within 1 s",
          wait_for(lambda: b"LAYOUT-EDITED" in site.get("/nothing")[2], 1.0), "")
    with open(path, "w") as f:
        f.write("{{<base}}{{$content}}{{#unclosed}}{{/content}}{{/base}}\n")
    wait_for(lambda: "the layouts as they were keep serving" in site.read_log(), 2.0)
    st, _, body = site.get("/nothing")
    check(S, "a broken layout keeps the old one serving",
          st == 404 and b"LAYOUT-EDITED" in body, (st, body[:100]))
    log = site.read_log()
    check(S, "the broken layout is logged with file and line",
          re.search(r"error\.mustache:1: ", log), log[-400:])
    with open(path, "w") as f:
        f.write(text)


def worker_pid(site):
    """The serving worker: None while a replaced one is still finishing (two serve)."""
    kids = serving(site.quire.pid)
    return kids[0] if len(kids) == 1 else None


TITLE_B = b"On Node.js, Go and concurrency"


def config_reload(site):
    with open(site.config) as f:
        text = f.read()
    with Load(site, FIRST, clients=4, want=TITLE_B) as load:
        time.sleep(0.2)
        with open(site.config, "w") as f:
            f.write(text.replace("title: Test site", "title: Renamed site"))
        ok = wait_for(lambda: b"Renamed site" in site.get("/")[2], 5.0)
        time.sleep(0.2)
    bad = [r for r in load.results if r != 200]
    check(S, "a configuration change reaches a new worker", ok, "")
    check(S, "no request fails while the worker is replaced",
          len(load.results) > 20 and not bad, (len(load.results), bad[:5]))
    before = worker_pid(site)
    site.quire.send_signal(signal.SIGHUP)
    ok = wait_for(lambda: worker_pid(site) not in (None, before), 5.0)
    check(S, "SIGHUP starts a new worker", ok, (before, worker_pid(site)))


def kill_worker(site):
    with Load(site, FIRST, clients=4, want=TITLE_B) as load:
        time.sleep(0.3)
        wait_for(lambda: worker_pid(site) is not None, 5.0)
        pid = worker_pid(site)
        os.kill(pid, signal.SIGKILL)
        t0 = time.monotonic()
        ok = wait_for(lambda: worker_pid(site) not in (None, pid), 5.0)
        took = time.monotonic() - t0
        n = len(load.results)
        time.sleep(0.5)
    check(S, "a killed worker is replaced", ok, took)
    after = load.results[n:]
    check(S, "requests keep being answered after the kill",
          after and all(r == 200 for r in after), [r for r in after if r != 200][:10])
    lost = [r for r in load.results if r != 200]
    check(S, "the kill loses at most the requests in flight", len(lost) <= 4, lost)
    log = site.read_log()
    check(S, "the death is logged", "died of signal 9" in log, log[-300:])


def sigterm_under_load(site):
    with Load(site, FIRST, clients=4, want=TITLE_B) as load:
        time.sleep(0.3)
        rc, took = site.terminate(3)
    check(S, "SIGTERM under load exits 0 within 2 s", rc == 0 and took < 2.0, (rc, took))
    served = [r for r in load.results if r == 200]
    check(S, "requests were served up to the stop", len(served) > 10, len(served))


def microcache():
    with Site(microcache=True) as site:
        site.start()
        st, h1, _ = site.get(FIRST)
        st2, h2, _ = site.get(FIRST)
        check(S, "micro-cache: the second request is a cache hit",
              st == 200 and st2 == 200 and h2.get("x-cache") == "HIT", (h1.get("x-cache"),
                                                                        h2.get("x-cache")))
        check(S, "micro-cache: browsers still get quire's Cache-Control",
              h2.get("cache-control") == "public, max-age=0, must-revalidate", h2)
        path = os.path.join(site.posts, "on-node-go-concurrency.md")
        with open(path) as f:
            text = f.read()
        t0 = time.monotonic()
        with open(path, "w") as f:
            f.write(text.replace("Ryan Dahl, the creator", "MICRO-EDIT Ryan Dahl, the creator", 1))
        seen = wait_for(lambda: b"MICRO-EDIT" in site.get(FIRST)[2], 3.0)
        took = time.monotonic() - t0
        check(S, "micro-cache: an edit shows within about 1 s more", seen and took < 2.5, took)


def main():
    microcache()
    site = Site()
    try:
        site.start()
        etag = validators(site)
        edit(site, etag)
        add_remove_rename(site)
        named_only(site)
        named_edges(site)
        broken_edit(site)
        half_saved(site)
        layouts(site)
        config_reload(site)
        kill_worker(site)
        sigterm_under_load(site)
    except Exception as e:
        check(S, "harness", False, repr(e))
    finally:
        site.cleanup()
    finish()


if __name__ == "__main__":
    main()
