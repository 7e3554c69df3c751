#!/usr/bin/python3
"""bench.py — quire's benchmarks, each side by side with its references in one run.

Usage: python3 tests/bench/bench.py [BENCHMARK...]   (default: all of BENCHMARKS, in order)
       benchmarks: fastcgi microcache cold scale cgi hugo soak previous search authoring
Env:   BENCH_SECONDS       length of each wrk run (default 10)
       BENCH_SOAK_SECONDS  length of the soak (default 120)
       BENCH_SOAK_WARMUP   seconds of load before the soak's first minute (default 60)
       BENCH_SOAK_CACHE    the soak's cache.size in bytes (default 4 MiB: full within seconds)
       BENCH_SOAK_EXTRA    configuration lines added to the soak's site ("search: false")
       BENCH_SOAK_WRITE    how the soak rewrites its post: inplace (truncate and write, as
                           most editors save; default) or rename (write aside, then rename)
       BENCH_SCALE         the site sizes of the scale benchmark (default "1000 10000")
       BENCH_CORPUS        the Markdown posts the generated sites are made of (default
                           tests/data/rust-blog/posts in this checkout)
       BENCH_BASE          the commit the previous benchmark measures against (default
                           HEAD~1: the previous commit), built in a temporary worktree
       BENCH_BASE_ROUNDS   its rounds, each base then this checkout (default 3)
       QUIRE_BIN           quire to measure (default build/quire, built with make)

Prints one table per benchmark and appends them, dated, to tests/bench/RESULTS.md. A run
with errors (non-2xx answers, socket errors, a process that died) says so loudly, in the
results too, and exits 1. Everything started is stopped on the way out, Ctrl-C included.
"""
import bisect
import concurrent.futures
import datetime
import glob
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
from harness import QUIRE, TOP, Site, fcgi_request, wait_for  # noqa: E402

HERE = os.path.join(TOP, "tests", "bench")
BUILD = os.path.join(TOP, "build", "bench")
BARE = os.path.join(BUILD, "bare_fcgi")
RENDER = os.path.join(BUILD, "render_bench")
RESULTS = os.path.join(HERE, "RESULTS.md")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
SOAK_SECONDS = int(os.environ.get("BENCH_SOAK_SECONDS", "120"))
SOAK_WRITE = os.environ.get("BENCH_SOAK_WRITE", "inplace")
# The soak's render cache: small, so that it is full (evicting) within seconds and the
# memory left to watch is what would leak (the default 20 MiB fills in about 2 minutes).
SOAK_CACHE = int(os.environ.get("BENCH_SOAK_CACHE", str(4 << 20)))
# Seconds of the same load before the soak's first minute: the cache fills and malloc's
# arenas reach their working size, which is growth but not a leak.
SOAK_WARMUP = int(os.environ.get("BENCH_SOAK_WARMUP", "60"))
# Configuration lines added to the soak's site, for an experiment (say "search: false").
SOAK_EXTRA = os.environ.get("BENCH_SOAK_EXTRA", "").strip() + "\n"
SCALE = [int(n) for n in os.environ.get("BENCH_SCALE", "1000 10000").split()]
CORPUS = os.environ.get(
    "BENCH_CORPUS",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "rust-blog", "posts"))
WRK = ["wrk", "-t2", "-c64", f"-d{SECONDS}s", "--latency"]
# Debian packages the benchmarks use: hyperfine times CGI requests and the Hugo builds.
PACKAGES = ["gcc", "make", "pkg-config", "libfcgi-dev", "libyaml-dev", "libmd4c-html0-dev",
            "nginx", "wrk", "hyperfine", "hugo"]
FIRST = "/on-node-go-concurrency"
# conf/quire.yaml ships with a state folder, where quire keeps the last snapshot's posts for
# the next process (a CGI request, a restarted worker): the sites measured have one too.
STATE = "state: ../state\n"
SITES = []  # every site started, for the final check that nothing is left behind


# --- setup ----------------------------------------------------------------------------

def ensure_packages():
    """Install the missing PACKAGES with apt-get, as root or through sudo."""
    def installed(p):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", p], capture_output=True,
                           text=True)
        return r.stdout == "install ok installed"
    missing = [p for p in PACKAGES if not installed(p)]
    if not missing:
        return
    print("bench: installing " + " ".join(missing), file=sys.stderr)
    sudo = [] if os.getuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-qq", "--no-install-recommends"]
                   + missing, check=True, env=env)


def build():
    """build/quire with make (unless QUIRE_BIN names another), build/bench/bare_fcgi with cc,
    build/bench/render_bench. What is measured is a copy of build/quire made now,
    build/bench/quire: others may rebuild build/quire in the checkout during a run."""
    global QUIRE
    os.makedirs(BUILD, exist_ok=True)
    if "QUIRE_BIN" not in os.environ:
        if subprocess.run(["make", "--no-print-directory", "-C", TOP, "build/quire"]).returncode:
            sys.exit("bench: `make build/quire` failed (see above)")
        copy = os.path.join(BUILD, "quire")
        shutil.copy2(QUIRE, copy + ".tmp")
        os.replace(copy + ".tmp", copy)
        QUIRE = harness.QUIRE = copy
    src = os.path.join(HERE, "bare_fcgi.c")
    if not os.path.exists(BARE) or os.path.getmtime(BARE) < os.path.getmtime(src):
        fcgi = subprocess.run(["pkg-config", "--cflags", "--libs", "fcgi"], check=True,
                              capture_output=True, text=True).stdout.split()
        subprocess.run(["cc", "-std=c11", "-O2", "-g", "-D_GNU_SOURCE", "-Wall", "-Wextra",
                        "-Werror", "-o", BARE, src] + fcgi + ["-pthread"], check=True)
    build_render_bench()
    for b in ("build/bench/search_bench", "build/bench/render_corpus_bench"):
        if subprocess.run(["make", "--no-print-directory", "-C", TOP, b]).returncode:
            sys.exit(f"bench: `make {b}` failed (see above)")


def build_render_bench():
    """build/bench/render_bench: tests/bench/render_bench.c linked with quire's objects.
    With the Makefile's rule for it, make builds it; else the same command as that rule
    (and layout_bench's): the objects of src/*.c but main.c, as `make build/quire` left
    them."""
    with open(os.path.join(TOP, "Makefile")) as f:
        if re.search(r"^build/bench/render_bench:", f.read(), re.M):
            if subprocess.run(["make", "--no-print-directory", "-C", TOP,
                               "build/bench/render_bench"]).returncode:
                sys.exit("bench: `make build/bench/render_bench` failed (see above)")
            return
    src = os.path.join(HERE, "render_bench.c")
    objs = [os.path.join(TOP, "build", "obj", os.path.basename(c)[:-2] + ".o")
            for c in sorted(glob.glob(os.path.join(TOP, "src", "*.c")))
            if os.path.basename(c) != "main.c"]
    missing = [o for o in objs if not os.path.exists(o)]
    if missing:
        sys.exit(f"bench: {missing[0]} is missing: run `make build/quire`")
    if os.path.exists(RENDER) and all(os.path.getmtime(RENDER) >= os.path.getmtime(f)
                                      for f in objs + [src]):
        return
    pkgs = ["fcgi", "yaml-0.1", "md4c-html"]
    cflags = subprocess.run(["pkg-config", "--cflags"] + pkgs, check=True, capture_output=True,
                            text=True).stdout.split()
    libs = subprocess.run(["pkg-config", "--libs"] + pkgs, check=True, capture_output=True,
                          text=True).stdout.split()
    subprocess.run(["cc", "-std=c11", "-D_GNU_SOURCE", "-Wall", "-Wextra", "-Wshadow",
                    "-Wstrict-prototypes", "-Wmissing-prototypes", "-Werror", "-O2", "-g",
                    "-I" + os.path.join(TOP, "src"), "-I" + os.path.join(TOP, "build")] + cflags
                   + ["-pthread", "-o", RENDER, src] + objs + libs + ["-pthread", "-lm"],
                   check=True)


def environment():
    """The lines that say where and how a run was made."""
    def out(*cmd):
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
    def deb(package):
        return out("dpkg-query", "-W", "-f=${Version}", package)
    cpu = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        m = re.search(r"^model name\s*:\s*(.+)$", f.read(), re.M)
        cpu = m.group(1) if m else cpu
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    # Read-only git: which source was measured (others may be editing the checkout).
    head = out("git", "-C", TOP, "rev-parse", "--short", "HEAD") or "unknown"
    dirty = out("git", "-C", TOP, "diff", "--stat", "HEAD", "--", "src", "Makefile")
    return [
        f"machine: {out('uname', '-srm')}, nproc {out('nproc')}, {cpu}",
        f"load average before the run: {load} (other work on the machine skews the figures)",
        f"source: commit {head}" + (", with uncommitted changes to src/ or the Makefile"
                                    if dirty else ""),
        f"versions: {out(QUIRE, '--version') or QUIRE}; Debian nginx {deb('nginx')}, "
        f"libfcgi {deb('libfcgi-dev')}, md4c {deb('libmd4c-html0-dev')}, wrk {deb('wrk')}, "
        f"hyperfine {deb('hyperfine')}, hugo {deb('hugo')}",
        f"wrk command: `{' '.join(WRK)} URL`",
    ]


# --- tools ----------------------------------------------------------------------------

class Table:
    """One benchmark's results: a Markdown table, notes, and problems to report loudly."""

    def __init__(self, title, header):
        self.title, self.header = title, header
        self.rows, self.notes, self.problems = [], [], []

    def add(self, *cells):
        self.rows.append([str(c) for c in cells])

    def markdown(self):
        lines = [f"### {self.title}", ""] + [f"- {n}" for n in self.notes]
        lines += [f"- **PROBLEM: {p}**" for p in self.problems]
        lines += ["", "| " + " | ".join(self.header) + " |",
                  "|" + "---|" * len(self.header)]
        lines += ["| " + " | ".join(r) + " |" for r in self.rows]
        return "\n".join(lines) + "\n"


