"""harness.py — what the end-to-end tests share: free ports, a private site, quire
and nginx started and always stopped, HTTP and FastCGI clients, PASS/FAIL lines."""
import http.client
import os
import random
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
QUIRE = os.environ.get("QUIRE_BIN", os.path.join(TOP, "build", "quire"))
# The sanitizer builds run some times slower: every wait and every bound on how long
# something may take is this many times wider for them (bound()).
SLOW = 4 if re.search(r"/[at]san/", QUIRE) else 1


def bound(seconds):
    """A time limit for the build under test: seconds for the plain build, SLOW times
    that under a sanitizer."""
    return seconds * SLOW
SUITE = os.environ.get("SUITE_PREFIX", "")
failures = 0


def check(suite, name, ok, why=""):
    """One PASS or FAIL line, as tests/run.sh counts them."""
    global failures
    if ok:
        print(f"PASS {SUITE}{suite}: {name}", flush=True)
    else:
        failures += 1
        why = str(why).replace("\n", "\\n")[:600]
        print(f"FAIL {SUITE}{suite}: {name}: {why}", flush=True)
    return ok


_claimed = []


def free_port():
    """A loopback TCP port for a server a test starts, picked without a race: outside the
    kernel's range of ephemeral ports (so no client socket takes it in the meantime),
    claimed for the life of this process by an abstract Unix socket named after it (so
    no other test process picks it; nothing on disk, gone when the process ends), and
    free to bind now."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            lo, hi = (int(x) for x in f.read().split())
    except (OSError, ValueError):
        lo, hi = 32768, 60999
    ports = list(range(10000, lo)) if lo > 11000 else list(range(hi + 1, 65536))
    start = random.randrange(len(ports))
    for port in ports[start:] + ports[:start]:
        claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            claim.bind(f"\0quire-test-port-{port}")
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))
        except OSError:
            claim.close()
            continue
        _claimed.append(claim)
        return port
    raise RuntimeError("no free loopback port")


def wait_for(cond, timeout=5.0):
    end = time.monotonic() + bound(timeout)
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


class Site:
    """A temporary site: conf/ copied from the checkout, posts/ to fill, a log."""

    def __init__(self, config_extra="", mount="/", copy_posts=True, microcache=False):
        self.dir = tempfile.mkdtemp(prefix="quire-e2e-")
        self.posts = os.path.join(self.dir, "posts")
        self.conf = os.path.join(self.dir, "conf")
        shutil.copytree(os.path.join(TOP, "conf"), self.conf)
        if copy_posts:
            shutil.copytree(os.path.join(TOP, "posts"), self.posts)
        else:
            os.mkdir(self.posts)
        self.config = os.path.join(self.conf, "test.yaml")
        self.mount = mount
        self.microcache = microcache
        self.port = free_port()
        with open(self.config, "w") as f:
            f.write(
                "site:\n  title: Test site\n"
                f"  base_url: http://127.0.0.1:{self.port}\n"
                f"mount: {mount}\nposts: ../posts\nlayouts: layouts\nworkers: 16\n"
                "allow_root: true\n"
                + config_extra
            )
        self.sock = os.path.join(self.dir, "quire.sock")
        self.log = os.path.join(self.dir, "quire.log")
        self.quire = None
        self.nginx = None
        self.static = None  # the site's static folder, for nginx to serve itself
        self.export_dir = None  # an export nginx serves first (quire-static.conf)

    def write_post(self, name, text):
        path = os.path.join(self.posts, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def start_quire(self):
        logf = open(self.log, "ab")
        self.quire = subprocess.Popen(
            [QUIRE, "-c", self.config, "-s", self.sock],
            stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        logf.close()
        if not wait_for(lambda: os.path.exists(self.sock) or self.quire.poll() is not None):
            raise RuntimeError("quire did not create its socket")
        if self.quire.poll() is not None:
            raise RuntimeError("quire exited: " + self.read_log())

    def start_nginx(self):
        rundir = os.path.join(self.dir, "nginx")
        os.mkdir(rundir)
        conf = subprocess.run(
            ["sh", os.path.join(TOP, "deploy", "nginx", "make-conf.sh"), str(self.port),
             self.sock, os.path.join(self.conf, "static"), rundir,
             os.path.join(rundir, "error.log"), self.mount] + ([self.static] if self.static else []),
            check=True, capture_output=True, text=True,
            env=dict(os.environ, MICROCACHE="1" if self.microcache else "0",
                     STATIC_EXPORT=self.export_dir or "")).stdout
        with open(os.path.join(rundir, "nginx.conf"), "w") as f:
            f.write(conf)
        self.nginx = subprocess.Popen(
            ["nginx", "-p", rundir, "-c", os.path.join(rundir, "nginx.conf"),
             "-g", "daemon off;"], stdin=subprocess.DEVNULL)

        def up():
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                return True
            except OSError:
                return False
        if not wait_for(up):
            raise RuntimeError("nginx did not start")

    def restart_quire(self):
        """Stop quire (SIGTERM) and start it again; nginx stays."""
        self.quire.send_signal(signal.SIGTERM)
        self.quire.wait(5)
        self.start_quire()

    def terminate(self, timeout=3):
        """SIGTERM to quire; its exit status (None if still running after timeout)
        and the seconds it took."""
        t0 = time.monotonic()
        self.quire.send_signal(signal.SIGTERM)
        try:
            rc = self.quire.wait(timeout)
        except subprocess.TimeoutExpired:
            rc = None
        return rc, time.monotonic() - t0

    def start(self):
        self.start_quire()
        self.start_nginx()
        return self

    def read_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.nginx and self.nginx.poll() is None:
            self.nginx.send_signal(signal.SIGQUIT)
            try:
                self.nginx.wait(5)
            except subprocess.TimeoutExpired:
                self.nginx.kill()
                self.nginx.wait()
        if self.quire and self.quire.poll() is None:
            self.quire.send_signal(signal.SIGTERM)
            try:
                self.quire.wait(5)
            except subprocess.TimeoutExpired:
                self.quire.kill()
                self.quire.wait()

    def cleanup(self):
        self.stop()
        report = sanitizer_report(self.read_log())
        if report:
            check("sanitizer", "report in quire's log", False, report)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def get(self, path, method="GET", headers=None, body=None):
        """One HTTP request on a new connection; path is sent exactly as given."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            c.putrequest(method, path, skip_accept_encoding=True)
            for k, v in (headers or {}).items():
                c.putheader(k, v)
            if body is not None:
                c.putheader("Content-Length", str(len(body)))
            c.endheaders(body)
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            c.close()


