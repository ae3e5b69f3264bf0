"""Scenarios that src/sdk/python-client.int.test.ts runs against a real `vigil serve`.

    python3 scenario.py NAME --url URL --model MODEL

Prints `progress {json}` lines while it runs and one `done {json}` line (the client's stats and
what was logged) at the end; the test reads the store to check the server holds exactly that.
Scenarios that wait on the test read one line from stdin ("restarted", "up").
"""
import argparse
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vigil_client import VigilClient  # noqa: E402

T0 = 1793491200000  # 2026-11-01T00:00:00Z


def pad(i):
    return "r%06d" % i


def record(model, i, with_id=True):
    r = {
        "model": model,
        "timestamp": T0 + i * 1000,
        "features": {"amount": (i % 97) * 1.5, "country": "US" if i % 3 == 0 else "DE", "is_new": i % 2 == 0},
        "tags": {"region": "EU" if i % 2 == 0 else "US"},
        "prediction": {"label": "fraud" if i % 5 == 0 else "legit", "score": (i % 100) / 100.0},
    }
    if with_id:
        r["id"] = pad(i)
    return r


def say(kind, obj):
    sys.stdout.write("%s %s\n" % (kind, json.dumps(obj)))
    sys.stdout.flush()


def volume(a):
    """100,000 records, then their 100,000 actuals a day later."""
    c = VigilClient(a.url, batch_size=2000)
    for i in range(100000):
        c.log(record(a.model, i))
    c.flush()
    for i in range(100000):
        c.log_actual(a.model, pad(i), {"label": "fraud" if i % 7 == 0 else "legit"},
                     timestamp=T0 + 86400000 + i * 1000)
    c.close()
    say("done", {"stats": c.stats(), "records": 100000, "actuals": 100000})


def outage(a):
    """A steady stream (2,500 rows/s) that goes on through the outage and 5,000 rows past it."""
    restarted = threading.Event()

    def wait_restart():
        sys.stdin.readline()
        restarted.set()

    threading.Thread(target=wait_restart, daemon=True).start()
    c = VigilClient(a.url, batch_size=500, flush_interval=0.2, retry_max=a.retry_max)
    logged = actuals = after = 0
    while not restarted.is_set() or after < 5000:
        for _ in range(50):
            c.log(record(a.model, logged, logged % 2 == 0))
            logged += 1
        for i in range(max(0, logged - 100), logged - 50, 2):
            c.log_actual(a.model, pad(i), {"label": "legit"})
            actuals += 1
        if restarted.is_set():
            after += 50
        say("progress", {"logged": logged, "accepted": c.stats()["accepted"]})
        time.sleep(0.02)
    c.close()
    say("done", {"stats": c.stats(), "records": logged, "actuals": actuals})


def issue22(a):
    """Issue 22: block mode, 100,000 records then 100,000 actuals; the test stops the server 2 s in
    and restarts it 20 s later. close_timeout is short on purpose: the backlog after the restart
    takes longer than that, and close() must go on while the server keeps accepting batches."""
    c = VigilClient(a.url, batch_size=1000, flush_interval=0.2, on_overflow="block", close_timeout=3.0)
    for i in range(100000):
        c.log(record(a.model, i))
        if i % 5000 == 0:
            time.sleep(0.15)
    for i in range(100000):
        c.log_actual(a.model, pad(i), {"label": "fraud" if i % 7 == 0 else "legit"})
    result = c.close()
    say("done", {"stats": result, "records": 100000, "actuals": 100000})


def drop(a):
    """drop-oldest: 3,000 records into a 1,000-row buffer while the server is away."""
    c = VigilClient(a.url, batch_size=100, max_buffer=1000, retry_max=0.5, on_overflow="drop-oldest")
    for i in range(3000):
        c.log(record(a.model, i))
    say("progress", c.stats())
    sys.stdin.readline()  # the test starts the server, then says "up"
    result = c.close()
    say("done", {"stats": result, "records": 3000})


def block(a):
    """block: 2,000 records into a 500-row buffer; log() waits while the server is away."""
    c = VigilClient(a.url, batch_size=100, max_buffer=500, on_overflow="block", retry_max=0.5)
    returned = [0]
    stop = threading.Event()

    def report():
        while not stop.wait(0.1):
            s = c.stats()
            s["returned"] = returned[0]
            say("progress", s)

    threading.Thread(target=report, daemon=True).start()
    for i in range(2000):
        c.log(record(a.model, i))
        returned[0] += 1
    c.close()
    stop.set()
    say("done", {"stats": c.stats(), "records": 2000})


def shutdown(a):
    """A context manager sends its partial batch on exit; a client never closed, at exit."""
    with VigilClient(a.url, batch_size=5000, flush_interval=60) as c:
        for i in range(766):
            c.log(record(a.model, i))
    forgotten = VigilClient(a.url, batch_size=5000, flush_interval=60)
    for i in range(766, 2000):
        forgotten.log(record(a.model, i))
    say("done", {"stats": c.stats(), "records": 2000})
    # No close(): the atexit hook sends the 1,234 rows still buffered.


def main():
    p = argparse.ArgumentParser()
    p.add_argument("name", choices=["volume", "outage", "issue22", "drop", "block", "shutdown"])
    p.add_argument("--url", required=True)
    p.add_argument("--model", required=True)
    p.add_argument("--retry-max", type=float, default=1.0, help="backoff cap in seconds (outage)")
    a = p.parse_args()
    globals()[a.name](a)


if __name__ == "__main__":
    main()
