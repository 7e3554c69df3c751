"""soak_test.py — a short soak for make test (SOAK_SECONDS, default 6): wrk through nginx on
the first post while one post is rewritten every 100 ms and another added and removed every
second. Every answer is 200 or the expected 404, every body one complete version, no 5xx,
and the worker's memory does not run away. The long soak is in make bench."""
import os
import re
import shutil
import subprocess
import threading
import time

from harness import SLOW, Site, check, finish

S = "soak"
SECONDS = float(os.environ.get("SOAK_SECONDS", "6"))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def worker(site):
    with open(f"/proc/{site.quire.pid}/task/{site.quire.pid}/children") as f:
        return int(f.read().split()[0])


def main():
    site = Site()
    stop = threading.Event()
    problems, counts = [], {"versions": 0, "churn": 0}
    try:
        rewrite = site.write_post("churn.md", "---\ntitle: Churn\n---\nv0 body v0\n")
        site.start()
        site.get("/churn")
        start_rss = rss_kb(worker(site))

        def writer():
            n = 0
            while not stop.is_set():
                n += 1
                body = f"v{n} " + "words " * (50 + n % 200) + f"v{n}\n"
                with open(rewrite, "w") as f:
                    f.write("---\ntitle: Churn\n---\n" + body)
                time.sleep(0.1)

        def adder():
            while not stop.is_set():
                site.write_post("blink.md", "---\ntitle: Blink\n---\nhere\n")
                time.sleep(0.5)
                os.unlink(os.path.join(site.posts, "blink.md"))
                time.sleep(0.5)

        def checker():
            while not stop.is_set():
                st, _, body = site.get("/churn")
                marks = re.findall(rb"\bv(\d+)\b", body)
                if st != 200 or len(marks) != 2 or marks[0] != marks[1]:
                    problems.append(("churn", st, marks[:4]))
                counts["versions"] += 1
                st, _, _ = site.get("/blink")
                if st not in (200, 404):
                    problems.append(("blink", st))
                counts["churn"] += 1

        threads = [threading.Thread(target=f) for f in (writer, adder, checker)]
        for t in threads:
            t.start()
        wrk = None
        if shutil.which("wrk"):
            wrk = subprocess.run(["wrk", "-t1", "-c8", f"-d{int(SECONDS)}s",
                                  f"http://127.0.0.1:{site.port}/on-node-go-concurrency"],
                                 capture_output=True, text=True, timeout=SECONDS + 30).stdout
        else:
            time.sleep(SECONDS)
        stop.set()
        for t in threads:
            t.join(10)
        end_rss = rss_kb(worker(site))
        print(f"# soak: {counts['versions']} checked bodies, worker RSS {start_rss} -> {end_rss} kB")
        check(S, "every rewritten body was one complete version, all 200",
              counts["versions"] > 10 and not problems, (counts, problems[:5]))
        if wrk is not None:
            reqs = re.search(r"(\d+) requests in", wrk)
            bad = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
            errs = re.search(r"Socket errors: (.*)", wrk)
            check(S, "wrk: no non-2xx answers and no socket errors",
                  reqs and int(reqs.group(1)) > 100 and bad is None and errs is None, wrk)
        else:
            check(S, "wrk is installed (deploy/install-deps.sh)", False, "no wrk")
        # The sanitizers keep shadow memory and quarantine: only the plain build counts.
        if SLOW == 1:
            check(S, "the worker's memory does not run away", end_rss < start_rss * 1.5 + 8192,
                  (start_rss, end_rss))
        log = site.read_log()
        check(S, "no worker died", "died" not in log and "exited with status" not in log,
              log[-400:])
    except Exception as e:
        check(S, "harness", False, repr(e))
    finally:
        stop.set()
        site.cleanup()
    finish()


if __name__ == "__main__":
    main()
