"""dev_test.py — pages that reload themselves while you write (dev: true, make run's
--dev): the page loads the reload script, /_dev/events answers "reload" through nginx once
a post, a layout or the theme's stylesheet is saved, at most four wait at once (the rest
503), hostile queries are 400; and production never sends the script: not with the
default configuration, not with any deployment file."""
import glob
import os
import re
import threading
import time

from harness import TOP, Site, bound, check, finish

S = "dev"


def wait_event(site, since, out):
    t0 = time.monotonic()
    status, headers, body = site.get(f"/_dev/events?since={since}")
    out.append((status, headers, body, time.monotonic() - t0))


def page_id(site, path="/on-node-go-concurrency"):
    status, _, body = site.get(path)
    m = re.search(rb'dev-reload\.js" data-since="(\d+)"', body)
    return status, m.group(1).decode() if m else None


def saved_reloads(site, label, save):
    status, since = page_id(site)
    got = []
    t = threading.Thread(target=wait_event, args=(site, since, got))
    t.start()
    time.sleep(bound(0.3))
    t_save = time.monotonic()
    save()
    t.join(bound(10))
    ok = got and got[0][0] == 200 and b"data: reload" in got[0][2]
    took = time.monotonic() - t_save
    check(S, f"saving {label}: the page's event says reload ({took * 1000:.0f} ms)",
          ok and got[0][1].get("content-type", "").startswith("text/event-stream"),
          got[:1])
    _, after = page_id(site)
    check(S, f"saving {label}: the page shows a new snapshot", after and after != since,
          (since, after))


def main():
    with Site(config_extra="dev: true\n") as site:
        site.start()
        status, since = page_id(site)
        check(S, "dev: true: the page loads the reload script with its snapshot",
              status == 200 and since is not None, status)
        status, _, body = site.get("/static/dev-reload.js")
        check(S, "the reload script is served with the theme", status == 200 and
              b"EventSource" in body, status)
        post = os.path.join(site.posts, "on-node-go-concurrency.md")
        text = open(post).read()
        saved_reloads(site, "a post", lambda: open(post, "w").write(text + "\nMore.\n"))
        layout = os.path.join(site.conf, "layouts", "base.mustache")
        ltext = open(layout).read()
        saved_reloads(site, "a layout",
                      lambda: open(layout, "w").write(ltext + "<!-- saved -->\n"))
        css = os.path.join(site.conf, "static", "quire.css")
        ctext = open(css).read()
        saved_reloads(site, "the stylesheet",
                      lambda: open(css, "w").write(ctext + "\n/* saved */\n"))
        for q, label in (("since=abc", "not a number"), ("", "no since"),
                         ("since=" + "9" * 30, "too long"), ("since=1%00", "a NUL")):
            status, _, _ = site.get("/_dev/events" + ("?" + q if q else ""))
            check(S, f"/_dev/events with {label} is 400", status == 400, status)
        # Four wait at once; a fifth is told to come back.
        _, since = page_id(site)
        got = []
        threads = [threading.Thread(target=wait_event, args=(site, since, got))
                   for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(bound(0.5))
        status, _, _ = site.get(f"/_dev/events?since={since}")
        check(S, "a fifth waiting event is 503 (four hold a worker thread at most)",
              status == 503, status)
        open(post, "w").write(text)
        for t in threads:
            t.join(bound(10))
        check(S, "the four waiting are answered by the next save",
              len(got) == 4 and all(g[0] == 200 and b"reload" in g[2] for g in got),
              [g[:1] for g in got])
    with Site() as site:
        site.start()
        status, _, body = site.get("/on-node-go-concurrency")
        check(S, "without dev: no reload script in the page",
              status == 200 and b"dev-reload" not in body and b"_dev" not in body, status)
        status, _, _ = site.get("/_dev/events?since=1")
        check(S, "without dev: /_dev/events is 404", status == 404, status)
    # Production: neither the default configuration nor a deployment file turns it on
    # (make run's deploy/run.sh is not a deployment).
    conf = open(os.path.join(TOP, "conf", "quire.yaml")).read()
    check(S, "the default configuration has no dev: true",
          not re.search(r"^\s*dev:\s*(true|yes|on)", conf, re.M), "")
    on = []
    for f in glob.glob(os.path.join(TOP, "deploy", "**", "*"), recursive=True):
        if not os.path.isfile(f) or f.endswith("run.sh"):
            continue
        t = open(f, errors="replace").read()
        if re.search(r"^\s*dev:\s*(true|yes|on)", t, re.M) or re.search(r"\s--dev\b", t):
            on.append(os.path.relpath(f, TOP))
    check(S, "no deployment file turns dev on", not on, on)
    finish()


main()
