"""export_test.py — the authoring commands: quire routes (the route table, its filters and
the redirect maps), quire new (a draft from its archetype, never over a file), and quire
export: every exported body byte for byte what the FastCGI server sends through nginx for
its address (the rust-blog corpus with images, and a site under /blog/), a second export
that rewrites only what changed and removes what went away, a folder of someone else's
files refused, no symbolic link followed, hostile files (a link to ../../etc/passwd, a
file name with a newline, a FIFO in a bundle)."""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import time

from harness import QUIRE, TOP, Site, bound, check, finish

S = "export"
CORPUS = os.path.join(TOP, "tests", "data", "rust-blog", "posts")
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def quire(site, *args, timeout=120):
    p = subprocess.run([QUIRE, "-c", site.config, *args], capture_output=True, text=True,
                       timeout=bound(timeout))
    return p.returncode, p.stdout, p.stderr


def routes(site, *args):
    """quire routes as rows: (address, kind, state, file)."""
    rc, out, err = quire(site, "routes", *args)
    rows = []
    for line in out.splitlines()[1:]:
        parts = re.split(r"  +", line.strip())
        rows.append(parts)
    return rc, rows, err


def export_rel(address, kind, mount):
    """The file a static host serves for an address (as quire export maps them)."""
    path = address[len(mount) - 1:] if mount != "/" else address
    p = path[1:]
    if kind == "file" or re.search(r"\.(html|htm|xml|json|txt)$", path):
        return p
    if p == "" or p.endswith("/"):
        return p + "index.html"
    return p + ".html"


def fill(site):
    site.write_post("old.md", "---\ntitle: Renamed\nroute: /new-home\naliases: [/old-home]\n"
                              "tags: [moving]\n---\nSee [the first post](/on-node-go-concurrency)"
                              " and [passwd](../../etc/passwd).\n")
    site.write_post("about.md", "---\ntitle: About\ntype: page\nroute: /about\n---\nAbout.\n")
    site.write_post("draft.md", "---\ntitle: A draft\nroute: /draft\ndraft: true\n---\nNot yet.\n")
    site.write_post("later.md", "---\ntitle: Later\nroute: /later\ndate: 2999-01-01\n---\n"
                                "Some day.\n")
    b = os.path.join(site.posts, "trip")
    os.makedirs(b)
    site.write_post("trip/index.md", "---\ntitle: A trip\nroute: /trip\n---\n![view](photo.png)\n")
    with open(os.path.join(b, "photo.png"), "wb") as f:
        f.write(PNG)
    os.mkfifo(os.path.join(b, "pipe"))
    static = os.path.join(site.dir, "static")
    os.makedirs(os.path.join(static, "images"), exist_ok=True)
    with open(os.path.join(static, "favicon.ico"), "wb") as f:
        f.write(b"\0\0\1\0icon")
    with open(os.path.join(static, "odd\nname.txt"), "wb") as f:
        f.write(b"a file name with a newline\n")
    with open(os.path.join(static, "big.bin"), "wb") as f:
        f.write(bytes(range(256)) * 8192)  # 2 MB: compared and copied a chunk at a time


def compare(site, out, mount, name):
    """Fetch every live address through nginx; its body must be the exported file's."""
    rc, rows, err = routes(site)
    bad, n = [], 0
    for addr, kind, state, _ in rows:
        if state != "live" or kind in ("search", "search.json", "opensearch"):
            continue
        rel = export_rel(addr, kind, mount)
        try:
            with open(os.path.join(out, rel), "rb") as f:
                want = f.read()
        except OSError as e:
            bad.append(f"{addr}: {e}")
            continue
        quoted = re.sub(r"[^A-Za-z0-9/._~-]", lambda m: "".join(
            f"%{b:02X}" for b in m.group(0).encode()), addr)
        status, _, body = site.get(quoted)
        n += 1
        if status != 200 or body != want:
            bad.append(f"{addr} ({rel}): {status}, {len(body)} bytes against {len(want)}")
    check(S, f"{name}: each of {n} exported bodies is what nginx and quire send",
          n > 0 and not bad, "; ".join(bad[:5]))


