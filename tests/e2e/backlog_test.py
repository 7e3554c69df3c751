"""backlog_test.py — 500 connections at once on quire's socket, as nginx opens them under
load: each is queued, none refused, and every one is answered 200 in turn. With a
listen backlog of 128 the connections beyond the threads and the queue were refused
(nginx: "connect() ... (11: Resource temporarily unavailable)", a 502)."""
import errno
import socket

from harness import FCGI_BEGIN, Site, check, fcgi_params, fcgi_read, fcgi_record, fcgi_request, finish

S = "backlog"
N = 500




def main():
    with Site() as site:
        site.start_quire()
        params = fcgi_params([(b"REQUEST_METHOD", b"GET"),
                              (b"REQUEST_URI", b"/on-node-go-concurrency")])
        msg = FCGI_BEGIN + fcgi_record(4, 1, params) + fcgi_record(4, 1) + fcgi_record(5, 1)
        conns, refused = [], 0
        for _ in range(N):
            s = socket.socket(socket.AF_UNIX)
            s.setblocking(False)
            # A Unix socket connects at once or not at all: EAGAIN is a full queue.
            try:
                s.connect(site.sock)
            except OSError as e:
                refused += e.errno in (errno.EAGAIN, errno.ECONNREFUSED)
                s.close()
                continue
            conns.append(s)
        check(S, f"{N} connections at once: none refused", refused == 0,
              f"{refused} refused")
        ok = 0
        # The queue is first in, first out: answering in the order of connecting never
        # waits on a connection no thread holds.
        for s in conns:
            s.setblocking(True)
            s.settimeout(20)
            try:
                s.sendall(msg)
                ok += fcgi_read(s).startswith(b"Status: 200")
            except OSError:
                pass
            finally:
                s.close()
        check(S, f"every one of the {N} is answered 200", ok == N, f"{ok} of {N}")
        out = fcgi_request(site.sock, [(b"REQUEST_METHOD", b"GET"),
                                       (b"REQUEST_URI", b"/on-node-go-concurrency")])
        check(S, "the next ordinary request is served whole",
              out.startswith(b"Status: 200") and out.endswith(b"</html>\n"), out[:60])
    finish()


if __name__ == "__main__":
    main()
