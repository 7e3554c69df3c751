"""fcgi_role_test.py — FastCGI roles: a request as AUTHORIZER or FILTER is refused with
FCGI_UNKNOWN_ROLE (FastCGI 1.0, section 5.5) and no answer, never served as a responder;
the next ordinary request is served whole."""
import socket
import struct

from harness import Site, check, fcgi_params, fcgi_record, fcgi_request, finish

S = "fcgi-role"
GET = [(b"REQUEST_METHOD", b"GET"), (b"REQUEST_URI", b"/on-node-go-concurrency")]


def records(addr, msg, timeout=5):
    """Every record quire sends back for msg, as (type, content), until it closes."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(addr)
    got, buf = [], b""
    try:
        s.sendall(msg)
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    finally:
        s.close()
    while len(buf) >= 8:
        _, rtype, _, clen, plen, _ = struct.unpack("!BBHHBB", buf[:8])
        got.append((rtype, buf[8:8 + clen]))
        buf = buf[8 + clen + plen:]
    return got


def main():
    with Site() as site:
        site.start_quire()
        for role, name in ((2, "AUTHORIZER"), (3, "FILTER"), (9, "an unknown role")):
            begin = fcgi_record(1, 1, struct.pack("!HB5x", role, 0))
            msg = begin + fcgi_record(4, 1, fcgi_params(GET)) + fcgi_record(4, 1) + \
                fcgi_record(5, 1)
            got = records(site.sock, msg)
            ends = [c for t, c in got if t == 3]
            stdout = b"".join(c for t, c in got if t == 6)
            refused = len(ends) == 1 and len(ends[0]) == 8 and ends[0][4] == 3
            # A role outside the specification: refused too, or the connection closed.
            check(S, f"{name}: refused with FCGI_UNKNOWN_ROLE, nothing served",
                  (refused or (role > 3 and got == [])) and stdout == b"", (got[:3], stdout[:60]))
            out = fcgi_request(site.sock, GET)
            check(S, f"after {name}: the next request is served whole",
                  out.startswith(b"Status: 200") and out.endswith(b"</html>\n"), out[:60])
    finish()


if __name__ == "__main__":
    main()