def test_routes(site):
    rc, rows, err = routes(site)
    kinds = {r[1] for r in rows}
    states = {r[2].split()[0] for r in rows}
    check(S, "routes: every kind of address is listed",
          rc == 0 and {"index", "post", "page", "feed", "terms", "term", "archive", "sitemap",
                       "robots", "alias", "file"} <= kinds, f"{rc} {sorted(kinds)} {err}")
    check(S, "routes: drafts, scheduled posts and redirects are listed with their state",
          {"live", "draft", "scheduled", "redirect"} <= states, sorted(states))
    later = [r for r in rows if r[0] == "/later"]
    check(S, "routes: a scheduled post shows when it goes live",
          later and later[0][2].startswith("scheduled 2999-01-01"), later)
    alias = [r for r in rows if r[0] == "/old-home"]
    check(S, "routes: an alias shows its target",
          alias and alias[0][2] == "redirect to /new-home", alias)
    rc, rows, _ = routes(site, "--kind", "page,feed")
    check(S, "routes --kind page,feed lists only those",
          rc == 0 and rows and {r[1] for r in rows} == {"page", "feed"}, rows[:3])
    rc, rows, _ = routes(site, "--sort", "kind")
    ks = [r[1] for r in rows]
    check(S, "routes --sort kind sorts by kind", rc == 0 and ks == sorted(ks), ks[:6])
    rc, out, _ = quire(site, "routes", "--nginx")
    check(S, "routes --nginx is a map of the old addresses",
          rc == 0 and 'map $uri $quire_redirect {' in out and
          '"/old-home" "/new-home";' in out, out)
    rc, out, _ = quire(site, "routes", "--apache")
    check(S, "routes --apache is Redirect lines",
          rc == 0 and 'RedirectMatch 301 "^/old-home$" "/new-home"' in out, out)
    rc, out, _ = quire(site, "routes", "--redirects")
    check(S, "routes --redirects is a _redirects file", rc == 0 and
          "/old-home /new-home 301" in out, out)
    rc, _, err = quire(site, "routes", "--sort", "size")
    check(S, "routes with a wrong sort is a usage error", rc == 2 and "usage" in err, err)


def test_new(site):
    rc, out, err = quire(site, "new", 'A "quoted": title', "with", "café")
    lines = out.splitlines()
    path = lines[0] if lines else ""
    day = time.strftime("%Y-%m-%d")
    check(S, "new writes posts/YYYY-MM-DD-slug.md and prints it and its preview address",
          rc == 0 and path.endswith(f"/{day}-a-quoted-title-with-café.md") and
          len(lines) >= 2 and "/_preview/" in lines[1], f"{rc} {out} {err}")
    text = open(path).read() if os.path.exists(path) else ""
    check(S, "new: the title quoted for YAML, a date with its zone, a draft, empty tags",
          'title: "A \\"quoted\\": title with café"' in text and "draft: true" in text and
          "tags: []" in text and re.search(r"date: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d",
                                           text), text)
    rc, rows, _ = routes(site)
    mine = [r for r in rows if r[3].endswith(os.path.basename(path))]
    check(S, "new: the post is a draft at its route",
          mine and mine[0][2] == "draft" and mine[0][0].endswith("/a-quoted-title-with-café"),
          mine)
    before = open(path).read()
    rc, _, err = quire(site, "new", 'A "quoted": title', "with", "café")
    check(S, "new never writes over a file", rc == 1 and "never writes over" in err and
          open(path).read() == before, err)
    rc, out, err = quire(site, "new", "--page", "Now")
    p = out.splitlines()[0] if out else ""
    check(S, "new --page writes a page named by its slug",
          rc == 0 and p.endswith("/now.md") and "type: page" in open(p).read(), f"{out}{err}")
    rc, _, err = quire(site, "new", "!!!")
    check(S, "new: a title with no letter or digit is refused", rc == 1 and "file name" in err,
          err)
    rc, _, err = quire(site, "new")
    check(S, "new without a title is a usage error", rc == 2 and "usage" in err, err)
    arche = os.path.join(site.conf, "archetypes", "post.mustache")
    with open(arche, "w") as f:
        f.write("---\ntitle: {{{title}}}\ndate: {{{date}}}\ndraft: true\nroute: /x/{{slug}}\n"
                "---\nWritten from my archetype.\n")
    rc, out, _ = quire(site, "new", "Mine")
    p = out.splitlines()[0] if out else ""
    check(S, "new uses the configuration's archetype",
          rc == 0 and "Written from my archetype." in open(p).read(), out)
    for f in (path, p, os.path.join(site.posts, "now.md")):
        if os.path.exists(f):
            os.unlink(f)


