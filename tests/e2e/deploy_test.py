"""deploy_test.py — quire through each deployment in deploy/, with the real servers
from Debian's packages on loopback ports: nginx in front of quire on a socket
handed over the way systemd does (systemd-socket-activate), Apache with
mod_proxy_fcgi, Apache with mod_fcgid and with mod_cgid as on shared hosting,
and two back ends behind one nginx, one of them stopped under load. The same
checks run through each; the systemd units are checked by systemd-analyze."""
import grp
import http.client
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import apache
from harness import (QUIRE, TOP, Site, check, fcgi_request, finish, free_port, processes,
                     sanitizer_report, wait_for)

FIRST = "/on-node-go-concurrency"
DEPLOY = os.path.join(TOP, "deploy")
BROKEN = "---\ntitle: Broken\norder: abc\n---\nbody\n"
LEAKS = (b"root:", b"base_url", b"order: 1", b"RewriteRule", b"\x7fELF")


def live_post(n):
    return f"---\ntitle: Live post\nroute: live\norder: 2\n---\nVersion {n} of this post.\n"


def prepare(site):
    """Posts every deployment is checked with; the folders readable by a web
    server that drops to www-data when the test runs as root."""
    os.chmod(site.dir, 0o755)
    site.write_post("live.md", live_post(1))
    site.write_post("broken.md", BROKEN)


