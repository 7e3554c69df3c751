"""install_test.py — make install into a DESTDIR puts every file where it belongs, the
installed example site loads, make uninstall takes it all back; make
shared-hosting makes a folder whose program runs on its own libraries."""
import os
import re
import shutil
import subprocess
import tempfile

from harness import TOP, check, finish

S = "install"


def make(*args):
    return subprocess.run(["make", "-s", "--no-print-directory", "-C", TOP] + list(args),
                          capture_output=True, text=True, timeout=300)


def files_under(root):
    out = set()
    for d, _, names in os.walk(root):
        for n in names:
            out.add(os.path.relpath(os.path.join(d, n), root))
    return out


def install():
    dest = tempfile.mkdtemp(prefix="quire-install-")
    try:
        p = make("install", f"DESTDIR={dest}", "PREFIX=/usr")
        if not check(S, "make install DESTDIR=... PREFIX=/usr", p.returncode == 0,
                     (p.returncode, p.stdout[-300:] + p.stderr[-600:])):
            return
        got = files_under(dest)
        layouts = {f"usr/share/quire/conf/layouts/{n}"
                   for n in os.listdir(os.path.join(TOP, "conf", "layouts"))
                   if n.endswith(".mustache")}
        want = layouts | {
            "usr/sbin/quire", "usr/share/man/man8/quire.8", "usr/share/man/man5/quire.yaml.5",
            "usr/share/quire/conf/quire.yaml", "usr/share/quire/conf/static/quire.css",
            "usr/lib/systemd/system/quire.service", "usr/lib/systemd/system/quire.socket",
            "usr/lib/sysusers.d/quire.conf", "usr/share/quire/deploy/nginx/quire.conf",
            "usr/share/quire/deploy/nginx/quire-two-backends.conf",
            "usr/share/quire/deploy/apache/quire.conf",
            "usr/share/quire/deploy/shared-hosting/htaccess",
            "usr/share/quire/deploy/shared-hosting/README.md",
            "usr/share/quire/deploy/systemd/quire-tcp.conf"}
        check(S, "every file is installed", not (want - got), sorted(want - got))
        binary = os.path.join(dest, "usr/sbin/quire")
        p = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10)
        check(S, "the installed quire runs", p.returncode == 0 and p.stdout.startswith("quire "),
              (p.returncode, p.stdout))
        check(S, "the installed quire is executable by all",
              os.stat(binary).st_mode & 0o755 == 0o755, oct(os.stat(binary).st_mode))
        unit = read(os.path.join(dest, "usr/lib/systemd/system/quire.service"))
        check(S, "quire.service starts the installed program",
              "ExecStart=/usr/sbin/quire " in unit and "/usr/local" not in unit, "")
        pages = read(os.path.join(dest, "usr/share/man/man8/quire.8")) + \
            read(os.path.join(dest, "usr/share/man/man5/quire.yaml.5"))
        check(S, "the manual pages name the installed paths",
              "/usr/share/quire/" in pages and "/usr/local" not in pages, "")
        # The example site as the README says to set it up: conf/ copied, posts/ beside it.
        site = os.path.join(dest, "srv")
        shutil.copytree(os.path.join(dest, "usr/share/quire/conf"), os.path.join(site, "conf"))
        shutil.copytree(os.path.join(TOP, "posts"), os.path.join(site, "posts"))
        conf = os.path.join(site, "conf", "quire.yaml")
        # Its state folder (written by quire -t too) in the temporary site.
        with open(conf) as f:
            text = re.sub(r"^state: .*$", "state: ../state", f.read(), flags=re.M)
        with open(conf, "w") as f:
            f.write(text)
        p = subprocess.run([binary, "-t", "-c", conf],
                           capture_output=True, text=True, timeout=20)
        check(S, "the installed example configuration loads (quire -t)", p.returncode == 0,
              (p.returncode, p.stdout + p.stderr))
        shutil.rmtree(site)
        p = make("uninstall", f"DESTDIR={dest}", "PREFIX=/usr")
        left = files_under(dest)
        check(S, "make uninstall removes every file", p.returncode == 0 and not left,
              (p.returncode, sorted(left)[:10], p.stderr[-300:]))
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def shared_hosting():
    p = make("shared-hosting")
    if not check(S, "make shared-hosting", p.returncode == 0,
                 (p.returncode, p.stdout[-300:] + p.stderr[-600:])):
        return
    folder = os.path.join(TOP, "build", "shared-hosting")
    got = files_under(folder)
    want = {".htaccess", "quire.fcgi", "lib/libmd4c.so.0",
            "conf/quire.yaml", "conf/static/quire.css", "conf/layouts/base.mustache"}
    check(S, "shared hosting: the folder to upload is complete", not (want - got),
          sorted(want - got))
    prog = os.path.join(folder, "quire.fcgi")
    p = subprocess.run(["ldd", prog], capture_output=True, text=True, timeout=10)
    lib = os.path.join(folder, "lib")
    check(S, "shared hosting: md4c's parser from lib/, libyaml built in, no libfcgi or md4c-html",
          p.returncode == 0 and f"libmd4c.so.0 => {lib}/" in p.stdout and
          "libmd4c-html" not in p.stdout and "libfcgi" not in p.stdout and
          "libyaml" not in p.stdout, p.stdout)
    # One request as Apache's CGI would make it: in the uploaded folder, with a bare
    # environment, as a user who is not root (quire refuses root).
    up = tempfile.mkdtemp(prefix="quire-upload-")
    try:
        os.chmod(up, 0o755)
        shutil.copytree(folder, os.path.join(up, "www"), symlinks=True)
        who = {"user": "nobody", "group": "nogroup"} if os.geteuid() == 0 else {}
        p = subprocess.run([os.path.join(up, "www", "quire.fcgi")], cwd=os.path.join(up, "www"),
                           capture_output=True, timeout=10, **who,
                           env={"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET",
                                "REQUEST_URI": "/on-node-go-concurrency"})
        check(S, "shared hosting: quire.fcgi answers a CGI request with conf/quire.yaml",
              p.returncode == 0 and p.stdout.startswith(b"Status: 200") and
              b"On Node.js, Go and concurrency" in p.stdout,
              (p.returncode, p.stdout[:80], p.stderr))
    finally:
        shutil.rmtree(up, ignore_errors=True)


def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def main():
    try:
        install()
        shared_hosting()
    except Exception as e:  # a harness failure is a test failure, not a crash
        check(S, "harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
