"""Times VigilClient.log() per call on the caller's thread (bench/sdk.ts runs it; see there).

Prints one JSON object: median/p99 in microseconds for log() and for the baseline
json.dumps(record) + list.append, over the same records, interleaved in halves.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from vigil_client import VigilClient  # noqa: E402

COUNTRIES = ["US", "DE", "FR", "BR", "IN"]


def make_records(n, offset):
    out = []
    for k in range(n):
        i = k + offset
        out.append({
            "model": "sdk-bench-py",
            "version": "v1",
            "id": "r%d" % i,
            "features": {
                "amount": (i % 997) * 1.37, "age": 18 + i % 60, "balance": (i % 5003) * 3.1,
                "n_tx_24h": i % 17, "distance_km": (i % 311) * 0.7, "hour": i % 24,
                "score_ext": (i % 101) / 100, "country": COUNTRIES[i % 5],
                "device": "ios" if i % 3 == 0 else "android", "channel": "web" if i % 4 == 0 else "app",
                "is_new": i % 2 == 0, "merchant": "m%d" % (i % 211),
            },
            "tags": {"region": "EU" if i % 2 == 0 else "US"},
            "prediction": {"label": "fraud" if i % 5 == 0 else "legit", "score": (i % 100) / 100},
        })
    return out


def time_calls(records, call):
    clock = time.perf_counter_ns
    out = [0] * len(records)
    for i, r in enumerate(records):
        t0 = clock()
        call(r)
        out[i] = clock() - t0
        if i % 100 == 99:
            time.sleep(0)  # let the sender thread run, as a serving loop would between requests
    return out


def summary(ns):
    s = sorted(ns)
    at = lambda q: s[min(len(s) - 1, int(q * len(s)))] / 1000.0  # noqa: E731
    return round(at(0.5), 3), round(at(0.99), 3)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--url", required=True)
    p.add_argument("--records", type=int, default=200000)
    a = p.parse_args()
    n = a.records // 2 * 2
    sink = []

    def baseline(r):
        sink.append(json.dumps(r))
        if len(sink) >= 500:
            del sink[:]

    client = VigilClient(a.url)
    time_calls(make_records(20000, 10000000), baseline)
    time_calls(make_records(20000, 20000000), client.log)
    halves = [make_records(n // 2, 0), make_records(n // 2, n // 2)]
    b, v = [], []
    for h in halves:
        client.flush()  # the baseline runs with the sender idle, so it cannot slow the baseline down
        b += time_calls(h, baseline)
        v += time_calls(h, client.log)
    client.close()
    st = client.stats()
    vm, vp = summary(v)
    bm, bp = summary(b)
    print(json.dumps({
        "median_us": vm, "p99_us": vp, "baseline_median_us": bm, "baseline_p99_us": bp,
        "ratio": round(bm / vm, 3), "accepted": st["accepted"], "dropped": st["dropped"], "logged": st["logged"],
    }))


if __name__ == "__main__":
    main()
