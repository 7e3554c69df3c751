"""man_test.py — the manual pages deploy/man/quire.8 and quire.yaml.5: mandoc -Tlint
finds nothing to say, every configuration key quire knows (src/config.c) or the
example uses (conf/quire.yaml) has an entry, and every option of quire --help."""
import os
import re
import shutil
import subprocess
import tempfile

from harness import QUIRE, TOP, check, finish

S = "man"
MAN = os.path.join(TOP, "deploy", "man")
PAGES = (("8", "quire.8"), ("5", "quire.yaml.5"))


def lint():
    if not shutil.which("mandoc"):
        check(S, "mandoc is installed (deploy/install-deps.sh)", False, "")
        return
    # The pages refer to each other: let mandoc find them, and only them, by MANPATH.
    tmp = tempfile.mkdtemp(prefix="quire-man-")
    try:
        for sec, page in PAGES:
            os.makedirs(os.path.join(tmp, "man" + sec))
            shutil.copy(os.path.join(MAN, page), os.path.join(tmp, "man" + sec, page))
        for _, page in PAGES:
            p = subprocess.run(["mandoc", "-Tlint", "-W", "style", os.path.join(MAN, page)],
                               capture_output=True, text=True, timeout=30,
                               env=dict(os.environ, MANPATH=tmp))
            # Pages of other packages (nginx, apache2, systemd) are found only where those
            # are installed: their absence is not the page's fault.
            said = [line for line in p.stdout.splitlines()
                    if not re.search(r"referenced manual not found: Xr (?!quire)", line)]
            check(S, f"mandoc -Tlint {page}: no message", not said and p.returncode in (0, 1),
                  (p.returncode, said))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def read(path):
    with open(path, errors="replace") as f:
        return f.read()


def example_keys(path):
    """The dotted keys of a YAML map written as conf/quire.yaml is: two spaces a level."""
    keys, stack = set(), []
    for line in read(path).splitlines():
        m = re.match(r"^( *)([A-Za-z_][A-Za-z0-9_]*):", line)
        if not m:
            continue
        depth = len(m.group(1)) // 2
        stack = stack[:depth] + [m.group(2)]
        keys.add(".".join(stack))
    return keys


def keys():
    page = read(os.path.join(MAN, "quire.yaml.5"))
    documented = set(re.findall(r"^\.It Cm (\S+)", page, re.M))
    known = set(re.findall(r'KEY\("([^"]+)"', read(os.path.join(TOP, "src", "config.c"))))
    check(S, "src/config.c's key table was found", len(known) > 10, known)
    every = known | example_keys(os.path.join(TOP, "conf", "quire.yaml"))
    sections = {k.rsplit(".", 1)[0] for k in every if "." in k}
    for key in sorted(every - sections):
        check(S, f"quire.yaml(5) documents {key}", key in documented,
              "add an .It Cm entry to deploy/man/quire.yaml.5")
    stale = sorted(documented - known)
    check(S, "quire.yaml(5) documents no key quire does not know", not stale, stale)


def example():
    """The configuration in quire.yaml(5)'s EXAMPLES loads."""
    page = read(os.path.join(MAN, "quire.yaml.5"))
    m = re.search(r"^\.Sh EXAMPLES\n.*?^\.Bd -literal[^\n]*\n(.*?)^\.Ed$", page, re.M | re.S)
    if not check(S, "quire.yaml(5) has an example", m, ""):
        return
    tmp = tempfile.mkdtemp(prefix="quire-man-")
    try:
        shutil.copytree(os.path.join(TOP, "conf"), os.path.join(tmp, "conf"))
        shutil.copytree(os.path.join(TOP, "posts"), os.path.join(tmp, "posts"))
        path = os.path.join(tmp, "conf", "example.yaml")
        with open(path, "w") as f:
            f.write(re.sub(r"^state: .*$", "state: ../state", m.group(1), flags=re.M))
        p = subprocess.run([QUIRE, "-t", "-c", path], capture_output=True, text=True,
                           timeout=20)
        check(S, "quire.yaml(5)'s example passes quire -t", p.returncode == 0,
              (p.returncode, p.stdout + p.stderr))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def options():
    page = read(os.path.join(MAN, "quire.8"))
    p = subprocess.run([QUIRE, "--help"], capture_output=True, text=True, timeout=10)
    opts = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", p.stdout))
    check(S, "quire --help lists options", p.returncode == 0 and "-c" in opts, p.stdout)
    for opt in sorted(opts):
        check(S, f"quire(8) documents {opt}", re.search(rf"\bFl {re.escape(opt[1:])}\b", page),
              "add it to deploy/man/quire.8")


def main():
    try:
        lint()
        keys()
        example()
        options()
    except Exception as e:  # a harness failure is a test failure, not a crash
        check(S, "harness", False, repr(e))
    finish()


if __name__ == "__main__":
    main()