class Load:
    """Clients asking nginx for path on new connections until stopped. results holds
    each answer's status, -1 for a 200 that is not the whole page (its Content-Length
    short, or want missing), or the name of the error a client met."""

    def __init__(self, site, path, clients=3, want=b"</html>"):
        self.site, self.path, self.want, self.stopping = site, path, want, False
        self.results = []
        self.threads = [threading.Thread(target=self.run) for _ in range(clients)]

    def run(self):
        while not self.stopping:
            try:
                st, h, body = self.site.get(self.path)
                whole = h.get("content-length") == str(len(body)) and self.want in body
                self.results.append(st if st != 200 or whole else -1)
            except OSError as e:
                self.results.append(type(e).__name__)
                time.sleep(0.01)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stopping = True
        for t in self.threads:
            t.join(15)
        return False


def sanitizer_report(text):
    """The first line of an ASan/UBSan/LSan report in text, or None."""
    for line in text.splitlines():
        if "ERROR: AddressSanitizer" in line or "runtime error:" in line or \
                "WARNING: ThreadSanitizer" in line or \
                "ERROR: LeakSanitizer" in line:
            return line
    return None


def fcgi_record(rtype, rid, content=b""):
    return struct.pack("!BBHHBB", 1, rtype, rid, len(content), 0, 0) + content


def fcgi_params(pairs):
    out = b""
    for k, v in pairs:
        for n in (len(k), len(v)):
            out += bytes([n]) if n < 128 else struct.pack("!I", n | 0x80000000)
        out += k + v
    return out


# BEGIN_REQUEST for request 1, role responder, no kept connection.
FCGI_BEGIN = fcgi_record(1, 1, struct.pack("!HB5x", 1, 0))


def fcgi_request(addr, params, timeout=5, body_ends=True):
    """Send one FastCGI request straight to quire's socket (a Unix socket's path, or a
    (host, port) pair); return its stdout bytes. With body_ends false no STDIN record
    is sent: the request body never arrives."""
    msg = FCGI_BEGIN
    stream = fcgi_params(params)
    # A record holds at most 65535 bytes: a longer stream goes in several.
    for at in range(0, len(stream), 65535):
        msg += fcgi_record(4, 1, stream[at:at + 65535])
    msg += fcgi_record(4, 1) + (fcgi_record(5, 1) if body_ends else b"")
    return fcgi_exchange(addr, msg, timeout)


def fcgi_exchange(addr, msg, timeout=5, close_write=False):
    """Send the bytes msg (FastCGI records) to addr, shutting the sending side after
    them when close_write; return the stdout bytes received until END_REQUEST or the
    end of the connection."""
    s = socket.socket(socket.AF_UNIX if isinstance(addr, str) else socket.AF_INET)
    s.settimeout(timeout)
    s.connect(addr)
    try:
        s.sendall(msg)
        if close_write:
            s.shutdown(socket.SHUT_WR)
        return fcgi_read(s)
    finally:
        s.close()


def fcgi_read(s):
    """The stdout bytes received on the socket s until END_REQUEST or its end."""
    out = b""
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            return out
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen, _ = struct.unpack("!BBHHBB", buf[:8])
            if len(buf) < 8 + clen + plen:
                break
            if rtype == 6:
                out += buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == 3:
                return out


def cgi_parse(raw):
    """(status, headers, body) from an HTTP response or a CGI one ("Status: 404 ...")."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    fields = lines[0].split()
    status = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        headers[k.decode("latin-1").lower()] = v.strip().decode("latin-1")
    return status, headers, body


def processes(field, value):
    """The live processes whose /proc/PID/stat field (0: state, 1: parent, 2: process
    group) is value."""
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                if int(fields[field]) == value and fields[0] != "Z":
                    found.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return found


def threads(pid):
    """How many threads process pid has (0 when it is gone)."""
    try:
        return len(os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return 0


def status_kb(pid, field="VmRSS"):
    """A /proc/PID/status figure in kB (VmRSS, VmHWM), or -1."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def serving(pid):
    """The worker processes of the supervisor pid that serve: those with a pool of
    threads. A spare waiting to take over, or a worker still loading, has one thread,
    and two under ThreadSanitizer (its own background thread)."""
    return [k for k in processes(1, pid) if threads(k) > 2]


def spares(pid):
    """The supervisor's children that do not serve (a waiting spare, a worker loading)."""
    return [k for k in processes(1, pid) if 0 < threads(k) <= 2]


def spare_ready(pid):
    """Whether a spare of the supervisor pid has loaded and waits, blocked reading the
    pipe it is told to serve by (its kernel wait channel says so)."""
    for k in spares(pid):
        try:
            with open(f"/proc/{k}/wchan") as f:
                if "pipe_read" in f.read():
                    return True
        except OSError:
            pass
    return False


def finish():
    sys.exit(1 if failures else 0)