def wrk(url, seconds=SECONDS):
    """One wrk run on url: requests, requests/s, p50 and p99 in ms, the errors wrk counted."""
    r = subprocess.run(WRK[:3] + [f"-d{seconds}s"] + WRK[4:] + [url], capture_output=True,
                       text=True)
    if r.returncode != 0 or "Requests/sec:" not in r.stdout:
        raise RuntimeError(f"wrk {url} failed: {r.stdout}{r.stderr}")
    out = r.stdout

    def latency(pct):
        value, unit = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]
    # wrk counts answers with a status of 400 or more here; each URL is checked for a 200
    # with the expected bytes just before its run.
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s*([\d.]+)", out).group(1)),
        "p50": latency(50), "p99": latency(99),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket": sum(map(int, sock.groups())) if sock else 0,
        "output": out,
    }


def measure(table, what, site, path, expect):
    """Check that site answers path with 200 and the bytes expect, then wrk it."""
    status, _, body = site.get(path)
    if status != 200 or body != expect:
        raise RuntimeError(f"{what}: {path} answered {status} with {len(body)} bytes, "
                           f"not 200 with the {len(expect)} bytes expected")
    print(f"bench: {what}: wrk {SECONDS} s", file=sys.stderr, flush=True)
    res = wrk(f"http://127.0.0.1:{site.port}{path}")
    if res["non2xx"] or res["socket"]:
        table.problems.append(f"{what}: {res['non2xx']} non-2xx answers, {res['socket']} "
                              "socket errors")
        print(f"bench: {what}: wrk said:\n{res['output']}", file=sys.stderr)
    return res


def still_up(table, site, name):
    """A responder that died during its run is a problem; its log goes to stderr."""
    if site.quire.poll() is not None:
        table.problems.append(f"{name} exited during its run, status {site.quire.returncode}")
        print(f"bench: {name}'s log:\n{site.read_log()[-3000:]}", file=sys.stderr)


def started(site):
    """site, remembered for the final check of leftovers."""
    SITES.append(site)
    return site


def leftovers():
    """Processes still running and ports still bound among the sites started."""
    left = []
    for s in SITES:
        for p in (s.quire, s.nginx):
            if p and p.poll() is None:
                left.append(f"pid {p.pid} ({os.path.basename(p.args[0])})")
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", s.port))
            except OSError:
                left.append(f"port {s.port}")
    return left


def verdict(value, target, at_least):
    """"met" or "missed by N %" for value against a target that is a floor (at_least) or
    a ceiling."""
    sign = "≥" if at_least else "≤"
    if value >= target if at_least else value <= target:
        return f"met ({value:.3g} {sign} {target:g})"
    off = (target - value) / target if at_least else (value - target) / target
    return f"**missed** by {off:.1%} ({value:.3g} against {sign} {target:g})"


def hyperfine(commands, warmup=3, runs=None):
    """hyperfine -N on commands (strings, split on white space by hyperfine, no shell):
    each one's mean, stddev, median, min, max, and mean user and system CPU time, in ms, in
    the order given."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = ["hyperfine", "-N", "--style", "basic", f"--warmup={warmup}",
               "--export-json", out.name] + ([f"--runs={runs}"] if runs else []) + commands
        print(f"bench: {' '.join(repr(c) if ' ' in c else c for c in cmd)}", file=sys.stderr,
              flush=True)
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode:
            raise RuntimeError(f"hyperfine failed: {r.stderr[-2000:]}")
        with open(out.name) as f:
            results = json.load(f)["results"]
    keys = ("mean", "stddev", "median", "min", "max", "user", "system")
    return [{k: results[i][k] * 1000 for k in keys} | {"runs": len(results[i]["times"])}
            for i in range(len(commands))]


def results_of(stdout):
    """The "result KEY VALUE..." lines a C benchmark prints, as {KEY: [floats]}."""
    return {m.group(1): [float(x) for x in m.group(2).split()]
            for m in re.finditer(r"^result (\S+) (.+)$", stdout, re.M)}


def fcgi_get(sock, path, timeout=30):
    """GET path straight over quire's FastCGI socket: (status, body). Status 0: no answer."""
    out = fcgi_request(sock, [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", path.encode()),
                              (b"SERVER_PROTOCOL", b"HTTP/1.1")], timeout)
    head, _, body = out.partition(b"\r\n\r\n")
    m = re.match(rb"Status: (\d+)", head)
    return (int(m.group(1)) if m else 0), body


def worker_pid(site):
    """The supervisor's child: the worker process that serves, or None."""
    pid = site.quire.pid
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = f.read().split()
    except OSError:
        return None
    return int(kids[0]) if kids else None


def memory_kb(pid, field="VmRSS"):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M).group(1))


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def mb(kb):
    return f"{kb / 1024:.1f} MB"


def ms(seconds):
    return f"{seconds * 1000:.2f} ms"


def corpus_texts():
    """The corpus's posts, (file name, bytes), sorted by name."""
    files = sorted(glob.glob(os.path.join(CORPUS, "*.md")))
    if not files:
        raise RuntimeError(f"no posts (*.md) in {CORPUS} (BENCH_CORPUS)")
    out = []
    for f in files:
        with open(f, "rb") as fh:
            out.append((os.path.basename(f), fh.read()))
    return out


def generate_posts(dest, n):
    """n posts in dest, the corpus's posts in turn under new names, NNNNN-<name>.md; their
    routes (the file names without .md: the corpus's posts name no route)."""
    texts = corpus_texts()
    routes = []
    for i in range(n):
        name, data = texts[i % len(texts)]
        with open(os.path.join(dest, f"{i:05d}-{name}"), "wb") as f:
            f.write(data)
        routes.append(f"/{i:05d}-{name[:-3]}")
    return routes


def tag_posts(dest):
    """Give every post in dest that names no tags or categories three tags of 300 and one
    category of 5, in a fixed pattern: a site whose lists and related posts have work."""
    for i, name in enumerate(sorted(os.listdir(dest))):
        path = os.path.join(dest, name)
        with open(path, "rb") as f:
            data = f.read()
        head = data.split(b"\n---", 1)[0]
        if not data.startswith(b"---\n") or b"\ntags:" in head or b"\ncategories:" in head:
            continue
        extra = (f"tags: [rust, t{i * 7 % 300}, t{i * 13 % 300}]\ncategories: [c{i % 5}]\n"
                 .encode())
        with open(path, "wb") as f:
            f.write(data[:4] + extra + data[4:])


