"""run_check.py — `make run` at a terminal, stopped with Ctrl-C part-way and once serving:
a clean stop (status 0, no make error), nothing left running, the port free again, no
folder left in the temporary directory. Run once, by the plain part of make test."""
import os
import pty
import select
import shutil
import signal
import socket
import tempfile
import time

from harness import TOP, check, finish, free_port, processes, wait_for

S = "run"


def read_until(fd, buf, want, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end and (want is None or want not in buf):
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            buf += data
    return buf


def port_free(port):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


def ours():
    """quire processes serving this checkout's configuration."""
    conf = os.path.join(TOP, "conf", "quire.yaml").encode()
    found = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    if conf in f.read():
                        found.append(int(d))
            except OSError:
                pass
    return found


def nginx_of(session):
    """The nginx master among make run's processes."""
    for p in processes(3, session):
        try:
            with open(f"/proc/{p}/cmdline", "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if cmd.startswith(b"nginx: master process"):
            return p
    return None


def stop_at(when, reach, kill_nginx=False):
    what = when if kill_nginx else f"Ctrl-C {when}"
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="quire-runcheck-")
    env = dict(os.environ, TMPDIR=tmp)
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(TOP)
        os.execvpe("make", ["make", "--no-print-directory", "run", f"PORT={port}"], env)
    out = read_until(fd, b"", reach, 120)
    reached = reach in out
    nginx = nginx_of(pid) if reached and kill_nginx else None
    if nginx:
        os.kill(nginx, signal.SIGTERM)
    elif reached:
        os.write(fd, b"\x03")
    else:
        os.kill(pid, signal.SIGINT)
    out = read_until(fd, out, None, 20)
    try:
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    text = out.decode("utf-8", "replace")
    check(S, f"{what}: make run got that far", reached, text[-400:])
    if kill_nginx:
        check(S, f"{what}: found nginx to kill", nginx is not None, text[-400:])
        check(S, f"{what}: make run fails and says why",
              os.WIFEXITED(status) and os.WEXITSTATUS(status) != 0 and
              "nginx stopped on its own" in text, (status, text[-300:]))
    else:
        check(S, f"{what}: status 0, no make error",
              os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and "Error" not in text and
              "Interrupt" not in text, (status, text[-300:]))
    check(S, f"{what}: nothing left in the temporary directory",
          os.listdir(tmp) == [], os.listdir(tmp))
    wait_for(lambda: ours() == [] and port_free(port), 2.0)
    check(S, f"{what}: no quire left running", ours() == [], ours())
    check(S, f"{what}: the port is free again", port_free(port), port)
    check(S, f"{what}: nothing left in make run's session",
          processes(3, pid) == [], processes(3, pid))
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    # Part-way: quire is up, nginx may not be yet.
    stop_at("as quire starts", b"worker threads")
    stop_at("once serving", b"Ctrl-C stops it")
    # nginx gone before the stop: the cleanup must not trip over the failed kill.
    stop_at("nginx stopped on its own", b"Ctrl-C stops it", kill_nginx=True)
    finish()


if __name__ == "__main__":
    main()