def test_export(site, out):
    rc, stdout, err = quire(site, "export", out)
    check(S, "export writes the site", rc == 0 and "written" in stdout, f"{rc} {stdout} {err}")
    files = {os.path.relpath(os.path.join(d, f), out) for d, _, fs in os.walk(out) for f in fs}
    want = {"index.html", "feed.xml", "rss.xml", "feed.json", "sitemap.xml", "robots.txt",
            "404.html", "about.html", "new-home.html", "tags/index.html",
            "tags/moving/index.html", "tags/moving/feed.xml", "archive/index.html",
            "trip.html", "trip/photo.png", "favicon.ico",
            "static/quire.css", "_redirects", "_headers", ".htaccess",
            "redirects.nginx.conf", ".quire-export"}
    check(S, "export: pages, lists, feeds, sitemap, files, theme and redirect files",
          want <= files, sorted(want - files))
    check(S, "export: no draft, no scheduled post, no search, no FIFO, no page at an alias, "
          "no file whose name is no address (a newline in it)",
          not {"draft.html", "later.html", "search.html", "search", "trip/pipe",
               "old-home.html", "odd\nname.txt"} & files, sorted(files)[:20])
    redirects = open(os.path.join(out, "_redirects")).read()
    check(S, "export: _redirects and .htaccess carry the alias as a 301",
          "/old-home /new-home 301" in redirects and
          'RedirectMatch 301 "^/old-home$" "/new-home"' in open(os.path.join(out, ".htaccess")).read(),
          redirects)
    headers = open(os.path.join(out, "_headers")).read()
    check(S, "export: _headers types the feeds",
          "/feed.xml\n  Content-Type: application/atom+xml" in headers, headers)
    compare(site, out, "/", "rust-blog")

    # Again: nothing changed, nothing written.
    big = os.path.join(out, "big.bin")
    ino = os.stat(big).st_ino if os.path.exists(big) else None
    rc, stdout, _ = quire(site, "export", out)
    check(S, "export again with no change writes nothing (a 2 MB file left as it is too)",
          rc == 0 and re.search(r": 0 written, \d+ unchanged, 0 removed", stdout) and
          ino is not None and os.stat(big).st_ino == ino, stdout)
    # An edit, a deletion: what changed is written, what went away removed.
    site.write_post("about.md", "---\ntitle: About\ntype: page\nroute: /about\n---\nChanged.\n")
    os.unlink(os.path.join(site.posts, "old.md"))
    rc, stdout, _ = quire(site, "export", out)
    m = re.search(r": (\d+) written, (\d+) unchanged, (\d+) removed", stdout)
    check(S, "export after an edit and a deletion rewrites a few files and removes some",
          rc == 0 and m and 0 < int(m.group(1)) < 60 and int(m.group(3)) >= 3 and
          b"Changed." in open(os.path.join(out, "about.html"), "rb").read() and
          not os.path.exists(os.path.join(out, "new-home.html")) and
          not os.path.exists(os.path.join(out, "tags", "moving")), stdout)
    # The server's snapshot has followed the deletion (its lists no longer name the post).
    end = time.monotonic() + bound(5)
    while time.monotonic() < end and site.get("/tags/moving/")[0] != 404:
        time.sleep(0.05)
    compare(site, out, "/", "after the edit")
    # A file quire did not write: refused unless --force.
    with open(os.path.join(out, "mine.txt"), "w") as f:
        f.write("someone else's\n")
    rc, stdout, err = quire(site, "export", out)
    check(S, "export refuses a folder with files it did not write",
          rc == 1 and "mine.txt was not written by quire export" in err, err)
    rc, stdout, err = quire(site, "export", "--force", out)
    check(S, "export --force writes there all the same, and leaves that file",
          rc == 0 and os.path.exists(os.path.join(out, "mine.txt")), err)
    # A symbolic link in the export: never followed.
    outside = tempfile.mkdtemp(prefix="quire-e2e-outside-")
    try:
        shutil.rmtree(os.path.join(out, "archive"))
        os.symlink(outside, os.path.join(out, "archive"))
        rc, stdout, err = quire(site, "export", "--force", out)
        check(S, "export never writes through a symbolic link",
              rc == 1 and os.listdir(outside) == [] and "symbolic link" in err, f"{rc} {err}")
        os.unlink(os.path.join(out, "archive"))
        link = os.path.join(site.dir, "linked-out")
        os.symlink(outside, link)
        rc, _, err = quire(site, "export", link)
        check(S, "export refuses a folder that is a symbolic link",
              rc == 1 and os.listdir(outside) == [], err)
    finally:
        shutil.rmtree(outside, ignore_errors=True)
    # A manifest that names files out of the folder: they are never removed.
    victim = os.path.join(site.dir, "victim.txt")
    with open(victim, "w") as f:
        f.write("not the export's\n")
    with open(os.path.join(out, ".quire-export"), "a") as f:
        f.write("../victim.txt\n%2E%2E/victim.txt\n" + victim + "\na/../../victim.txt\n")
    rc, stdout, err = quire(site, "export", "--force", out)
    check(S, "export never removes what a manifest names out of its folder",
          rc == 0 and os.path.exists(victim), f"{rc} {stdout} {err}")
    rc, _, err = quire(site, "export")
    check(S, "export without a folder is a usage error", rc == 2 and "usage" in err, err)
    rc, _, err = quire(site, "export", "--meta-refresh", os.path.join(site.dir, "refresh"))
    site.write_post("old.md", "---\ntitle: Renamed\nroute: /new-home\naliases: [/old-home]\n---\n"
                              "Back.\n")
    rc, _, err = quire(site, "export", "--meta-refresh", os.path.join(site.dir, "refresh"))
    page = os.path.join(site.dir, "refresh", "old-home.html")
    text = open(page).read() if os.path.exists(page) else ""
    check(S, "export --meta-refresh writes a page at an old address that refreshes to the new",
          rc == 0 and 'http-equiv="refresh" content="0; url=/new-home"' in text, f"{err}{text}")


