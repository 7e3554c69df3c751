#!/usr/bin/python3
"""bench.py — quire's benchmarks, each side by side with its references in one run.

Usage: python3 tests/bench/bench.py [BENCHMARK...]   (default: all of BENCHMARKS, in order)
Env:   BENCH_SECONDS  length of each wrk run (default 10)
       QUIRE_BIN      quire to measure (default build/quire, built with make)

Prints one table per benchmark and appends them, dated, to tests/bench/RESULTS.md. A run
with errors (non-2xx answers, socket errors, a process that died) says so loudly, in the
results too, and exits 1. Everything started is stopped on the way out, Ctrl-C included.
"""
import datetime
import os
import re
import shutil
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from harness import QUIRE, TOP, Site, wait_for  # noqa: E402

HERE = os.path.join(TOP, "tests", "bench")
BUILD = os.path.join(TOP, "build", "bench")
BARE = os.path.join(BUILD, "bare_fcgi")
RESULTS = os.path.join(HERE, "RESULTS.md")
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WRK = ["wrk", "-t2", "-c64", f"-d{SECONDS}s", "--latency"]
# Debian packages the benchmarks use; hyperfine is for the CGI benchmark to come.
PACKAGES = ["gcc", "make", "pkg-config", "libfcgi-dev", "nginx", "wrk", "hyperfine"]
FIRST = "/on-node-go-concurrency"
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
    """build/quire with make (unless QUIRE_BIN names another), build/bench/bare_fcgi with cc."""
    if "QUIRE_BIN" not in os.environ:
        if subprocess.run(["make", "--no-print-directory", "-C", TOP, "build/quire"]).returncode:
            sys.exit("bench: `make build/quire` failed (see above)")
    src = os.path.join(HERE, "bare_fcgi.c")
    if os.path.exists(BARE) and os.path.getmtime(BARE) >= os.path.getmtime(src):
        return
    os.makedirs(BUILD, exist_ok=True)
    fcgi = subprocess.run(["pkg-config", "--cflags", "--libs", "fcgi"], check=True,
                          capture_output=True, text=True).stdout.split()
    subprocess.run(["cc", "-std=c11", "-O2", "-g", "-D_GNU_SOURCE", "-Wall", "-Wextra",
                    "-Werror", "-o", BARE, src] + fcgi + ["-pthread"], check=True)


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
    return [
        f"machine: {out('uname', '-srm')}, nproc {out('nproc')}, {cpu}",
        f"load average before the run: {load} (other work on the machine skews the figures)",
        f"versions: {out(QUIRE, '--version') or QUIRE}; Debian nginx {deb('nginx')}, "
        f"libfcgi {deb('libfcgi-dev')}, wrk {deb('wrk')}",
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


def wrk(url):
    """One wrk run on url: requests/s, p50 and p99 in ms, and the errors wrk counted."""
    r = subprocess.run(WRK + [url], capture_output=True, text=True)
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


# --- sites ----------------------------------------------------------------------------

def shipped_workers():
    """`workers` in conf/quire.yaml: quire is measured as it ships."""
    with open(os.path.join(TOP, "conf", "quire.yaml")) as f:
        return int(re.search(r"^workers:\s*(\d+)", f.read(), re.M).group(1))


def quire_site(workers):
    """harness's Site (conf/, posts/, quire, nginx) with `workers: workers` in its config."""
    site = Site()
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


# Each benchmark is a function that starts what it needs, stops it before returning (with
# blocks), and returns a Table. They run in this order; the command line may name some.
# To come: cold render against md4c alone, 1,000- and 10,000-post sites, CGI wall time
# with hyperfine, Hugo building the same sites.
BENCHMARKS = {
    "fastcgi": fastcgi,
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
            tables.append(BENCHMARKS[name]())
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
