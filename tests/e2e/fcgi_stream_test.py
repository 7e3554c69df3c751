"""fcgi_stream_test.py — quire's own FastCGI reader against hostile peers on its socket:
one deadline per request (a trickling peer, a peer that reads the answer too slowly),
capped parameters, unknown management records in constant memory, malformed PARAMS
never ending the worker, FCGI_GET_VALUES (and a flood of them cut at the deadline), a
multiplexed request refused, and a 1 MB feed under 64 connections without the memory
watchdog replacing the worker."""
import os
import signal
import socket
import struct
import threading
import time

from harness import (FCGI_BEGIN, Site, check, fcgi_params, fcgi_read, fcgi_record,
                     fcgi_request, finish, serving, status_kb, wait_for)

S = "fcgi-stream"
TIMEOUT = 2  # limits.read_timeout of the first site
THREADS = 4  # its worker threads
FIRST = "/on-node-go-concurrency"
GET = [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", FIRST.encode())]


def worker(site):
    """The serving worker (the spare beside it waits with one thread)."""
    kids = serving(site.quire.pid)
    return kids[0] if len(kids) == 1 else None


def ordinary(site, timeout=10):
    try:
        out = fcgi_request(site.sock, GET, timeout=timeout)
        return out.startswith(b"Status: 200") and out.endswith(b"</html>\n")
    except OSError:
        return False


def connect(site, timeout=10):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(site.sock)
    return s


def closed(s):
    """Whether the peer closed s (its end read, or a send refused)."""
    try:
        s.setblocking(False)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return True
        except BlockingIOError:
            return False
    except OSError:
        return True
    finally:
        s.setblocking(True)


def records(data):
    """(type, id, content) of each whole record in data."""
    out = []
    while len(data) >= 8:
        _, rtype, rid, clen, plen, _ = struct.unpack("!BBHHBB", data[:8])
        if len(data) < 8 + clen + plen:
            break
        out.append((rtype, rid, data[8:8 + clen]))
        data = data[8 + clen + plen:]
    return out


def request_bytes(params, rid=1, keep=False):
    stream = fcgi_params(params)
    parts = [fcgi_record(1, rid, struct.pack("!HB5x", 1, 1 if keep else 0))]
    parts += [fcgi_record(4, rid, stream[at:at + 65535]) for at in range(0, len(stream), 65535)]
    return b"".join(parts + [fcgi_record(4, rid), fcgi_record(5, rid)])


def exchange(site, msg, timeout):
    """Send msg, return the stdout bytes until END_REQUEST or the end (b"" when the
    sending was cut)."""
    s = connect(site, timeout)
    try:
        try:
            s.sendall(msg)
        except OSError:
            pass
        return fcgi_read(s)
    finally:
        s.close()


def case_trickle(site):
    """(a) one byte a second: closed at the deadline, counted from the first byte."""
    msg = request_bytes(GET)
    s = connect(site)
    t0 = time.monotonic()
    cut = None
    for b in msg[:TIMEOUT + 4]:
        try:
            s.send(bytes([b]))
        except OSError:
            cut = time.monotonic() - t0
            break
        time.sleep(1)
        if closed(s):
            cut = time.monotonic() - t0
            break
    s.close()
    check(S, f"a peer sending a byte a second is closed at limits.read_timeout ({TIMEOUT} s)",
          cut is not None and cut < TIMEOUT + 1.5, cut)
    check(S, "after the trickling peer: the next request is served", ordinary(site), "")


def case_slow_reader(site):
    """(b) as many peers as threads ask for a large page and read 4 KB a second."""
    ends = []

    full = len(fcgi_request(site.sock, [(b"REQUEST_METHOD", b"GET"),
                                        (b"REQUEST_URI", b"/big")]))

    def slow():
        # 4 KB a second until past the deadline, then the rest as fast as it comes:
        # what was sent before the cut still arrives, then the end.
        s = connect(site, timeout=10)
        s.sendall(request_bytes([(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/big")]))
        t0, got, eof = time.monotonic(), 0, False
        try:
            while True:
                chunk = s.recv(4096 if time.monotonic() - t0 < TIMEOUT + 1.5 else 1 << 20)
                if not chunk:
                    eof = True
                    break
                got += len(chunk)
                if time.monotonic() - t0 < TIMEOUT + 1.5:
                    time.sleep(1)
        except OSError:
            pass
        ends.append((eof, got))
        s.close()

    peers = [threading.Thread(target=slow) for _ in range(THREADS)]
    for p in peers:
        p.start()
    time.sleep(0.5)
    t0 = time.monotonic()
    served = ordinary(site, timeout=TIMEOUT + 8)
    took = time.monotonic() - t0
    done = wait_for(lambda: len(ends) == THREADS, TIMEOUT + 12)
    for p in peers:
        p.join(15)
    check(S, f"{THREADS} slow readers on {THREADS} threads: another request is served within "
          "limits.read_timeout", served and took < TIMEOUT + 2, (served, round(took, 2)))
    check(S, f"slow readers are cut at limits.read_timeout: the {full}-byte page not all sent",
          done and all(eof and got < full for eof, got in ends), ends)


def case_caps(site):
    """(c) parameters past the caps: 400, memory stays small, the next request served."""
    pid = worker(site)
    many = GET + [(b"HTTP_X_%d" % i, b"1") for i in range(2000)]
    out = fcgi_request(site.sock, many)
    check(S, "2000 parameters: 400", out.startswith(b"Status: 400"), out[:40])
    out = fcgi_request(site.sock, GET + [(b"HTTP_X_BIG", b"v" * (1 << 20))])
    check(S, "a parameter of 1 MB: 400", out.startswith(b"Status: 400"), out[:40])
    hwm = status_kb(pid, "VmHWM")
    results = []

    msg = request_bytes(GET + [(b"HTTP_X_HUGE", b"h" * (64 << 20))])

    def huge():
        try:
            results.append(exchange(site, msg, TIMEOUT + 5)[:20])
        except OSError as e:
            results.append(type(e).__name__)

    peers = [threading.Thread(target=huge) for _ in range(4)]
    for p in peers:
        p.start()
    for p in peers:
        p.join(30)
    grown = status_kb(pid, "VmHWM") - hwm
    print(f"# caps: VmHWM {hwm} kB before four 64 MB parameters, grew {grown} kB", flush=True)
    check(S, "four peers each sending a 64 MB parameter: answered 400 or closed",
          all(r in (b"", "BrokenPipeError", "ConnectionResetError") or r.startswith(b"Status: 400")
              for r in results) and len(results) == 4, results)
    check(S, "four 64 MB parameters: the worker's peak memory grows less than 16 MB",
          0 <= grown < 16 * 1024, grown)
    check(S, "after the parameters past the caps: same worker, next request served",
          worker(site) == pid and ordinary(site), (pid, worker(site)))


def case_management(site):
    """(d) 100,000 unknown management records with bodies, then a request, on one
    connection: each answered FCGI_UNKNOWN_TYPE, the request served, memory flat."""
    pid = worker(site)
    rss = status_kb(pid, "VmRSS")
    s = connect(site, timeout=20)
    got = bytearray()

    def read():
        try:
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                got.extend(chunk)
                if b"\x01\x03\x00\x01" in got[-64:]:
                    break
        except OSError:
            pass

    reader = threading.Thread(target=read)
    reader.start()
    chunk = fcgi_record(20, 0, b"12345678") * 10000
    try:
        for _ in range(10):
            s.sendall(chunk)
        s.sendall(request_bytes(GET, keep=True))
    except OSError:
        pass
    reader.join(20)
    s.close()
    recs = records(bytes(got))
    unknown = sum(1 for t, rid, c in recs if t == 11 and rid == 0 and c[:1] == b"\x14")
    stdout = b"".join(c for t, rid, c in recs if t == 6 and rid == 1)
    grown = status_kb(pid, "VmRSS") - rss
    print(f"# management: VmRSS {rss} kB before, grew {grown} kB", flush=True)
    check(S, "100,000 unknown management records with bodies: each answered UNKNOWN_TYPE",
          unknown == 100_000, unknown)
    check(S, "then a request on the same connection: served",
          stdout.startswith(b"Status: 200") and stdout.endswith(b"</html>\n"), stdout[:40])
    check(S, "100,000 management records: the worker's memory grows less than 4 MB",
          grown < 4 * 1024 and worker(site) == pid, grown)


def case_malformed(site):
    """(e) a PARAMS stream whose lengths go past it: closed, the worker lives."""
    pid = worker(site)
    begin = fcgi_record(1, 1, struct.pack("!HB5x", 1, 0))
    for name, body in (("a name length of 0x7ffffffe",
                        struct.pack("!I", 0x7ffffffe | 0x80000000) + b"\x01AAAAAAAA"),
                       ("a name length past the record", b"\x05\x01ab"),
                       ("a 4-byte length cut short", b"\x80\x00")):
        s = connect(site)
        s.sendall(begin + fcgi_record(4, 1, body) + fcgi_record(4, 1) + fcgi_record(5, 1))
        try:
            out = fcgi_read(s)
        except OSError as e:
            out = type(e).__name__.encode()
        s.close()
        check(S, f"{name}: the connection closed, nothing answered", out == b"", out[:40])
        check(S, f"{name}: the worker lives (same pid), the next request served",
              wait_for(lambda: worker(site) is not None, 2) and worker(site) == pid and
              ordinary(site), (pid, worker(site)))


def case_stdin_after_answer(site):
    """Apache's order: the parameters, then (once it has written them) the empty STDIN
    record, then it reads. quire answers at the end of the parameters; closing at once
    made that last write fail (EPIPE) and Apache answer 503 now and then. A connection
    is closed only once the peer is done sending (or after a moment)."""
    failed = []
    for _ in range(20):
        msg = request_bytes(GET)
        s = connect(site)
        try:
            s.sendall(msg[:-8])  # all but the empty STDIN record
            out = fcgi_read(s)  # the whole answer, END_REQUEST included
            time.sleep(0.05)  # as a busy Apache may be: quire has had time to close
            try:
                s.sendall(msg[-8:])
            except OSError as e:
                failed.append(repr(e))
            if b"Status: 200" not in out[:40]:
                failed.append(out[:40])
        finally:
            s.close()
    check(S, "the empty STDIN record sent after the whole answer is taken (20 times)",
          not failed, failed[:3])


def case_stop_fresh():
    """A connection accepted just before the stop, its request not yet arrived: it is
    waited for a moment (its bytes are on the way), not closed unanswered."""
    with Site() as site:
        site.start_quire()
        wait_for(lambda: ordinary(site), 5)
        s = connect(site)
        try:
            time.sleep(0.3)  # accepted by now, by a thread waiting for its bytes
            site.quire.send_signal(signal.SIGTERM)
            time.sleep(0.05)
            try:
                s.sendall(request_bytes(GET))
                out = fcgi_read(s)
            except OSError as e:
                out = repr(e).encode()
        finally:
            s.close()
        check(S, "a request sent 50 ms after the stop on a connection accepted before it "
              "is answered whole", out.startswith(b"Status: 200") and b"</html>" in out,
              out[:60])
        rc = site.quire.wait(5)
        check(S, "then the server exits 0", rc == 0, rc)


def case_values(site):
    """(f) FCGI_GET_VALUES; (and) a second request on the connection refused."""
    s = connect(site)
    names = fcgi_params([(b"FCGI_MAX_CONNS", b""), (b"FCGI_MAX_REQS", b""),
                         (b"FCGI_MPXS_CONNS", b""), (b"SOMETHING_ELSE", b"")])
    s.sendall(fcgi_record(9, 0, names))
    data = b""
    while len(records(data)) < 1:
        chunk = s.recv(4096)
        if not chunk:
            break
        data += chunk
    recs = records(data)
    pairs = {}
    if recs and recs[0][0] == 10:
        body = recs[0][2]
        while len(body) >= 2:
            nl, vl = body[0], body[1]
            pairs[body[2:2 + nl]] = body[2 + nl:2 + nl + vl]
            body = body[2 + nl + vl:]
    check(S, "FCGI_GET_VALUES: answered with the three variables, FCGI_MPXS_CONNS 0",
          set(pairs) == {b"FCGI_MAX_CONNS", b"FCGI_MAX_REQS", b"FCGI_MPXS_CONNS"} and
          pairs[b"FCGI_MPXS_CONNS"] == b"0" and pairs[b"FCGI_MAX_CONNS"].isdigit(), recs)
    # A second BEGIN_REQUEST while request 1 is open: FCGI_CANT_MPX_CONN for it.
    msg = fcgi_record(1, 1, struct.pack("!HB5x", 1, 0)) + fcgi_record(4, 1, fcgi_params(GET))
    msg += fcgi_record(1, 2, struct.pack("!HB5x", 1, 0))
    msg += fcgi_record(4, 1) + fcgi_record(5, 1)
    s.sendall(msg)
    data = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    s.close()
    recs = records(data)
    refused = [c for t, rid, c in recs if t == 3 and rid == 2]
    stdout = b"".join(c for t, rid, c in recs if t == 6 and rid == 1)
    check(S, "a second request while one is open: FCGI_CANT_MPX_CONN, the first served",
          len(refused) == 1 and refused[0][4] == 1 and stdout.startswith(b"Status: 200"),
          (recs[:3], stdout[:30]))


def case_values_flood(site):
    """(g) FCGI_GET_VALUES records carrying parameters, sent without end by a peer that
    reads every answer: the connection is closed at limits.read_timeout, counted from its
    first byte (management records never begin a request, so never move the deadline)."""
    pid = worker(site)
    names = fcgi_params([(b"FCGI_MAX_CONNS", b"x" * 40), (b"FCGI_MAX_REQS", b"y" * 40),
                         (b"FCGI_MPXS_CONNS", b""), (b"OTHER_" * 20, b"z" * 200)])
    chunk = fcgi_record(9, 0, names) * 200
    s = connect(site, timeout=TIMEOUT + 10)
    answers = [0]
    stop = threading.Event()

    def read():
        got = b""
        try:
            while True:
                data = s.recv(1 << 20)
                if not data:
                    break
                got = got[-8:] + data
                answers[0] += data.count(b"\x01\x0a\x00\x00")
        except OSError:
            pass
        stop.set()

    reader = threading.Thread(target=read)
    reader.start()
    t0 = time.monotonic()
    sent = 0
    try:
        while not stop.is_set() and time.monotonic() - t0 < TIMEOUT + 8:
            s.sendall(chunk)
            sent += 200
    except OSError:
        pass
    took = time.monotonic() - t0
    s.close()
    reader.join(10)
    print(f"# values flood: {sent} records sent, {answers[0]} answered, closed after "
          f"{took:.2f} s", flush=True)
    check(S, f"a flood of GET_VALUES records with parameters: closed at limits.read_timeout "
          f"({TIMEOUT} s), each record before answered",
          TIMEOUT - 0.5 <= took < TIMEOUT + 2 and answers[0] > 1000, (round(took, 2), sent,
                                                                        answers[0]))
    check(S, "after the flood the worker serves", worker(site) == pid and ordinary(site))


def case_feed():
    """(g) a 1 MB feed asked for by 64 connections at once: the watchdog keeps the worker."""
    with Site("cache:\n  size: 1\n", copy_posts=False) as site:
        set_workers(site, 64)
        para = ("A paragraph of the long post, with *some* words in it and a "
                "[link](https://example.org/). " * 8 + "\n\n")
        for i in range(20):
            site.write_post(f"long-{i:02d}.md", f"---\ntitle: Long {i}\ndate: 2024-01-{i + 1:02d}"
                            "\n---\n" + para * 45)
        site.start_quire()
        out = fcgi_request(site.sock, [(b"REQUEST_METHOD", b"GET"),
                                       (b"REQUEST_URI", b"/feed.xml")], timeout=30)
        size = len(out)
        errors = []

        feed = request_bytes([(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/feed.xml")],
                             keep=True)
        together = threading.Barrier(64)

        def client():
            # One kept connection each, as nginx's upstream keepalive holds them: 64
            # threads of the worker busy at once.
            try:
                s = connect(site, timeout=60)
            except OSError as e:
                errors.append(type(e).__name__)
                together.abort()
                return
            try:
                together.wait(30)
                for _ in range(5):
                    s.sendall(feed)
                    o = fcgi_read(s)
                    if len(o) != size:
                        errors.append(len(o))
            except (OSError, threading.BrokenBarrierError) as e:
                errors.append(type(e).__name__)
            finally:
                s.close()

        clients = [threading.Thread(target=client) for _ in range(64)]
        for c in clients:
            c.start()
        for c in clients:
            c.join(120)
        time.sleep(1.2)  # the watchdog looks once a second
        ordinary(site)
        log = site.read_log()
        print(f"# feed: {size} bytes", flush=True)
        check(S, "the feed is about 1 MB", size > 900_000, size)
        check(S, "64 connections on the 1 MB feed, 320 requests: all answered whole",
              not errors, errors[:5])
        check(S, "64 connections on the 1 MB feed: no 'asking for a new worker'",
              "asking for a new worker" not in log, log[-400:])


def set_workers(site, n):
    with open(site.config) as f:
        text = f.read()
    with open(site.config, "w") as f:
        f.write(text.replace("workers: 16\n", f"workers: {n}\n"))


def main():
    with Site(f"limits:\n  read_timeout: {TIMEOUT}\n") as site:
        set_workers(site, THREADS)
        site.write_post("big.md", "---\ntitle: Big\nroute: big\n---\n" +
                        ("A line of the big post, long enough to fill it up. " * 20 + "\n\n")
                        * 850)
        site.start_quire()
        if not wait_for(lambda: ordinary(site), 5):
            check(S, "quire serves", False, site.read_log()[-300:])
            finish()
        for case in (case_trickle, case_slow_reader, case_caps, case_management,
                     case_malformed, case_values, case_values_flood,
                     case_stdin_after_answer):
            try:
                t0 = time.monotonic()
                case(site)
                print(f"# {case.__name__}: {time.monotonic() - t0:.1f} s")
            except Exception as e:  # a case that breaks is a failure, the others still run
                check(S, f"{case.__name__} ran", False, repr(e))
            # The worker may be restarting after a case (before the fix): wait for it.
            wait_for(lambda: worker(site) is not None and ordinary(site), 5)
    case_stop_fresh()
    t0 = time.monotonic()
    case_feed()
    print(f"# case_feed: {time.monotonic() - t0:.1f} s")
    finish()


if __name__ == "__main__":
    main()