def test_watch():
    """quire export --watch beside the FastCGI server, nginx serving the export first."""
    with Site(copy_posts=True) as site:
        site.write_post("page.md", "---\ntitle: A page\ntype: page\nroute: /a-page\n"
                                   "aliases: [/old-page]\n---\nFirst words.\n")
        out = os.path.join(site.dir, "public")
        rc, _, err = quire(site, "export", out)
        site.export_dir = out
        site.start()
        watcher = subprocess.Popen([QUIRE, "-c", site.config, "export", "--watch", out],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            time.sleep(bound(0.5))
            status, headers, body = site.get("/a-page")
            want = open(os.path.join(out, "a-page.html"), "rb").read()
            check(S, "static: nginx serves the exported page", status == 200 and body == want,
                  status)
            status, headers, _ = site.get("/feed.xml")
            check(S, "static: the feed has its type",
                  status == 200 and headers.get("content-type", "").startswith(
                      "application/atom+xml"), headers.get("content-type"))
            status, headers, _ = site.get("/old-page")
            check(S, "static: an old address is a 301 from the export's map",
                  status == 301 and headers.get("location", "").endswith("/a-page"),
                  f"{status} {headers.get('location')}")
            status, _, body = site.get("/search?q=node")
            check(S, "static: search falls back to quire", status == 200 and b"<mark>" in body,
                  status)
            status, _, _ = site.get("/.quire-export")
            check(S, "static: the export's manifest is not served", status == 404, status)
            # quire stopped: the exported pages are still served.
            site.quire.terminate()
            site.quire.wait(bound(5))
            status, _, body = site.get("/a-page")
            check(S, "static: with quire stopped, the exported pages are still served",
                  status == 200 and b"First words." in body, status)
            site.start_quire()
            # An edit: written again by the watcher, then served by nginx.
            t0 = time.monotonic()
            site.write_post("page.md", "---\ntitle: A page\ntype: page\nroute: /a-page\n"
                                       "aliases: [/old-page]\n---\nSecond words.\n")
            seen = None
            while time.monotonic() - t0 < bound(5):
                status, _, body = site.get("/a-page")
                if b"Second words." in body:
                    seen = time.monotonic() - t0
                    break
                time.sleep(0.01)
            check(S, f"static: an edit is served by nginx once the watcher wrote it "
                     f"({seen and round(seen * 1000)} ms)", seen is not None, "never seen")
            # A file someone else put where a new post would go: left as it is, said.
            with open(os.path.join(out, "theirs.html"), "w") as f:
                f.write("someone else's\n")
            site.write_post("theirs.md", "---\ntitle: Theirs\nroute: /theirs\n---\nMine.\n")
            time.sleep(bound(1))
            check(S, "export --watch never writes over a file it did not write",
                  open(os.path.join(out, "theirs.html")).read() == "someone else's\n", "")
            os.unlink(os.path.join(site.posts, "theirs.md"))
            os.unlink(os.path.join(out, "theirs.html"))
            # A scheduled post: written when it goes live.
            when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3))
            site.write_post("soon.md", f"---\ntitle: Soon\nroute: /soon\ndate: {when}\n---\n"
                                       "Now live.\n")
            time.sleep(bound(0.5))
            before = site.get("/soon")[0]
            ok = wait_for_body(site, "/soon", b"Now live.", bound(10))
            end = time.monotonic() + bound(10)
            while time.monotonic() < end and not os.path.exists(os.path.join(out, "soon.html")):
                time.sleep(0.05)
            check(S, "static: a scheduled post is exported when it goes live",
                  before == 404 and ok and os.path.exists(os.path.join(out, "soon.html")),
                  f"{before} {ok} {os.listdir(out)}")
        finally:
            watcher.send_signal(subprocess.signal.SIGTERM)
            try:
                _, err = watcher.communicate(timeout=bound(10))
            except subprocess.TimeoutExpired:
                watcher.kill()
                _, err = watcher.communicate()
        check(S, "export --watch stops on SIGTERM and leaves no file half written",
              watcher.returncode == 0 and "stopped" in err and
              not glob.glob(os.path.join(out, "**", "*.tmp"), recursive=True) and
              not glob.glob(os.path.join(out, ".quire-export-*")), f"{watcher.returncode} {err}")