def start_timed(site, path, timeout=60, binary=None):
    """Start quire (or binary) on site (no nginx) and send GET path over its socket in a
    tight loop from the moment of the start: (seconds to the first answer, status, body)."""
    logf = open(site.log, "ab")
    t0 = time.monotonic()
    site.quire = subprocess.Popen([binary or QUIRE, "-c", site.config, "-s", site.sock],
                                  stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
    logf.close()
    while True:
        if site.quire.poll() is not None:
            raise RuntimeError(f"quire exited with {site.quire.returncode}: "
                               f"{site.read_log()[-2000:]}")
        try:
            status, body = fcgi_get(site.sock, path, timeout)
            return time.monotonic() - t0, status, body
        except (FileNotFoundError, ConnectionRefusedError):
            pass
        if time.monotonic() - t0 > timeout:
            raise RuntimeError(f"quire did not answer within {timeout} s")
        time.sleep(0.0002)


def latencies(sock, path, n):
    """n GETs of path in a row over the socket, each on a new connection: median and p99 s."""
    out = []
    for _ in range(n):
        t = time.perf_counter()
        status, _ = fcgi_get(sock, path)
        out.append(time.perf_counter() - t)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    out.sort()
    return statistics.median(out), out[min(len(out) - 1, int(len(out) * 0.99))]


# --- sites ----------------------------------------------------------------------------

def shipped_workers():
    """`workers` in conf/quire.yaml: quire is measured as it ships."""
    with open(os.path.join(TOP, "conf", "quire.yaml")) as f:
        return int(re.search(r"^workers:\s*(\d+)", f.read(), re.M).group(1))


def quire_site(workers, **kw):
    """harness's Site (conf/, posts/, quire, nginx; kw: its microcache, copy_posts) with
    `workers: workers` in its config."""
    site = Site(**kw)
    with open(site.config) as f:
        text = re.sub(r"^workers:.*\n", "", f.read(), flags=re.M)
    with open(site.config, "w") as f:
        f.write(text + f"workers: {workers}\n")
    return site


class BareSite(Site):
    """A Site whose FastCGI responder is bare_fcgi answering the bytes of page: same
    nginx configuration, socket path and stopping as quire's (self.quire is bare_fcgi)."""

    def __init__(self, page, threads):
        super().__init__(copy_posts=False)
        self.page, self.threads = page, threads

    def start_quire(self):
        with open(self.log, "ab") as logf:
            self.quire = subprocess.Popen([BARE, self.sock, self.page, str(self.threads)],
                                          stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        if not wait_for(lambda: os.path.exists(self.sock) or self.quire.poll() is not None) \
                or self.quire.poll() is not None:
            raise RuntimeError("bare_fcgi did not start: " + self.read_log())


# --- benchmarks -----------------------------------------------------------------------

def fastcgi():
    """The first post through nginx: as a static file (the ceiling), from a bare libfcgi
    responder (the protocol floor), from quire. Same nginx configuration for all three,
    same number of responder threads for the last two."""
    workers = shipped_workers()
    with started(quire_site(workers)) as q:
        q.start()
        status, _, page = q.get(FIRST)
        if status != 200:
            raise RuntimeError(f"quire answered {FIRST} with {status}: {q.read_log()}")
        os.makedirs(BUILD, exist_ok=True)
        saved = os.path.join(BUILD, "first-post.html")
        with open(saved, "wb") as f:
            f.write(page)
        shutil.copy(saved, os.path.join(q.conf, "static", "first-post.html"))

        t = Table(f"nginx static, bare libfcgi and quire: the first post ({len(page):,} bytes)",
                  ["what", "requests/s", "vs static", "vs bare libfcgi", "p50 ms", "p99 ms",
                   "errors"])
        t.notes.append("nginx from deploy/nginx/make-conf.sh; the static file is served from "
                       "its /static/ location; the page is kept in build/bench/first-post.html")
        t.notes.append(f"quire `workers: {workers}` (as conf/quire.yaml ships), bare_fcgi "
                       f"{workers} threads")
        a = measure(t, "nginx static", q, "/static/first-post.html", page)
        with started(BareSite(saved, workers)) as b_site:
            b_site.start()
            b = measure(t, "nginx → bare libfcgi", b_site, "/", page)
            still_up(t, b_site, "bare_fcgi")
        c = measure(t, "nginx → quire", q, FIRST, page)
        still_up(t, q, "quire")

    def row(what, r, vs_static, vs_bare):
        errors = f"{r['non2xx']} non-2xx, {r['socket']} socket" if r["non2xx"] or r["socket"] \
            else "0"
        t.add(what, f"{r['rps']:,.0f}", vs_static, vs_bare, f"{r['p50']:.2f}",
              f"{r['p99']:.2f}", errors)
    row("a. nginx static file", a, "1.00", "")
    row(f"b. nginx → bare libfcgi, {workers} threads", b, f"{b['rps'] / a['rps']:.2f}", "1.00")
    row(f"c. nginx → quire, {workers} workers", c, f"{c['rps'] / a['rps']:.2f}",
        f"{c['rps'] / b['rps']:.2f}")
    return t


MICROCACHE_ROUNDS = 3


def microcache():
    """The first post behind nginx's one-second fastcgi_cache (deploy/nginx/
    quire-microcache.conf) against the same nginx serving the same bytes as a static file;
    MICROCACHE_ROUNDS rounds, the two runs of a round back to back, so that a slow spell of
    the (shared) machine falls on both alike."""
    workers = shipped_workers()
    runs = {"static": [], "micro": []}
    with started(quire_site(workers, microcache=True)) as q:
        q.start()
        status, headers, page = q.get(FIRST)
        if status != 200:
            raise RuntimeError(f"quire answered {FIRST} with {status}: {q.read_log()}")
        first_cache = headers.get("x-cache", "none")
        with open(os.path.join(q.conf, "static", "first-post.html"), "wb") as f:
            f.write(page)
        t = Table(f"nginx micro-cache → quire against nginx static: the first post "
                  f"({len(page):,} bytes)",
                  ["what", "requests/s, best round", "vs static", "requests/s, each round",
                   "p50 ms", "p99 ms", "errors"])
        for _ in range(MICROCACHE_ROUNDS):
            runs["static"].append(measure(t, "nginx static", q, "/static/first-post.html",
                                          page))
            runs["micro"].append(measure(t, "nginx micro-cache → quire", q, FIRST, page))
        _, headers, _ = q.get(FIRST)
        still_up(t, q, "quire")
    t.notes.append("nginx from deploy/nginx/make-conf.sh with MICROCACHE=1 "
                   "(harness `Site(microcache=True)`): fastcgi_cache valid 1 s, background "
                   "update, cache lock, revalidation; the static file from the same nginx's "
                   f"/static/ location; quire `workers: {workers}`; {MICROCACHE_ROUNDS} rounds "
                   "of static then micro-cache; p50/p99 of the best round")
    t.notes.append(f"X-Cache of the first request: {first_cache}; after the runs: "
                   f"{headers.get('x-cache', 'none')}")
    best = {k: max(v, key=lambda r: r["rps"]) for k, v in runs.items()}
    ratio = best["micro"]["rps"] / best["static"]["rps"]
    med = statistics.median(r["rps"] for r in runs["micro"]) / \
        statistics.median(r["rps"] for r in runs["static"])
    t.notes.append("target micro-cache ≥ 0.85 of static: best rounds "
                   f"{verdict(ratio, 0.85, True)}; medians of the rounds "
                   f"{verdict(med, 0.85, True)}")

    def row(what, key, vs):
        r = best[key]
        bad = [f"{x['non2xx']} non-2xx, {x['socket']} socket" for x in runs[key]
               if x["non2xx"] or x["socket"]]
        t.add(what, f"{r['rps']:,.0f}", vs, ", ".join(f"{x['rps']:,.0f}" for x in runs[key]),
              f"{r['p50']:.2f}", f"{r['p99']:.2f}", "; ".join(bad) or "0")
    row("a. nginx static file", "static", "1.00")
    row("b. nginx micro-cache → quire", "micro", f"{ratio:.2f}")
    return t


def cold():
    """The first request after an edit, in process (build/bench/render_bench): the render
    cache keeps nothing (cache_init(0)), so dispatch() reads and renders the post; against
    md4c alone (md_html, quire's flags) on the same Markdown."""
    with Site() as q:  # conf/ and posts/ copied; nothing started
        cmd = [RENDER, q.config, FIRST]
        print(f"bench: cold: {' '.join(cmd)}", file=sys.stderr, flush=True)
        r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(f"render_bench failed: {r.stdout}{r.stderr}")
    res = results_of(r.stdout)
    md4c, cold_ = res["md4c_us"], res["cold_us"]
    t = Table(f"Cold render against md4c alone: GET {FIRST} in process",
              ["what", "µs, fastest round", "µs, median round", "vs md4c alone (fastest)"])
    t.notes.append("build/bench/render_bench (tests/bench/render_bench.c, linked with quire's "
                   "objects) on a copy of conf/ and posts/: `render_bench CONFIG "
                   f"{FIRST}`; 9 rounds of ≥ 0.1 s of each case, alternating")
    t.notes.append("cold request: `dispatch()` for GET with a fake request_env after the "
                   "render cache was emptied and given a budget of 0, then "
                   "`response_serialize()` (what a worker thread does): reads the file, hashes "
                   "it, renders Markdown and layout, hashes body and page for their ETags; the "
                   "site snapshot is loaded once before (after a real edit the watcher also "
                   "re-reads the file's front matter, outside the request)")
    t.notes.append(f"{res['md_bytes'][0]:,.0f} bytes of Markdown, {res['html_bytes'][0]:,.0f} "
                   f"of body HTML, {res['response_bytes'][0]:,.0f} of response")
    t.notes.append("target cold ≤ 2 × md4c alone: fastest rounds "
                   f"{verdict(cold_[0] / md4c[0], 2, False)}; median rounds "
                   f"{verdict(cold_[1] / md4c[1], 2, False)}")
    names = [("md4c", "a. md4c alone (md_html)"),
             ("markdown", "markdown_render (md4c, then quire's passes)"),
             ("cold", "b. cold request (nothing cached)"),
             ("hot", "hot request (page cached)"),
             ("read", "part of b: read the file (open, fstat, read)"),
             ("hash", "part of b: FNV-1a over file, body and page"),
             ("layout", "part of b: layout_render alone")]
    for key, what in names:
        v = res[f"{key}_us"]
        t.add(what, f"{v[0]:.2f}", f"{v[1]:.2f}", f"{v[0] / md4c[0]:.2f}")
    return t


def renderer():
    """Every rust-blog post rendered by quire's renderer with every addition a site has by
    default (headings, footnotes, highlighting, typography, images' attributes, bounds)
    against md_html alone on the same bodies (build/bench/render_corpus_bench)."""
    posts = os.path.join(TOP, "tests", "data", "rust-blog", "posts")
    cmd = [os.path.join(BUILD, "render_corpus_bench"), posts, "30"]
    print(f"bench: renderer: {' '.join(cmd)}", file=sys.stderr, flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if r.returncode:
        raise RuntimeError(f"render_corpus_bench failed: {r.stdout}{r.stderr}")
    rows = {}
    for line in r.stdout.splitlines():
        m = re.match(r"(.*?)\s+([\d.]+) ms a pass,\s+([\d.]+) MB/s", line)
        if m:
            rows[m.group(1).strip()] = (float(m.group(2)), float(m.group(3)))
    base = rows["md_html (md4c-html 0.4.8)"][0]
    t = Table("Renderer: the rust-blog corpus (274 posts) against md_html alone",
              ["what", "ms a pass (fastest of 30)", "MB/s", "vs md_html"])
    for what, (msec, mbs) in rows.items():
        t.add(what, f"{msec:.2f}", f"{mbs:.1f}", f"{msec / base:.2f}")
    full = rows["markdown_render (additions on)"][0]
    t.notes.append("build/bench/render_corpus_bench (tests/bench/render_corpus_bench.c): each "
                   "post's body through md_html, render_html with the additions off, and "
                   "markdown_render() with a site's defaults (typography in English)")
    t.notes.append("target markdown_render ≤ 1.3 × md_html: "
                   f"{verdict(full / base, 1.3, False)}")
    return t


def sweep(site, routes):
    """GET every route once over the socket, 4 at a time: how many were not answered 200."""
    with concurrent.futures.ThreadPoolExecutor(4) as ex:
        statuses = list(ex.map(lambda r: fcgi_get(site.sock, r)[0], routes))
    return len(routes) - statuses.count(200)


def scale_run(site, routes, probe, starts=3):
    """quire on one site over its raw socket: start to first answer (the first start, then
    the fastest and median of the restarts), the index first and hot, every post once, the
    worker's memory after the first start and the last restart."""
    f = {}
    times = []  # the first start finds no state store; it leaves one for the others
    for i in range(starts):
        dt, status, _ = start_timed(site, probe)
        if status != 200:
            raise RuntimeError(f"{probe} answered {status}: {site.read_log()[-2000:]}")
        times.append(dt)
        if i == 0:
            # The worker that read every post from its file, before and after every post
            # was requested once.
            pid = worker_pid(site)
            f["rss_first"] = memory_kb(pid)
            sweep(site, routes)
            f["rss_end_first"] = memory_kb(pid)
        if i < starts - 1:
            site.stop()
    f["start_first"] = times[0]
    f["start"] = (min(times[1:]), statistics.median(times[1:]))
    pid = worker_pid(site)
    f["rss_start"] = memory_kb(pid)
    t = time.perf_counter()
    status, body = fcgi_get(site.sock, "/")
    f["index_first"] = time.perf_counter() - t
    if status != 200:
        raise RuntimeError(f"/ answered {status}")
    f["index_bytes"] = len(body)
    f["index_hot"] = latencies(site.sock, "/", 200)
    f["post_hot"] = latencies(site.sock, probe, 200)
    t = time.perf_counter()
    f["bad"] = sweep(site, routes)
    f["sweep"] = time.perf_counter() - t
    f["rss_end"] = memory_kb(pid)
    f["hwm_end"] = memory_kb(pid, "VmHWM")
    f["same_worker"] = worker_pid(site) == pid
    return f


def scale():
    """Generated sites of BENCH_SCALE posts (copies of the corpus's posts under new names)
    and, as the reference, the checkout's one post; quire alone, over its raw socket."""
    workers = shipped_workers()
    cols, log = [], ""
    with started(quire_site(workers, config_extra=STATE)) as ref:
        print("bench: scale: the checkout's site", file=sys.stderr, flush=True)
        cols.append(("1 post (checkout's)", 1, scale_run(ref, [FIRST], FIRST)))
    for n in SCALE:
        with started(quire_site(workers, copy_posts=False, config_extra=STATE)) as q:
            print(f"bench: scale: generating {n:,} posts", file=sys.stderr, flush=True)
            routes = generate_posts(q.posts, n)
            size = sum(os.path.getsize(os.path.join(q.posts, x)) for x in os.listdir(q.posts))
            print(f"bench: scale: {n:,} posts", file=sys.stderr, flush=True)
            cols.append((f"{n:,} posts ({size / 1e6:.0f} MB)", n,
                         scale_run(q, routes, routes[n // 2])))
            log = q.read_log()
    t = Table("Scale: start, index, memory with 1, " + ", ".join(f"{n:,}" for n in SCALE)
              + " posts", ["what"] + [c[0] for c in cols] + ["target"])
    t.notes.append(f"generated posts: the {len(corpus_texts())} posts of {CORPUS} in turn, as "
                   "NNNNN-<name>.md (route /NNNNN-<name>); "
                   f"quire `workers: {workers}`, cache.size default (32 MiB), `state:` set as "
                   "conf/quire.yaml ships; no nginx")
    t.notes.append("start: from Popen(`quire -c CONF -s SOCK`) to the first answer of a "
                   "raw FastCGI GET of the middle post, sent in a tight retry loop "
                   "(harness.fcgi_request); 3 starts: the first with no state store yet (it "
                   "reads every post), the other two with the store the first left (they "
                   "re-read only changed files); the posts' files in the page cache")
    t.notes.append("times of single requests are round trips from Python over the raw "
                   "socket, a new connection each; the hot post is that client's floor")
    t.notes.append("every post once: 4 client threads; memory is the worker's (the "
                   "supervisor's child) VmRSS from /proc after that")
    big = [c for c in cols if c[1] == 10000]
    if big:
        f = big[0][2]
        t.notes.append("target start ≤ 300 ms at 10,000 posts: with the state store "
                       + verdict(f["start"][0] * 1000, 300, False) + " (fastest restart); "
                       "the first start, without one, "
                       + verdict(f["start_first"] * 1000, 300, False))
        t.notes.append("target worker RSS ≤ 64 MB at 10,000 posts: restarted from the state "
                       "store " + verdict(f["rss_end"] / 1024, 64, False) + "; started from "
                       "the files " + verdict(f["rss_end_first"] / 1024, 64, False))
    for name, n, f in cols:
        if f["bad"]:
            t.problems.append(f"{name}: {f['bad']} posts not answered 200")
        if not f["same_worker"]:
            t.problems.append(f"{name}: the worker was replaced during the run")
    if re.search(r"error:", log):
        t.notes.append("errors in quire's log (largest site): "
                       + "; ".join(sorted(set(re.findall(r"error: (.{0,120})", log)))[:3]))

    def row(what, fn, target=""):
        t.add(what, *[fn(f, n) for _, n, f in cols], target)
    row("first start (no state store) → first answer", lambda f, n: ms(f["start_first"]))
    row("restart (state store) → first answer, fastest / median of 2",
        lambda f, n: f"{ms(f['start'][0])} / {ms(f['start'][1])}", "≤ 300 ms at 10,000")
    row("worker RSS after the first answer: first start / last restart",
        lambda f, n: f"{mb(f['rss_first'])} / {mb(f['rss_start'])}")
    row("index `/`, first request", lambda f, n: ms(f["index_first"]))
    row("index `/`, hot: median / p99 of 200",
        lambda f, n: f"{ms(f['index_hot'][0])} / {ms(f['index_hot'][1])}")
    row("a post, hot: median / p99 of 200 (client floor)",
        lambda f, n: f"{ms(f['post_hot'][0])} / {ms(f['post_hot'][1])}")
    row("index hot / post hot (medians)",
        lambda f, n: f"{f['index_hot'][0] / f['post_hot'][0]:.2f}")
    row("every post requested once: wall time (posts/s)",
        lambda f, n: f"{f['sweep']:.2f} s ({n / f['sweep']:,.0f}/s)")
    row("worker RSS after every post once: first start / last restart (its VmHWM)",
        lambda f, n: f"{mb(f['rss_end_first'])} / {mb(f['rss_end'])} ({mb(f['hwm_end'])})",
        "≤ 64 MB at 10,000")
    return t


def cgi():
    """quire as a plain CGI program, one request per process, timed with hyperfine: a post
    of the checkout's one-post site and of a 1,000-post site, and that site's index, with
    the state folder as conf/quire.yaml ships (the store of the last snapshot's posts is
    made by the first request), and a post of the same site without one; against
    `quire --version` (starting the program, the floor)."""
    with Site(config_extra=STATE) as small, \
            Site(copy_posts=False, config_extra=STATE) as big:
        post = generate_posts(big.posts, 1000)[500]
        bare = os.path.join(big.conf, "no-state.yaml")
        with open(big.config) as f, open(bare, "w") as g:
            g.write(f.read().replace(STATE, ""))
        cases = [("quire --version (process start: the floor)", None, None),
                 (f"1 post (checkout's): GET {FIRST}", small.config, FIRST),
                 ("1,000 posts: GET a post", big.config, post),
                 ("1,000 posts: GET / (index)", big.config, "/"),
                 ("1,000 posts, no `state:`: GET a post", bare, post)]
        commands = []
        for what, conf, path in cases:
            if conf is None:
                commands.append(f"{QUIRE} --version")
                continue
            env = {"QUIRE_CONFIG": conf, "REQUEST_METHOD": "GET", "REQUEST_URI": path}
            r = subprocess.run([QUIRE], env=env, capture_output=True)
            if not r.stdout.startswith(b"Status: 200"):
                raise RuntimeError(f"CGI GET {path} answered {r.stdout[:60]!r} "
                                   f"{r.stderr[-500:]!r}")
            commands.append("env " + " ".join(f"{k}={v}" for k, v in env.items()) + f" {QUIRE}")
        res = hyperfine(commands)
    t = Table("Plain CGI: one request per process (hyperfine)",
              ["what", "mean ms", "± σ", "median ms", "min ms", "max ms", "CPU ms (user+sys)",
               "runs", "vs floor"])
    t.notes.append(f"`hyperfine -N --warmup=3 'env QUIRE_CONFIG=CONF REQUEST_METHOD=GET "
                   f"REQUEST_URI=PATH {os.path.relpath(QUIRE, TOP)}'`; the 1,000-post site as "
                   "in the scale benchmark, `state: ../state` as conf/quire.yaml ships one "
                   "(its store made by a first request before the runs) unless said; rerun "
                   "alone with `tests/bench/bench.py cgi`")
    t.notes.append("target ≤ 15 ms for a post of the 1,000-post site: with the state folder "
                   + verdict(res[2]["mean"], 15, False) + " (mean wall time); without one "
                   + verdict(res[4]["mean"], 15, False) + ". On a busy machine the wall "
                   "time includes waiting for a CPU: compare the CPU time")
    for (what, _, _), r in zip(cases, res):
        t.add(what, f"{r['mean']:.2f}", f"{r['stddev']:.2f}", f"{r['median']:.2f}",
              f"{r['min']:.2f}", f"{r['max']:.2f}", f"{r['user'] + r['system']:.2f}",
              r["runs"], f"{r['mean'] / res[0]['mean']:.1f}")
    return t


HUGO_CONFIG = """baseURL = "http://127.0.0.1/"
title = "bench"
# Post pages, the home page and the section's list only, as quire renders them.
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
[markup.goldmark.renderer]
unsafe = true  # raw HTML passes, as with quire's markdown.raw_html: keep
"""
HUGO_SINGLE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""
HUGO_LIST = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><ul>{{ range first 10 .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul></body></html>
"""


def hugo_site(dest, posts):
    """A minimal Hugo site in dest whose content/posts are the files of posts."""
    os.makedirs(os.path.join(dest, "layouts", "_default"))
    shutil.copytree(posts, os.path.join(dest, "content", "posts"))
    for path, text in (("config.toml", HUGO_CONFIG), ("layouts/_default/single.html",
                                                       HUGO_SINGLE),
                       ("layouts/_default/list.html", HUGO_LIST)):
        with open(os.path.join(dest, path), "w") as f:
            f.write(text)


def hugo():
    """Every post of a 1,000-post site rendered once: quire in process (render_bench --all:
    load the site, dispatch() GET for every post) against Debian's Hugo building the same
    posts (hugo --quiet), both timed as whole processes with hyperfine."""
    n = 1000
    with Site(copy_posts=False) as q:
        generate_posts(q.posts, n)
        hdir = os.path.join(q.dir, "hugo")
        hugo_site(hdir, q.posts)
        r = subprocess.run([RENDER, "--all", q.config], capture_output=True, text=True)
        inproc = results_of(r.stdout)
        if r.returncode or inproc.get("ok", [0])[0] != n:
            raise RuntimeError(f"render_bench --all: {r.stdout}{r.stderr[-2000:]}")
        h = subprocess.run(["hugo", "--quiet", "-s", hdir, "--cacheDir", f"{hdir}/cache"],
                           capture_output=True, text=True)
        pages = glob.glob(os.path.join(hdir, "public", "posts", "*", "index.html"))
        if h.returncode or len(pages) != n:
            raise RuntimeError(f"hugo made {len(pages)} post pages, not {n}: {h.stdout}"
                               f"{h.stderr[-2000:]}")
        res = hyperfine([f"{RENDER} --all {q.config}",
                         f"hugo --quiet -s {hdir} --cacheDir {hdir}/cache"], warmup=1)
    quire_r, hugo_r = res
    t = Table(f"quire against Hugo: every post of a {n:,}-post site rendered once",
              ["what", "mean ms", "± σ", "min ms", "max ms", "CPU ms (user+sys)", "runs",
               "vs quire"])
    t.notes.append("quire: `build/bench/render_bench --all CONF`, in process: config_load, "
                   "site_load, then dispatch() and response_serialize() of GET for every "
                   "post, the pages kept in memory (render cache 32 MiB), not written; "
                   f"in its own clock: load {inproc['load_ms'][0]:.1f} ms, renders "
                   f"{inproc['render_ms'][0]:.1f} ms, {inproc['bytes'][0] / 1e6:.1f} MB of "
                   "responses")
    version = subprocess.run(["hugo", "version"], capture_output=True, text=True).stdout
    t.notes.append(f"Hugo {version.split()[1]} (Debian): `hugo --quiet -s DIR --cacheDir "
                   "DIR/cache`, a minimal site (one single and one list layout, no taxonomies, "
                   "feeds or sitemap; goldmark unsafe) whose content/posts are the same files; "
                   "it writes public/ "
                   f"({n:,} post pages checked)")
    t.notes.append("both with `hyperfine -N --warmup=1`; Hugo works on both cores (its CPU "
                   "time is above its wall time), render_bench on one")
    ratio = hugo_r["mean"] / quire_r["mean"]
    fastest = hugo_r["min"] / quire_r["min"]
    t.notes.append(f"target quire ≥ 20 × faster than Hugo: means {verdict(ratio, 20, True)}; "
                   f"fastest runs (the least disturbed on a shared machine) "
                   f"{verdict(fastest, 20, True)}")
    for what, r in (("quire, render_bench --all", quire_r), ("hugo --quiet", hugo_r)):
        t.add(what, f"{r['mean']:.1f}", f"{r['stddev']:.1f}", f"{r['min']:.1f}",
              f"{r['max']:.1f}", f"{r['user'] + r['system']:.1f}", r["runs"],
              f"{r['mean'] / quire_r['mean']:.1f}")
    return t

SOAK_ROUTE = "/soak-rewrite"


def soak_text(v, filler):
    """Version v of the rewritten post: the marker SOAKv<v>END in its title and on the first
    and the last line of its body, the first post's body between them."""
    mark = f"SOAKv{v}END"
    return (f"---\ntitle: Soak {mark}\nroute: {SOAK_ROUTE[1:]}\n---\n{mark}\n\n{filler}\n\n"
            + "word " * (v % 200) + f"\n\n{mark}\n").encode()


def soak_write(path, data):
    """Save data as path the way BENCH_SOAK_WRITE says: in place (truncate, then one write:
    for a moment the file is empty or short) or aside and renamed over it (atomic)."""
    if SOAK_WRITE == "rename":
        tmp = os.path.join(os.path.dirname(path), ".soak-write.tmp")  # not *.md: no post
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, path)
    else:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def soak_classify(body):
    """"complete" (one version: its title and both body markers agree), "mixed" (markers of
    two versions), "incomplete" (a body marker missing); and the version seen, or None."""
    marks = re.findall(rb"<p>SOAKv(\d+)END</p>", body)
    title = re.findall(rb"<title>[^<]*SOAKv(\d+)END", body)
    seen = set(marks) | set(title)
    if len(seen) > 1:
        return "mixed", None
    if len(marks) != 2 or len(title) != 1:
        return "incomplete", None
    return "complete", int(marks[0])


def soak():
    """BENCH_SOAK_SECONDS of wrk through nginx on a post rewritten every 100 ms, while a post
    is added and the one before removed every second, and a checker thread fetches the
    rewritten post on its own connections and checks that each body is one complete,
    fresh version."""
    workers = shipped_workers()
    t = Table(f"Soak: {SOAK_SECONDS} s of wrk (after {SOAK_WARMUP} s of warm-up) on a post "
              "rewritten every 100 ms (nginx → quire)",
              ["what", "value"])
    with open(os.path.join(TOP, "posts", "on-node-go-concurrency.md")) as f:
        filler = f.read().split("\n---\n", 1)[1]
    stop = threading.Event()
    written = []  # (time the save returned, version): written[v] is version v's
    begun = []  # time the save of version v began: begun[v]
    seen = {"complete": 0, "mixed": 0, "incomplete": 0, "stale": 0, "stale_direct": 0,
            "fetches": 0}
    statuses, examples = {}, []
    adds, removes, add_errors, lags, saves = [], [], [], [], []
    samples = []  # (time, worker pid, VmRSS kB)
    with started(quire_site(workers, config_extra=f"cache:\n  size: {SOAK_CACHE}\n"
                            + SOAK_EXTRA)) as q:
        path = os.path.join(q.posts, SOAK_ROUTE[1:] + ".md")
        begun.append(time.monotonic())
        soak_write(path, soak_text(0, filler))
        written.append((time.monotonic(), 0))
        q.start()
        status, _, body = q.get(SOAK_ROUTE)
        if status != 200 or soak_classify(body) != ("complete", 0):
            raise RuntimeError(f"{SOAK_ROUTE} answered {status}: {q.read_log()[-2000:]}")
        pid0 = worker_pid(q)
        t_start = time.monotonic()
        samples.append((t_start, pid0, memory_kb(pid0), open_fds(pid0)))

        def writer():
            v, tick = 0, time.monotonic()
            while not stop.is_set():
                tick += 0.1
                stop.wait(max(0.0, tick - time.monotonic()))
                v += 1
                begun.append(time.monotonic())
                soak_write(path, soak_text(v, filler))
                written.append((time.monotonic(), v))
                saves.append(written[-1][0] - begun[-1])

        def until(route, want, into, timeout=2.0):
            """Poll route until it answers want; into gets the time, or None when it did
            not within timeout (nothing when the run ended first)."""
            t0 = time.monotonic()
            while time.monotonic() - t0 < timeout:
                if stop.is_set():
                    return
                st, _, _ = q.get(route)
                if st == want:
                    into.append(time.monotonic() - t0)
                    return
                if st not in (200, 404):
                    add_errors.append(f"{route}: {st}")
                time.sleep(0.002)
            into.append(None)

        def adder():
            k, tick = 0, time.monotonic()
            while not stop.is_set():
                k += 1
                q.write_post(f"soak-add-{k}.md", f"---\ntitle: Added {k}\n---\nPost {k}.\n")
                until(f"/soak-add-{k}", 200, adds)
                if k > 1:
                    os.unlink(os.path.join(q.posts, f"soak-add-{k - 1}.md"))
                    until(f"/soak-add-{k - 1}", 404, removes)
                pid = worker_pid(q)
                if pid:
                    try:
                        samples.append((time.monotonic(), pid, memory_kb(pid), open_fds(pid)))
                    except (OSError, AttributeError):
                        pass
                tick += 1.0
                stop.wait(max(0.0, tick - time.monotonic()))

        def floor_at(t):
            """The newest version quire must show at time t: whole on disk from 50 ms
            before t on, or for 50 ms at least before the next save took it away (in
            place, a save empties the file first: a slow disk can keep it empty for
            seconds, and quire rightly keeps the last good version)."""
            i = bisect.bisect_right(written, (t - 0.05, float("inf"))) - 1
            while i > 0:
                if SOAK_WRITE == "rename":
                    gone = written[i + 1][0] if i + 1 < len(written) else None
                else:
                    gone = begun[i + 1] if i + 1 < len(begun) else None
                if gone is None or gone - written[i][0] >= 0.05:
                    break
                i -= 1
            return max(i, 0)

        def checker():
            while not stop.is_set():
                t0 = time.monotonic()
                floor = floor_at(t0)
                try:
                    st, _, body = q.get(SOAK_ROUTE)
                except OSError as e:
                    st, body = f"error {e.__class__.__name__}", b""
                seen["fetches"] += 1
                statuses[st] = statuses.get(st, 0) + 1
                if st != 200:
                    continue
                kind, v = soak_classify(body)
                seen[kind] += 1
                if kind != "complete" and len(examples) < 3:
                    marks = [int(x) for x in re.findall(rb"SOAKv(\d+)END", body)]
                    examples.append(f"{kind}: markers {marks[:6]} in {len(body)} bytes")
                if v is not None and v < floor:
                    seen["stale"] += 1
                    # How long before the request the version it should have shown was whole.
                    lags.append(t0 - written[floor][0])
                    # Stale in quire itself, or only through nginx? Ask quire's socket now.
                    _, direct = fcgi_get(q.sock, SOAK_ROUTE)
                    dv = soak_classify(direct)[1]
                    seen["stale_direct"] += dv is not None and dv < floor

        threads = [threading.Thread(target=f, daemon=True) for f in (writer, adder, checker)]
        for th in threads:
            th.start()
        print(f"bench: soak: wrk {SOAK_SECONDS} s with rewrites ({SOAK_WRITE}), adds, removes",
              file=sys.stderr, flush=True)
        try:
            w = wrk(f"http://127.0.0.1:{q.port}{SOAK_ROUTE}", SOAK_WARMUP + SOAK_SECONDS)
        finally:
            stop.set()
            for th in threads:
                th.join(10)
        time.sleep(0.3)
        last = written[-1][1]
        status, _, body = q.get(SOAK_ROUTE)
        final = soak_classify(body) if status == 200 else (f"status {status}", None)
        pid1 = worker_pid(q)
        rss_end = memory_kb(pid1) if pid1 else 0
        t_end = time.monotonic()
        still_up(t, q, "quire")
        log = q.read_log()
    errors = re.findall(r"quire: error: (.*)", log)
    warns = re.findall(r"quire: warn(?:ing)?: (.*)", log)
    t.notes.append(f"`{' '.join(WRK[:3])} -d{SOAK_WARMUP + SOAK_SECONDS}s --latency` on "
                   f"{SOAK_ROUTE} through "
                   f"nginx (deploy/nginx/quire.conf), quire `workers: {workers}`, "
                   f"`cache.size: {SOAK_CACHE}` (BENCH_SOAK_CACHE); the post rewritten "
                   + ("aside and renamed over" if SOAK_WRITE == "rename" else
                                   "in place (truncate, one write)")
                   + " every 100 ms (BENCH_SOAK_WRITE), version v's title and the first and last "
                   "lines of its body saying SOAKv<v>END; soak-add-K.md added and "
                   "soak-add-(K-1).md removed every second, each polled until it answers 200 "
                   "(added) or 404 (removed)")
    if SOAK_EXTRA.strip():
        t.notes.append("configuration added (BENCH_SOAK_EXTRA): `"
                       + SOAK_EXTRA.strip().replace("\n", "` `") + "`")
    t.notes.append("checker: one thread fetching the rewritten post through nginx on new "
                   "connections; complete = title and both markers of one version; stale = "
                   "older than the newest version that was whole on disk 50 ms before the "
                   "request began (or for 50 ms before the next save emptied the file)")
    rss = [s[2] for s in samples if s[1] == pid0]
    # Flat: the median of the last minute's samples against the first minute's after the
    # warm-up.
    t_warm = t_start + SOAK_WARMUP
    minute1 = [s for s in samples if s[1] == pid0 and 0 <= s[0] - t_warm <= 60]
    minute_n = [s for s in samples if s[1] == pid0 and t_end - s[0] <= 60]
    flat = {}
    for i, what in ((2, "VmRSS"), (3, "open descriptors")):
        a = statistics.median(s[i] for s in minute1) if minute1 else 0
        b = statistics.median(s[i] for s in minute_n) if minute_n else 0
        flat[what] = (a, b, (b - a) / a * 100 if a else float("inf"))
    fresh = [a for a in adds if a is not None]
    gone = [r for r in removes if r is not None]
    non200 = {k: v for k, v in statuses.items() if k != 200}

    def dist(xs):
        return (f"median {ms(statistics.median(xs))}, max {ms(max(xs))}" if xs else "none")
    t.add("wrk requests (requests/s)", f"{w['requests']:,} ({w['rps']:,.0f}/s)")
    t.add("wrk p50 / p99", f"{w['p50']:.2f} ms / {w['p99']:.2f} ms")
    t.add("wrk non-2xx answers / socket errors", f"{w['non2xx']:,} / {w['socket']:,}")
    t.add("rewrites (versions written); time each save took"
          + (" (the file is empty or short meanwhile)" if SOAK_WRITE != "rename" else ""),
          f"{last:,}; {dist(saves)}"
          # A post still broken a second after its write is said (SITE_SETTLE_MS): a save
          # that took longer (the writer descheduled under the load) is logged, rightly.
          + (f"; {sum(1 for x in saves if x >= 1.0)} took 1 s or more"
             if SOAK_WRITE != "rename" else ""))
    t.add("checker fetches", f"{seen['fetches']:,}")
    t.add("… 200 and one complete version", f"{seen['complete']:,}")
    t.add("… mixed versions", f"{seen['mixed']:,}")
    t.add("… incomplete (a marker missing)", f"{seen['incomplete']:,}")
    t.add("… not 200", ", ".join(f"{k}: {v:,}" for k, v in sorted(non200.items(), key=str))
          or "0")
    t.add("… stale (> 50 ms behind the writes)", f"{seen['stale']:,}"
          + (f"; the version due had been whole {dist(lags)}; quire's socket asked right "
             f"after: still stale {seen['stale_direct']:,} times" if lags else ""))
    t.add("post added → answers 200", f"{dist(fresh)} ({len(adds) - len(fresh)} of "
          f"{len(adds)} not within 2 s)")
    t.add("post removed → answers 404", f"{dist(gone)} ({len(removes) - len(gone)} of "
          f"{len(removes)} not within 2 s)")
    t.add("answers other than 200/404 while polling those", f"{len(add_errors)}")
    t.add("after the run: the last version served", f"{final[0]}, v{final[1]} of v{last}")
    t.add("worker VmRSS: start → end (max)",
          f"{mb(rss[0])} → {mb(rss_end)} (max {mb(max(rss + [rss_end]))})")
    by_minute = {}
    for s_ in samples:
        if s_[1] == pid0:
            by_minute.setdefault(int((s_[0] - t_start) // 60), []).append(s_[2])
    t.add("worker VmRSS, median of each minute (the warm-up's included)",
          ", ".join(mb(statistics.median(v)) for _, v in sorted(by_minute.items())))
    for what, (a, b, grown) in flat.items():
        show = mb if what == "VmRSS" else (lambda n: f"{n:.0f}")
        t.add(f"worker {what}: first minute after the warm-up → last minute "
              "(medians of 1 s samples)",
              f"{show(a)} → {show(b)} ({grown:+.1f} %)")
        if grown >= 5:
            t.problems.append(f"worker {what} grew {grown:.1f} % from the first minute to the last")
    t.add("worker process", "the same throughout" if pid1 == pid0 and
          all(s[1] == pid0 for s in samples) else f"replaced: {pid0} → {pid1}")
    t.add("quire log: errors / warnings", f"{len(errors)} / {len(warns)}")
    for kind, lines in (("error", errors), ("warning", warns)):
        common = {}
        for line in lines:
            key = re.sub(r"\d+", "N", line.replace(q.dir, "SITE"))[:140]
            common[key] = common.get(key, 0) + 1
        for key, count in sorted(common.items(), key=lambda kv: -kv[1])[:3]:
            t.notes.append(f"log {kind} ×{count}: `{key}`")
    for e in examples:
        t.notes.append(f"example of a bad body: {e}")
    if w["non2xx"] or w["socket"]:
        t.problems.append(f"wrk: {w['non2xx']} non-2xx answers, {w['socket']} socket errors")
    if seen["mixed"] or seen["incomplete"]:
        t.problems.append(f"{seen['mixed']} mixed and {seen['incomplete']} incomplete bodies")
    if non200:
        t.problems.append(f"checker: answers other than 200: {non200}")
    if final != ("complete", last):
        t.problems.append(f"after the run {SOAK_ROUTE} is {final}, not v{last}")
    if pid1 != pid0:
        t.problems.append("the worker was replaced during the soak")
    if add_errors:
        t.problems.append(f"{len(add_errors)} answers other than 200/404 for added posts: "
                          f"{add_errors[:3]}")
    return t


# Each benchmark is a function that starts what it needs, stops it before returning (with
# blocks), and returns a Table. They run in this order; the command line may name some.
SEARCH_WORDS = ["rust", "compiler", "async", "borrow", "cargo", "release", "unsafe", "macro",
                "trait", "wasm", "team", "survey", "lifetime", "closure", "iterator", "thread"]
SEARCH = os.path.join(BUILD, "search_bench")


def search_wrk(q):
    """wrk at 16 connections for SECONDS, each request a word of SEARCH_WORDS and a page of
    1 to 3 in turn: requests/s, p50 and p99 in ms, answers not 2xx or 3xx (or None)."""
    script = os.path.join(q.dir, "queries.lua")
    with open(script, "w") as f:
        f.write("local words = {" + ", ".join(f'"{w}"' for w in SEARCH_WORDS) + "}\n"
                "local i = 0\nrequest = function()\n  i = i + 1\n"
                "  return wrk.format(nil, '/search?q=' .. words[i % #words + 1] .. "
                "'&page=' .. (i % 3 + 1))\nend\n")
    print(f"bench: search: wrk -c16 {SECONDS} s", file=sys.stderr, flush=True)
    out = subprocess.run(["wrk", "-t2", "-c16", f"-d{SECONDS}s", "--latency", "-s", script,
                          f"http://127.0.0.1:{q.port}/"], capture_output=True, text=True,
                         timeout=SECONDS + 60).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", out, re.M)
        v = float(m.group(1))
        return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct(50), pct(99), non2xx.group(1) if non2xx else None


def search():
    """Search on a generated 10,000-post site: the index made from nothing and its size, a
    query in process against a naive scan of every post's text for the same word, queries
    through nginx at 16 connections (the render cache off, so that each is a search; and as
    shipped, where repeated queries come from the render cache), an edit searchable after
    its write, and a CGI search at 1,000 posts."""
    workers = shipped_workers()
    t = Table("Search: 10,000 posts (FTS5) against a naive scan; CGI at 1,000",
              ["what", "figure", "target"])
    cfg = STATE + "cache:\n  size: 1\n"
    with started(quire_site(workers, copy_posts=False, config_extra=cfg)) as q:
        print("bench: search: generating 10,000 posts", file=sys.stderr, flush=True)
        generate_posts(q.posts, 10000)
        r = subprocess.run([SEARCH, q.config] + SEARCH_WORDS, capture_output=True, text=True,
                           timeout=600)
        if r.returncode:
            raise RuntimeError(f"search_bench failed: {r.stderr[-1500:]}")
        res = {}
        queries = []
        for line in r.stdout.splitlines():
            f = line.split()
            if f[:2] == ["result", "query"]:
                queries.append((f[2], float(f[3]), float(f[4]), int(f[5]), int(f[6])))
            elif f[:1] == ["result"]:
                res[f[1]] = float(f[2])
        t.add("index made from nothing, 10,000 posts", f"{res['build_s']:.2f} s",
              "≤ 3 s: " + verdict(res["build_s"], 3, False))
        t.add("search.db", f"{res.get('db_bytes', 0) / 1e6:.1f} MB", "")
        idx = statistics.median(x[1] for x in queries)
        scan = statistics.median(x[2] for x in queries)
        t.add("a query in process: FTS5 (10 results, with count) / naive scan, medians of "
              f"{len(queries)} words", f"{idx * 1e3:.3f} ms / {scan * 1e3:.1f} ms "
              f"({scan / idx:.0f}× faster)", "")
        q.start()
        wait_for(lambda: b"<article" in q.get("/search?q=rust")[2], 30)
        rps, p50, p99, non2xx = search_wrk(q)
        t.add("queries through nginx, 16 connections, render cache off (each answer a "
              "search): requests/s", f"{rps:,.0f}", "")
        t.add("... p50 / p99", f"{p50:.2f} ms / {p99:.2f} ms", "p99 ≤ 5 ms: " +
              verdict(p99, 5, False))
        if non2xx:
            t.problems.append(f"search: {non2xx} answers not 2xx or 3xx "
                              "(pages past the last are 404)")
        lags = []
        for k in range(5):
            word = f"zqxedit{k}word"
            t0 = time.monotonic()
            with open(os.path.join(q.posts, f"edit-{k}.md"), "w") as f:
                f.write(f"---\ntitle: Edit {k}\n---\nThe word {word} is new.\n")
            while b"<article" not in q.get("/search?q=" + word)[2]:
                if time.monotonic() - t0 > 10:
                    raise RuntimeError("an edit was not searchable within 10 s")
                time.sleep(0.002)
            lags.append(time.monotonic() - t0)
        t.add("an edit searchable after its write (FastCGI): median / worst of 5",
              f"{statistics.median(lags) * 1000:.0f} ms / {max(lags) * 1000:.0f} ms",
              "≤ 100 ms: " + verdict(max(lags) * 1000, 100, False))
        still_up(t, q, "quire")
    with started(quire_site(workers, copy_posts=False, config_extra=STATE)) as q:
        generate_posts(q.posts, 10000)
        q.start()
        wait_for(lambda: b"<article" in q.get("/search?q=rust")[2], 60)
        # Each query asked once before: what is measured is a repeated query.
        for w in SEARCH_WORDS:
            for page in (1, 2, 3):
                q.get(f"/search?q={w}&page={page}")
        rps, p50, p99, _ = search_wrk(q)
        t.add("the same, the render cache as shipped, each query asked once before (a "
              "repeated query is answered from the cache): requests/s", f"{rps:,.0f}", "")
        t.add("... p50 / p99", f"{p50:.2f} ms / {p99:.2f} ms", "p99 ≤ 5 ms: " +
              verdict(p99, 5, False))
        still_up(t, q, "quire")
    with started(quire_site(workers, copy_posts=False, config_extra=STATE)) as q:
        generate_posts(q.posts, 1000)
        env = {"QUIRE_CONFIG": q.config, "PATH": os.environ.get("PATH", ""),
               "GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET"}
        first = time.monotonic()
        subprocess.run([QUIRE], env={**env, "REQUEST_URI": "/search?q=rust"},
                       capture_output=True, check=True, timeout=60)
        first = time.monotonic() - first
        times = []
        for k in range(21):
            t0 = time.monotonic()
            p = subprocess.run([QUIRE], env={**env, "REQUEST_URI": "/search?q="
                                             + SEARCH_WORDS[k % len(SEARCH_WORDS)]},
                               capture_output=True, timeout=60)
            times.append(time.monotonic() - t0)
            if not p.stdout.startswith(b"Status: 200"):
                t.problems.append(f"CGI search answered {p.stdout[:40]!r}")
                break
        med = statistics.median(times)
        t.add("CGI search at 1,000 posts, index current: median of 21 (wall, from Python)",
              ms(med), "≤ 15 ms: " + verdict(med * 1000, 15, False))
        t.add("... the first, which makes the index", ms(first), "")
    t.notes.append("generated posts: the corpus's posts in turn (tests/bench/bench.py "
                   "generate_posts); words: " + " ".join(SEARCH_WORDS))
    t.notes.append("in process: build/bench/search_bench (tests/bench/search_bench.c): "
                   "search_run() for 10 results and the count, against strcasestr over every "
                   "post's rendered text and title held in memory (no file read)")
    return t


class BinarySite(Site):
    """A Site served by another build of quire, with that checkout's conf/ (its layouts and
    stylesheet, as it shipped)."""

    def __init__(self, binary, top, **kw):
        super().__init__(**kw)
        self.binary = binary
        config = open(self.config).read()
        shutil.rmtree(self.conf)
        shutil.copytree(os.path.join(top, "conf"), self.conf)
        with open(self.config, "w") as f:
            f.write(config)

    def start_quire(self):
        with open(self.log, "ab") as logf:
            self.quire = subprocess.Popen([self.binary, "-c", self.config, "-s", self.sock],
                                          stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        if not wait_for(lambda: os.path.exists(self.sock) or self.quire.poll() is not None) \
                or self.quire.poll() is not None:
            raise RuntimeError(f"{self.binary} did not start: " + self.read_log())


BASE = os.environ.get("BENCH_BASE", "HEAD~1")
BASE_ROUNDS = int(os.environ.get("BENCH_BASE_ROUNDS", "3"))
# Seconds a first start is left running before the restarts: what a worker does in the
# background once serving (the search index, made from nothing) is done by then.
SETTLE = int(os.environ.get("BENCH_SETTLE", "20"))


def previous():
    """This checkout against BENCH_BASE (the previous commit by default), side by side in
    one run: the hot first post through nginx, and the restart time of a 10,000-post site.
    Each round measures the base, then this checkout, so that a slow spell of the machine
    falls on both; the ratios are of the medians."""
    rev = subprocess.run(["git", "-C", TOP, "rev-parse", "--short", BASE], check=True,
                         capture_output=True, text=True).stdout.strip()
    tree = tempfile.mkdtemp(prefix="quire-base-")
    try:
        subprocess.run(["git", "-C", TOP, "worktree", "add", "--detach", "-q", tree, rev],
                       check=True)
        print(f"bench: previous: building {rev}", file=sys.stderr, flush=True)
        subprocess.run(["nice", "make", "-s", "-j2", "build/quire"], cwd=tree, check=True,
                       stdout=subprocess.DEVNULL)
        return previous_run(rev, os.path.join(tree, "build", "quire"), tree)
    finally:
        subprocess.run(["git", "-C", TOP, "worktree", "remove", "--force", tree],
                       capture_output=True)
        shutil.rmtree(tree, ignore_errors=True)


def previous_run(rev, base_bin, base_top):
    workers = shipped_workers()
    builds = (("base " + rev, base_bin, base_top), ("this checkout", QUIRE, TOP))
    # The hot post also from this checkout with the base's conf/: the same layouts, so
    # about the same bytes (a theme that grew sends more of them; the engine is this).
    same = f"this checkout, {rev}'s conf/"
    hot_builds = builds + ((same, QUIRE, base_top),)
    hot = {name: [] for name, _, _ in hot_builds}
    start = {name: [] for name, _, _ in builds}
    sizes = {}
    for r in range(BASE_ROUNDS):
        for name, binary, top in hot_builds:
            site = started(BinarySite(binary, top))
            with site:
                with open(site.config) as f:
                    text = re.sub(r"^workers:.*\n", "", f.read(), flags=re.M)
                with open(site.config, "w") as f:
                    f.write(text + f"workers: {workers}\n")
                site.start()
                status, _, page = site.get(FIRST)
                if status != 200:
                    raise RuntimeError(f"{name}: {FIRST} answered {status}")
                sizes[name] = len(page)
                print(f"bench: previous: round {r + 1}, {name}: wrk {SECONDS} s",
                      file=sys.stderr, flush=True)
                hot[name].append(wrk(f"http://127.0.0.1:{site.port}{FIRST}"))
    # One set of posts for both, as the corpus is and then tagged; each build its own
    # state folder.
    posts = tempfile.mkdtemp(prefix="quire-base-posts-")
    tagged = {name: [] for name, _, _ in builds}
    try:
        routes = generate_posts(posts, 10000)
        probe = routes[len(routes) // 2]
        for kind in (start, tagged):
            if kind is tagged:
                tag_posts(posts)
            for name, binary, top in builds:
                site = started(BinarySite(binary, top, copy_posts=False, config_extra=STATE))
                with site:
                    os.rmdir(site.posts)
                    os.symlink(posts, site.posts)
                    # The first start writes the state store (and the search index, in
                    # the background: it is given time to finish); the restarts read them.
                    for i in range(1 + BASE_ROUNDS):
                        dt, status, _ = start_timed(site, probe, binary=binary)
                        if status != 200:
                            raise RuntimeError(f"{name}: {probe} answered {status}")
                        if i > 0:
                            kind[name].append(dt)
                        else:
                            time.sleep(SETTLE)
                        site.stop()
                    os.unlink(site.posts)
                    os.mkdir(site.posts)
    finally:
        shutil.rmtree(posts, ignore_errors=True)
    t = Table(f"This checkout against {rev}: the hot post and the start at 10,000 posts",
              ["what", f"base {rev}", "this checkout", "this / base", "target"])
    t.notes.append(f"{BASE_ROUNDS} rounds, each the base then this checkout; medians. Each "
                   "build with its own conf/ (layouts as it shipped): the first post is "
                   + " and ".join(f"{sizes[n]:,} bytes ({n})" for n, _, _ in builds))
    t.notes.append("hot post: wrk -t2 -c64 through nginx (deploy/nginx/make-conf.sh), "
                   f"`workers: {workers}`; start: a restart of a 10,000-post site (the state "
                   "store and search index written by a first start left running BENCH_SETTLE "
                   f"= {SETTLE} s), Popen to the first answer of the middle "
                   "post over the raw socket; tagged: the same posts, each that names none "
                   "given 3 tags of 300 and 1 category of 5 (tests/bench/bench.py tag_posts)")
    b, c = builds[0][0], builds[1][0]
    rb = statistics.median(x["rps"] for x in hot[b])
    rc = statistics.median(x["rps"] for x in hot[c])
    pb = statistics.median(x["p99"] for x in hot[b])
    pc = statistics.median(x["p99"] for x in hot[c])
    sb, sc = statistics.median(start[b]), statistics.median(start[c])
    t.add("hot post, requests/s", f"{rb:,.0f}", f"{rc:,.0f}", f"{rc / rb:.3f}",
          "≥ 0.95: " + verdict(rc / rb, 0.95, True))
    t.add("hot post, p99 ms", f"{pb:.2f}", f"{pc:.2f}", f"{pc / pb:.3f}", "")
    rs = statistics.median(x["rps"] for x in hot[same])
    t.add(f"hot post, this checkout with {rev}'s conf/ ({sizes[same]:,} bytes): requests/s",
          f"{rb:,.0f}", f"{rs:,.0f}", f"{rs / rb:.3f}", "")
    t.add("restart at 10,000 posts → first answer", ms(sb), ms(sc), f"{sc / sb:.3f}",
          "≤ 1.05: " + verdict(sc / sb, 1.05, False))
    tb, tc = statistics.median(tagged[b]), statistics.median(tagged[c])
    t.add("restart at 10,000 tagged posts → first answer", ms(tb), ms(tc), f"{tc / tb:.3f}",
          "")
    t.add("each round's requests/s", " ".join(f"{x['rps']:,.0f}" for x in hot[b]),
          " ".join(f"{x['rps']:,.0f}" for x in hot[c]), "", "")
    t.add("each restart", " ".join(ms(x) for x in start[b]), " ".join(ms(x) for x in start[c]),
          "", "")
    for name in hot:
        for x in hot[name]:
            if x["non2xx"] or x["socket"]:
                t.problems.append(f"{name}: {x['non2xx']} non-2xx, {x['socket']} socket errors")
    return t


def timed(cmd, runs, prepare=None):
    """cmd (a list) run runs times, each after prepare() when given: wall times in ms (mean,
    min, max) and the largest resident size in MB any run reached (getrusage's maxrss)."""
    times, rss = [], 0
    for _ in range(runs):
        if prepare:
            prepare()
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(p.pid, 0)
        times.append((time.monotonic() - t0) * 1000)
        err = p.stderr.read().decode(errors="replace")
        p.stderr.close()
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise RuntimeError(f"{' '.join(cmd)} exited {status}: {err[-1500:]}")
        rss = max(rss, ru.ru_maxrss / 1024)
    return {"mean": statistics.mean(times), "min": min(times), "max": max(times),
            "rss": rss, "runs": runs}


def authoring():
    """quire export of the generated 1,000-post site against Debian's Hugo building the same
    posts, and of 10,000 (does its cost grow faster than the posts?); quire check of 10,000;
    the export served by nginx first (deploy/nginx/quire-static.conf) against nginx serving
    the same file by its own name; an edit through quire export --watch and that nginx."""
    t = Table("Authoring: quire export and check, and the export served by nginx",
              ["what", "mean ms", "min ms", "max ms", "max RSS MB", "runs", "ratio / target"])
    rows = {}
    # What is written goes to memory (tmpfs) where there is one, for quire and Hugo alike:
    # ext4 making and removing thousands of files measures the disk's allocator.
    shm = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
    for n in (1000, 10000):
        with Site(copy_posts=False) as q:
            generate_posts(q.posts, n)
            written = tempfile.mkdtemp(prefix="quire-bench-", dir=shm)
            out = os.path.join(written, "out")
            runs = 5 if n == 1000 else 3
            rows[f"export {n}"] = timed([QUIRE, "-c", q.config, "export", out], runs,
                                        lambda: shutil.rmtree(out, ignore_errors=True))
            rows[f"again {n}"] = timed([QUIRE, "-c", q.config, "export", out], runs)
            rows[f"check {n}"] = timed([QUIRE, "-c", q.config, "check"], runs)
            if n == 1000:
                hdir = os.path.join(q.dir, "hugo")
                hugo_site(hdir, q.posts)
                public = os.path.join(written, "public")
                rows["hugo 1000"] = timed(["hugo", "--quiet", "-s", hdir, "--cacheDir",
                                           f"{hdir}/cache", "-d", public], runs,
                                          lambda: shutil.rmtree(public, ignore_errors=True))
            shutil.rmtree(written, ignore_errors=True)
    e1, e10, h = rows["export 1000"], rows["export 10000"], rows["hugo 1000"]
    faster = h["mean"] / e1["mean"]
    growth = (e10["mean"] / e1["mean"]) / 10
    for key, label, ratio in (
            ("export 1000", "quire export, 1,000 posts, into an empty folder",
             f"Hugo / quire {verdict(faster, 20, True)}"),
            ("hugo 1000", "hugo --quiet, the same 1,000 posts (public/ removed first)", ""),
            ("again 1000", "quire export again, nothing changed (nothing written)", ""),
            ("export 10000", "quire export, 10,000 posts",
             f"per post, against 1,000: {verdict(growth, 1.2, False)}"),
            ("again 10000", "quire export again, 10,000 posts", ""),
            ("check 1000", "quire check, 1,000 posts", ""),
            ("check 10000", "quire check, 10,000 posts",
             f"{verdict(rows['check 10000']['mean'] / 1000, 2, False)} s")):
        r = rows[key]
        t.add(label, f"{r['mean']:.0f}", f"{r['min']:.0f}", f"{r['max']:.0f}",
              f"{r['rss']:.1f}", r["runs"], ratio)
    t.notes.append("the generated site: the rust-blog corpus's posts in turn "
                   "(generate_posts); quire's whole processes, each export into a folder "
                   "removed before the run (but the \"again\" rows); Hugo as in the hugo "
                   "benchmark's minimal site, public/ removed before each build; both write "
                   f"into {shm or 'the temporary folder'} (hugo -d)")
    t.notes.append("growth: (10,000-post export / 1,000-post export) / 10; ≤ 1.2 means the "
                   "cost grows no faster than the number of posts (give or take 20 %)")

    # The export served by nginx first; quire behind it for the rest.
    with started(quire_site(shipped_workers())) as q:
        out = os.path.join(q.dir, "public")
        r = subprocess.run([QUIRE, "-c", q.config, "export", out], capture_output=True,
                           text=True)
        if r.returncode:
            raise RuntimeError(f"quire export: {r.stdout}{r.stderr}")
        q.export_dir = out
        q.start()
        with open(os.path.join(out, FIRST[1:] + ".html"), "rb") as f:
            page = f.read()
        # The reference: the same bytes from the theme's /static/ location (an alias,
        # no try_files), as the fastcgi benchmark's static file.
        shutil.copy(os.path.join(out, FIRST[1:] + ".html"),
                    os.path.join(q.conf, "static", "first-post.html"))
        a = measure(t, "nginx static, the same bytes", q, "/static/first-post.html", page)
        b = measure(t, "nginx, quire-static.conf: the post's address", q, FIRST, page)
        still_up(t, q, "quire")
        with started(quire_site(shipped_workers(), microcache=True)) as m:
            m.start()
            status, _, mpage = m.get(FIRST)
            if status != 200:
                raise RuntimeError(f"micro-cache: {FIRST} answered {status}")
            mc = measure(t, "nginx micro-cache → quire", m, FIRST, mpage)
            still_up(t, m, "quire")
        watcher = subprocess.Popen([QUIRE, "-c", q.config, "export", "--watch", out],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            time.sleep(1)
            post = os.path.join(q.posts, FIRST[1:] + ".md")
            with open(post, "rb") as f:
                text = f.read()
            lags = []
            for i in range(20):
                mark = f"edit-{i}-{time.time()}".encode()
                t0 = time.monotonic()
                with open(post + ".tmp", "wb") as f:
                    f.write(text + b"\n" + mark + b"\n")
                os.rename(post + ".tmp", post)
                while time.monotonic() - t0 < 5:
                    if mark in q.get(FIRST)[2]:
                        break
                lags.append((time.monotonic() - t0) * 1000)
                time.sleep(0.2)
            with open(post, "wb") as f:
                f.write(text)
        finally:
            watcher.send_signal(signal.SIGTERM)
            watcher.wait(30)
    ratio = b["rps"] / a["rps"]
    t.add("nginx static: the same bytes from /static/ (the reference)", "", "", "", "", "",
          f"{a['rps']:,.0f} req/s, p99 {a['p99']:.2f} ms")
    t.add("nginx: the post's address, quire-static.conf (try_files)", "", "", "", "", "",
          f"{b['rps']:,.0f} req/s, p99 {b['p99']:.2f} ms: {verdict(ratio, 0.95, True)}")
    t.add("nginx micro-cache → quire, the same post (quire-microcache.conf)", "", "", "", "",
          "", f"{mc['rps']:,.0f} req/s, p99 {mc['p99']:.2f} ms: the export "
          f"{b['rps'] / mc['rps']:.2f} × this")
    lags.sort()
    t.add("an edit visible through nginx (quire export --watch), 20 edits", f"{statistics.mean(lags):.0f}",
          f"{lags[0]:.0f}", f"{lags[-1]:.0f}", "", len(lags),
          f"p50 {lags[len(lags) // 2]:.0f} ms, worst {verdict(lags[-1], 100, False)} ms")
    t.notes.append("the static rows: wrk -t2 -c64 on the first post, the same nginx "
                   "(deploy/nginx/make-conf.sh with STATIC_EXPORT), the same bytes; an edit: "
                   "the post written aside and renamed, then asked of nginx until the new "
                   "text is there (each ask a new connection)")
    return t


BENCHMARKS = {
    "fastcgi": fastcgi,
    "microcache": microcache,
    "cold": cold,
    "renderer": renderer,
    "scale": scale,
    "cgi": cgi,
    "hugo": hugo,
    "soak": soak,
    "previous": previous,
    "search": search,
    "authoring": authoring,
}


def main():
    # SIGTERM unwinds like Ctrl-C, through the with blocks that stop everything.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        sys.exit(f"bench: unknown benchmark {' '.join(unknown)}; known: {' '.join(BENCHMARKS)}")
    ensure_packages()
    build()
    env = environment()
    tables = []
    try:
        for name in names:
            try:
                tables.append(BENCHMARKS[name]())
            except (RuntimeError, OSError, subprocess.SubprocessError, KeyError,
                    ValueError) as e:
                # One benchmark that cannot run is reported; the others still run.
                t = Table(f"{name}: did not run to the end", ["what"])
                t.problems.append(f"{name}: {e.__class__.__name__}: {e}"[:1500])
                tables.append(t)
                print(f"bench: {name} failed: {e}", file=sys.stderr)
    finally:
        left = leftovers()
        if left:
            print("bench: PROBLEM: still running or bound after the run: " + ", ".join(left),
                  file=sys.stderr)

    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    section = f"## {when}\n\n" + "".join(f"- {e}\n" for e in env) + "\n" + \
        "\n".join(t.markdown() for t in tables)
    new = not os.path.exists(RESULTS)
    with open(RESULTS, "a") as f:
        f.write("# quire benchmark results\n\nAppended by tests/bench/bench.py "
                "(`make bench`), newest last.\n" if new else "")
        f.write("\n" + section)
    print(section)
    problems = [p for t in tables for p in t.problems] + \
        ([f"left behind: {', '.join(left)}"] if left else [])
    for p in problems:
        bar = "!" * 78
        print(f"{bar}\nBENCHMARK PROBLEM: {p}\n{bar}", file=sys.stderr)
    print(f"bench: results appended to {os.path.relpath(RESULTS, TOP)}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("bench: interrupted; everything it started is stopped", file=sys.stderr)
        sys.exit(130)