def raw_head(port, path):
    """HEAD on a raw connection: everything the server sends, body included if any."""
    s = socket.create_connection(("127.0.0.1", port), 10)
    try:
        s.sendall(f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                  .encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    finally:
        s.close()


def post(port, path, body):
    """POST; returns the status, the headers and whether the whole body arrived."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("POST", path, body=body,
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
        r = c.getresponse()
        headers = {k.lower(): v for k, v in r.getheaders()}
        try:
            r.read()
            whole = True
        except (http.client.IncompleteRead, OSError):
            whole = False
        return r.status, headers, whole
    finally:
        c.close()


def fcgi_probe(addr, timeout=3):
    """One FastCGI request for / straight to a socket quire was handed; its output, or
    the error. Run first, so that a quire that does not answer fails fast."""
    try:
        return fcgi_request(addr, [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/")],
                            timeout)
    except OSError as e:
        return repr(e).encode()


def children(pid):
    """The processes whose parent is pid."""
    return processes(1, pid)


def wait_until(cond, timeout):
    """Like harness.wait_for, polling faster: the edit must show within timeout."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def same_checks(S, site, log_text):
    """What every deployment must do, through its web server."""
    status, h, body = site.get(FIRST)
    text = body.decode("utf-8", "replace")
    check(S, "the first post is 200 with its title",
          status == 200 and re.search(r"<title>On Node.js, Go and concurrency[^<]*</title>", text),
          (status, text[:200]))
    etag = h.get("etag", "")
    status, _, body = site.get("/")
    check(S, "the index is 200 and lists the first post",
          status == 200 and f'href="{FIRST}"'.encode() in body, (status, body[:200]))
    status, _, body = site.get("/no-such-post")
    check(S, "an unknown address is quire's 404 page",
          status == 404 and b"<!DOCTYPE html>" in body and b"Not Found" in body,
          (status, body[:200]))
    status, h, whole = post(site.port, FIRST, b"x=1")
    check(S, "POST is 405 with Allow: GET, HEAD",
          status == 405 and h.get("allow") == "GET, HEAD", (status, h.get("allow")))
    check(S, "the 405 page arrives whole (quire reads the request body it refuses)", whole,
          "the response ends early: quire exited without reading the body, so the socket "
          "to Apache was reset")
    resp = raw_head(site.port, FIRST)
    head, _, rest = resp.partition(b"\r\n\r\n")
    check(S, "HEAD is 200 with headers and no body",
          head.startswith(b"HTTP/1.1 200") and b"\r\nETag: " in head and rest == b"",
          resp[:300])
    status, _, body = site.get(FIRST, headers={"If-None-Match": etag})
    check(S, "If-None-Match with the ETag is 304 without a body",
          etag.startswith('"') and status == 304 and body == b"", (etag, status, body[:80]))
    status, h, _ = site.get("/" + FIRST)
    check(S, "//route is 301 to the route: quire sees the address as it was sent",
          status == 301 and h.get("location", "").endswith(FIRST), (status, h.get("location")))
    status, h, body = site.get("/on-node%2Dgo-concurrency")
    check(S, "a percent-encoded route is decoded once, by quire, and redirected",
          status == 301 and h.get("location", "").endswith(FIRST), (status, h.get("location")))
    for path in ("/..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd"):
        status, _, body = site.get(path)
        check(S, f"traversal {path} is 400 or 404 and shows no file",
              status in (400, 404) and not any(x in body for x in LEAKS), (status, body[:80]))
    status, h, body = site.get("/static/quire.css")
    check(S, "the web server serves the stylesheet", status == 200 and b"color" in body and
          h.get("content-type", "").startswith("text/css"), (status, h.get("content-type")))
    status, _, body = site.get("/live")
    check(S, "the live post before the edit", status == 200 and b"Version 1" in body, status)
    site.write_post("live.md", live_post(2))
    t0 = time.monotonic()
    ok = wait_until(lambda: b"Version 2" in site.get("/live")[2], 1.0)
    check(S, "an edited post shows within 1 s", ok, f"{time.monotonic() - t0:.2f} s")
    check(S, "quire's log lines are where the README says",
          re.search(r"quire: error: .*broken\.md:3: \"order\" must be a number", log_text()),
          log_text()[-600:])


def systemd_nginx():
    """quire.socket + quire.service, with systemd-socket-activate in systemd's place:
    it makes the socket, waits for the first connection and execs quire with the
    socket as descriptor 3 (LISTEN_FDS, LISTEN_PID). The command line is
    quire.service's ExecStart. nginx in front, from deploy/nginx/quire.conf."""
    S = "deploy-systemd-nginx"
    if not shutil.which("systemd-socket-activate"):
        check(S, "systemd-socket-activate is installed (Debian's systemd)", False, "")
        return
    unit = read(os.path.join(DEPLOY, "systemd", "quire.service"))
    start = re.search(r"^ExecStart=(\S+) (.*)$", unit, re.M)
    with Site() as site:
        prepare(site)
        argv = [QUIRE] + start.group(2).replace("/srv/quire/conf/quire.yaml",
                                                site.config).split()
        if os.geteuid() == 0 and shutil.which("setpriv"):
            # User=quire: quire never holds root, it is handed the socket.
            argv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + argv
        logf = open(site.log, "ab")
        site.quire = subprocess.Popen(["systemd-socket-activate", "-l", site.sock] + argv,
                                      stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        logf.close()
        if not wait_for(lambda: os.path.exists(site.sock)):
            check(S, "systemd-socket-activate made the socket", False, site.read_log())
            return
        out = fcgi_probe(site.sock)
        if not check(S, "quire answers on the socket it was handed", b"Status: 200" in out,
                     (out[:120], site.read_log()[-300:])):
            return
        site.start_nginx()
        same_checks(S, site, site.read_log)
        log = site.read_log()
        check(S, "quire took the socket it was handed (descriptor 3) and made none",
              "Listening on " in log and "as 3." in log and "serving with" in log and
              "cannot listen" not in log, log[-400:])
        if argv[0] == "setpriv":
            check(S, "quire serves as an unprivileged user", "running as root" not in log and
                  os.stat(f"/proc/{site.quire.pid}").st_uid == pwd.getpwnam("nobody").pw_uid,
                  log[-300:])
        old = children(site.quire.pid)
        site.quire.send_signal(signal.SIGHUP)
        handed = wait_for(lambda: children(site.quire.pid) and
                          not set(old) & set(children(site.quire.pid)))
        status, _, _ = site.get(FIRST)
        check(S, "systemctl reload (SIGHUP): a new worker serves, the old one leaves",
              handed and status == 200 and "SIGHUP" in site.read_log(), (handed, status))
        # systemctl reload quire, then at once systemctl stop quire: the SIGTERM comes
        # while quire stops the worker the reload replaced.
        stops = site.read_log().count("finishing requests in flight")
        site.quire.send_signal(signal.SIGHUP)
        wait_until(lambda: site.read_log().count("finishing requests in flight") > stops, 5)
        # Well within TimeoutStopSec, after which systemd would send SIGKILL.
        limit = float(re.search(r"^TimeoutStopSec=(\d+)$", unit, re.M).group(1)) / 2
        rc, took = site.terminate(limit)
        check(S, f"systemctl reload, then stop at once: exit 0 within {limit:g} s", rc == 0,
              (rc, f"{took:.2f} s", site.read_log()[-300:]))
        check(S, "quire leaves systemd's socket file alone", os.path.exists(site.sock), "")


def apache_proxy():
    """deploy/apache/quire.conf: Apache with mod_proxy_fcgi to quire's own socket."""
    S = "deploy-apache-proxy-fcgi"
    if not apache_ready(S, "proxy_fcgi"):
        return
    rundir = tempfile.mkdtemp(prefix="quire-apache-")
    os.chmod(rundir, 0o755)
    try:
        with Site() as site:
            prepare(site)
            site.start_quire()
            if os.geteuid() == 0:
                # What SocketGroup=www-data does: Apache's children may connect.
                os.chown(site.sock, -1, grp.getgrnam("www-data").gr_gid)
            server = apache.Apache(rundir, site.port, "proxy", site.sock,
                                   os.path.join(site.conf, "static"))
            try:
                server.start()
                same_checks(S, site, site.read_log)
                for path in ("/javascript/katex/katex.min.js",
                             "/javascript/katex/fonts/KaTeX_Main-Regular.woff2"):
                    status, _, body = site.get(path)
                    check(S, f"Apache serves KaTeX: {path}", status == 200 and body, status)
                status, _, body = site.get("/%252e%252e%252fetc%252fpasswd")
                check(S, "a doubly encoded traversal is quire's 404",
                      status == 404 and b"Not Found" in body, status)
            finally:
                stop_apache(S, server, site)
    finally:
        shutil.rmtree(rundir, ignore_errors=True)


def shared_hosting(mode):
    """deploy/shared-hosting: the web space holds quire.fcgi, conf/, posts/ and the
    .htaccess; Apache starts quire through mod_fcgid, or per request as CGI."""
    S = f"deploy-apache-{mode}"
    if not apache_ready(S, "fcgid" if mode == "fcgid" else "cgid"):
        return
    rundir = tempfile.mkdtemp(prefix="quire-apache-")
    os.chmod(rundir, 0o755)
    try:
        with Site() as site:
            prepare(site)
            docroot = site.dir
            prog = os.path.join(docroot, "quire.fcgi")
            shutil.copy(QUIRE, prog)
            os.chmod(prog, 0o755)
            shutil.copy(os.path.join(DEPLOY, "shared-hosting", "htaccess"),
                        os.path.join(docroot, ".htaccess"))
            conf = read(os.path.join(DEPLOY, "shared-hosting", "quire.yaml"))
            conf = conf.replace("https://example.org", f"http://127.0.0.1:{site.port}")
            with open(os.path.join(site.conf, "quire.yaml"), "w") as f:
                f.write(conf)
            state = os.path.join(docroot, "state")
            if os.geteuid() == 0:
                # Apache runs quire as www-data here: as a host with suEXEC runs it as the
                # owner of the web space, who may write state/.
                os.mkdir(state, 0o700)
                www = pwd.getpwnam("www-data")
                os.chown(state, www.pw_uid, www.pw_gid)
            server = apache.Apache(rundir, site.port, mode, docroot)
            try:
                server.start()
                same_checks(S, site, server.read_log)
                for path in ("/conf/quire.yaml", "/posts/on-node-go-concurrency.md", "/quire.fcgi",
                             "/.htaccess", "/conf/static/quire.css", "/static/..%2fquire.yaml",
                             "/static/%2e%2e/%2e%2e/conf/quire.yaml", "/state/posts",
                             "/state/routes"):
                    status, _, body = site.get(path)
                    check(S, f"{path} is 400 or 404 and shows no file",
                          status in (400, 404) and not any(x in body for x in LEAKS),
                          (status, body[:80]))
                check(S, "quire keeps its state in state/ (conf/quire.yaml \"state\")",
                      os.path.exists(os.path.join(state, "posts")), sorted(os.listdir(docroot)))
                running = apache.pids_of(prog)
                if mode == "fcgid":
                    check(S, "mod_fcgid keeps quire running between requests", running, running)
                else:
                    check(S, "CGI: no quire stays after its request", not running, running)
            finally:
                stop_apache(S, server, site, prog)
    finally:
        shutil.rmtree(rundir, ignore_errors=True)


def apache_ready(S, module):
    missing = [m for m in (apache.module_missing(module),) if m]
    if not apache.binary() or missing:
        check(S, "Apache and its module are installed (deploy/install-deps.sh)", False,
              missing or "no apache2")
        return False
    return True


def stop_apache(S, server, site, prog=None):
    left = server.stop()
    check(S, "Apache stops, and every quire it started with it", not left and
          (prog is None or not apache.pids_of(prog)), left)
    check(S, "nothing is left on the port", not apache.port_open(site.port), site.port)
    report = sanitizer_report(server.read_log())
    if report:
        check(S, "sanitizer report in Apache's error log", False, report)


def nginx_two_backends_conf(port, upstream_a, upstream_b, static, rundir):
    """deploy/nginx/quire-two-backends.conf in a complete nginx.conf, as
    deploy/nginx/make-conf.sh does for quire.conf."""
    text = read(os.path.join(DEPLOY, "nginx", "quire-two-backends.conf"))
    for old, new in (("server 10.0.0.2:9000", "server " + upstream_a),
                     ("server 10.0.0.3:9000", "server " + upstream_b),
                     ("listen 80;", f"listen 127.0.0.1:{port};"),
                     ("/srv/quire/conf/static/", static + "/"),
                     ("include fastcgi_params;", "include /etc/nginx/fastcgi_params;")):
        if old not in text:
            raise RuntimeError(f"quire-two-backends.conf has no {old!r}")
        text = text.replace(old, new)
    body = "".join("\t" + line + "\n" for line in text.splitlines())
    temps = "".join(f"\t{t}_temp_path {rundir}/{t};\n"
                    for t in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = f"user {pwd.getpwuid(os.getuid()).pw_name} {grp.getgrgid(os.getgid()).gr_name};\n"
    return (f"worker_processes 2;\npid {rundir}/nginx.pid;\n" + user +
            f"error_log {rundir}/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n\tinclude /etc/nginx/mime.types;\n\taccess_log off;\n"
            + temps + body + "}\n")


def two_backends():
    """Two quire back ends with the same posts behind one nginx: A on its own Unix
    socket, B on a TCP socket handed over as systemd does with quire-tcp.conf.
    A is stopped under load; every request must still be answered."""
    S = "deploy-nginx-two-backends"
    with Site() as site:
        prepare(site)
        with open(site.config) as f:
            conf = f.read()
        conf_b = os.path.join(site.conf, "b.yaml")
        with open(conf_b, "w") as f:
            f.write(conf.replace("title: Test site", "title: Back end B"))
        with open(site.config, "w") as f:
            f.write(conf.replace("title: Test site", "title: Back end A"))
        site.start_quire()
        port_b = free_port()
        log_b = os.path.join(site.dir, "quire-b.log")
        with open(log_b, "ab") as logf:
            quire_b = subprocess.Popen(
                ["systemd-socket-activate", "-l", f"127.0.0.1:{port_b}", QUIRE, "-c", conf_b],
                stdin=subprocess.DEVNULL, stdout=logf, stderr=logf)
        try:
            wait_for(lambda: apache.port_open(port_b) or quire_b.poll() is not None)
            out = fcgi_probe(("127.0.0.1", port_b))
            if not check(S, "back end B answers on the TCP socket it was handed",
                         b"Status: 200" in out, (out[:120], read(log_b)[-300:])):
                return
            rundir = os.path.join(site.dir, "nginx")
            os.mkdir(rundir)
            with open(os.path.join(rundir, "nginx.conf"), "w") as f:
                f.write(nginx_two_backends_conf(site.port, "unix:" + site.sock,
                                                f"127.0.0.1:{port_b}",
                                                os.path.join(site.conf, "static"), rundir))
            site.nginx = subprocess.Popen(
                ["nginx", "-p", rundir, "-c", os.path.join(rundir, "nginx.conf"),
                 "-g", "daemon off;"], stdin=subprocess.DEVNULL)
            if not wait_for(lambda: apache.port_open(site.port)):
                raise RuntimeError("nginx did not start")

            def who():
                status, _, body = site.get(FIRST)
                m = re.search(rb"<title>[^<]*\xc2\xb7 (Back end [AB])</title>", body)
                return status, m.group(1).decode() if m else None

            seen = {who()[1] for _ in range(8)}
            check(S, "both back ends answer", seen == {"Back end A", "Back end B"}, seen)
            site.write_post("live.md", live_post(2))
            ok = wait_until(lambda: all(b"Version 2" in site.get("/live")[2] for _ in range(4)),
                            1.0)
            check(S, "an edited post shows on both back ends within 1 s", ok, "")

            results, done = [], threading.Event()

            def load():
                while not done.is_set():
                    try:
                        status, name = who()
                    except OSError as e:
                        status, name = repr(e), None
                    results.append((time.monotonic(), status, name))

            threads = [threading.Thread(target=load) for _ in range(3)]
            for t in threads:
                t.start()
            try:
                time.sleep(0.3)
                t0 = time.monotonic()
                site.quire.send_signal(signal.SIGTERM)
                rc = site.quire.wait(5)
                stopped = time.monotonic()
                time.sleep(0.4)
            finally:
                done.set()
                for t in threads:
                    t.join()
            bad = [r for r in results if r[1] != 200]
            check(S, "every request is answered 200 while back end A stops",
                  len(results) > 50 and not bad, (len(results), bad[:5]))
            after = [r[2] for r in results if r[0] > stopped + 0.05]
            check(S, "back end A exits 0; B answers everything after",
                  rc == 0 and after and set(after) == {"Back end B"},
                  (rc, f"A took {stopped - t0:.2f} s to stop", len(after), set(after)))
        finally:
            if quire_b.poll() is None:
                quire_b.send_signal(signal.SIGTERM)
                try:
                    quire_b.wait(5)
                except subprocess.TimeoutExpired:
                    quire_b.kill()
                    quire_b.wait()
            report = sanitizer_report(read(log_b))
            if report:
                check(S, "sanitizer report in back end B's log", False, report)


def units():
    """The unit files as systemd would load them, and their sandbox."""
    S = "deploy-systemd-units"
    if not shutil.which("systemd-analyze"):
        check(S, "systemd-analyze is installed (Debian's systemd)", False, "")
        return
    tmp = tempfile.mkdtemp(prefix="quire-units-")
    try:
        for name in ("quire.socket", "quire.service", "quire-export.service"):
            text = read(os.path.join(DEPLOY, "systemd", name))
            with open(os.path.join(tmp, name), "w") as f:
                f.write(text.replace("/usr/local/sbin/quire", QUIRE))
        # Documentation=man:quire(8) man:quire.yaml(5) must name pages that exist.
        for sec, page in (("8", "quire.8"), ("5", "quire.yaml.5")):
            os.makedirs(os.path.join(tmp, "man", "man" + sec))
            os.symlink(os.path.join(DEPLOY, "man", page),
                       os.path.join(tmp, "man", "man" + sec, page))
        env = dict(os.environ, MANPATH=os.path.join(tmp, "man"), SYSTEMD_LOG_LEVEL="notice")
        man = "yes" if shutil.which("man") else "no"
        p = subprocess.run(["systemd-analyze", "verify", f"--man={man}",
                            os.path.join(tmp, "quire.socket"), os.path.join(tmp, "quire.service"),
                            os.path.join(tmp, "quire-export.service")],
                           capture_output=True, text=True, env=env, timeout=30)
        check(S, "systemd-analyze verify: no error, no warning",
              p.returncode == 0 and not p.stdout.strip() and not p.stderr.strip(),
              (p.returncode, p.stdout + p.stderr))
        p = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--no-pager",
                            os.path.join(tmp, "quire.service")],
                           capture_output=True, text=True, env=env, timeout=30)
        m = re.search(r"Overall exposure level for quire\.service: ([0-9.]+)", p.stdout)
        check(S, "systemd-analyze security: exposure at most 1.0 (of 10)",
              m and float(m.group(1)) <= 1.0, (m and m.group(0), p.stderr[-300:]))
        root = os.path.join(tmp, "root")
        os.makedirs(os.path.join(root, "etc"))
        p = subprocess.run(["systemd-sysusers", f"--root={root}",
                            os.path.join(DEPLOY, "systemd", "quire-sysusers.conf")],
                           capture_output=True, text=True, timeout=30)
        passwd = read(os.path.join(root, "etc", "passwd"))
        check(S, "quire-sysusers.conf makes a system user that cannot log in",
              p.returncode == 0 and
              re.search(r"^quire:x:\d+:\d+:[^:]*:/nonexistent:/usr/sbin/nologin$", passwd, re.M),
              (p.returncode, p.stderr[-300:], passwd))
        sock = read(os.path.join(DEPLOY, "systemd", "quire.socket"))
        check(S, "the socket is the web server's group's only (www-data, 0660)",
              re.search(r"^SocketGroup=www-data$", sock, re.M) and
              re.search(r"^SocketMode=0660$", sock, re.M), "")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def configs():
    """The example configurations in deploy/ load, with conf/ and posts/ beside them."""
    S = "deploy-configs"
    for rel in ("systemd/quire.yaml", "shared-hosting/quire.yaml"):
        with Site() as site:
            path = os.path.join(site.conf, "example.yaml")
            # Its state folder (written by quire -t too) in the temporary site.
            text = re.sub(r"^state: .*$", "state: ../state", read(os.path.join(DEPLOY, rel)),
                          flags=re.M)
            with open(path, "w") as f:
                f.write(text)
            p = subprocess.run([QUIRE, "-t", "-c", path], capture_output=True, text=True,
                               timeout=20)
            check(S, f"deploy/{rel} passes quire -t", p.returncode == 0,
                  (p.returncode, p.stdout + p.stderr))


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def main():
    for test in (units, configs, systemd_nginx, apache_proxy, lambda: shared_hosting("fcgid"),
                 lambda: shared_hosting("cgi"), two_backends):
        try:
            test()
        except Exception as e:  # a harness failure is a test failure, not a crash
            check("deploy", "harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