def wait_for_body(site, path, text, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status, _, body = site.get(path)
        if status == 200 and text in body:
            return True
        time.sleep(0.05)
    return False


def main():
    with Site(copy_posts=True,
              config_extra="permalink: /:year/:month/:day/:slug.html\n") as site:
        refs = set()
        for p in glob.glob(os.path.join(CORPUS, "*.md")):
            shutil.copy(p, site.posts)
            with open(p, encoding="utf-8") as fh:
                text = fh.read()
            for u in re.findall(r'!\[[^\]]*\]\(\s*<?([^)\s>]+)', text):
                m = re.search(r"(?:^|/)images/(.+)$", u)
                if m and "://" not in u:
                    refs.add(m.group(1))
        for r in refs:
            dest = os.path.join(site.dir, "static", "images", r)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(PNG)
        fill(site)
        site.static = os.path.join(site.dir, "static")
        site.start()
        test_routes(site)
        test_export(site, os.path.join(site.dir, "out"))
    with Site(mount="/blog/", config_extra="state: ../state\n") as site:
        site.write_post("about.md", "---\ntitle: About\ntype: page\nroute: /about\n---\nAbout.\n")
        site.write_post("links.md", "---\ntitle: Links\nroute: /links\n---\n"
                                    "[in](/blog/about) [rel](about) [out](/about) [no](/blog/nope)\n")
        site.start()
        p = subprocess.run([QUIRE, "-c", site.config, "check"], capture_output=True, text=True,
                           timeout=bound(60))
        lines = p.stdout.splitlines()
        links = [l for l in lines if "links.md" in l]
        check(S, "check under /blog/: the mount's own links answer, one outside it is a "
                 "warning, a missing one an error",
              p.returncode == 1 and len(links) == 2 and
              any(": warning: " in l and "/about is outside the site" in l for l in links) and
              any(": error: " in l and "/blog/nope" in l for l in links), lines)
        os.unlink(os.path.join(site.posts, "links.md"))
        for cmd in ("new", "check", "routes", "export", "preview"):
            p = subprocess.run([QUIRE, cmd, "--help"], capture_output=True, text=True)
            check(S, f"quire {cmd} --help says its usage",
                  p.returncode == 0 and p.stdout.startswith(f"usage: quire [-c config] {cmd}"),
                  p.stdout[:80])
        test_new(site)
        out = os.path.join(site.dir, "out")
        # The server's snapshot has lost the deleted post (its index no longer lists it;
        # the post's own address is 404 as soon as its file is gone): the watcher has
        # seen every edit before the export and the comparison.
        end = time.monotonic() + bound(5)
        while time.monotonic() < end and b"/blog/links" in site.get("/blog/")[2]:
            time.sleep(0.05)
        rc, stdout, err = quire(site, "export", out)
        check(S, "export of a site under /blog/", rc == 0 and
              os.path.exists(os.path.join(out, "about.html")), f"{stdout}{err}")
        compare(site, out, "/blog/", "under /blog/")
    test_watch()
    finish()


main()
