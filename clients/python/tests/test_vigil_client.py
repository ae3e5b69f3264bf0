"""Unit tests of vigil_client against an in-process stub of the ingest API (no ClickHouse).

Run: python3 -m unittest discover -s clients/python/tests   (src/sdk/python-client.test.ts does).
"""
import gzip
import json
import os
import sys
import threading
import time
import unittest
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import vigil_client  # noqa: E402
from vigil_client import VigilClient, VigilWarning, backoff_delay, retry_after_seconds, retry_delay  # noqa: E402

FAST = dict(retry_initial=0.005, retry_max=0.02, flush_interval=60)


def accept_all(req, n):
    return 200, {}, {"accepted": len(req["rows"]), "rejected": 0, "errors": []}


def unavailable(req, n):
    return 503, {}, {"error": {"code": "queue_full", "message": "later"}}


class Stub(object):
    """Stub serves a fake ingest API and keeps every request it saw."""

    def __init__(self, respond=accept_all):
        self.requests = []
        self.respond = respond
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                rows = [json.loads(line) for line in raw.decode("utf-8").split("\n") if line.strip()]
                req = {"path": self.path, "headers": dict(self.headers), "rows": rows}
                stub.requests.append(req)
                status, headers, body = stub.respond(req, len(stub.requests))
                data = json.dumps(body).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def balanced(s):
    return s["logged"] == (s["accepted"] + s["rejected"] + s["dropped"] + s["failed"] + s["buffered"]
                           + s["waiting"] + s["in_flight"])


def wait_for(pred, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pred():
            return True
        time.sleep(0.005)
    raise AssertionError("condition not met within %s s" % timeout)


class BackoffTest(unittest.TestCase):
    def test_backoff_is_half_fixed_half_random_and_capped(self):
        cases = [
            ("first retry, least jitter", 1, 0.0, 0.05),
            ("first retry, most jitter", 1, 1.0, 0.1),
            ("doubles per attempt", 3, 0.0, 0.2),
            ("capped", 12, 1.0, 5.0),
            ("absurd attempt stays finite", 10000, 0.0, 2.5),
        ]
        for name, attempt, r, expected in cases:
            with self.subTest(name):
                self.assertAlmostEqual(backoff_delay(attempt, 0.1, 5.0, lambda: r), expected)

    def test_retry_after(self):
        now = 1795939200.0  # 2026-11-29T08:00:00Z
        cases = [
            ("absent", None, None),
            ("blank", " ", None),
            ("delta-seconds", "2", 2.0),
            ("HTTP-date ahead", "Sun, 29 Nov 2026 08:00:30 GMT", 30.0),
            ("HTTP-date past", "Sun, 29 Nov 2026 07:00:00 GMT", 0.0),
            ("capped", "86400", vigil_client.MAX_RETRY_AFTER),
            ("garbage", "soon", None),
        ]
        for name, header, expected in cases:
            with self.subTest(name):
                got = retry_after_seconds(header, now)
                if expected is None:
                    self.assertIsNone(got)
                else:
                    self.assertAlmostEqual(got, expected, places=3)

    def test_retry_delay_honours_retry_after_with_jitter_on_top(self):
        self.assertAlmostEqual(retry_delay(9, 1.0, 0.1, 5.0, lambda: 0.0), 1.0)
        self.assertAlmostEqual(retry_delay(9, 1.0, 0.1, 5.0, lambda: 1.0), 1.2)
        self.assertAlmostEqual(retry_delay(2, None, 0.1, 5.0, lambda: 0.0), 0.1)


class WireTest(unittest.TestCase):
    def setUp(self):
        self.stub = Stub()

    def tearDown(self):
        self.stub.close()

    def test_batches_are_gzipped_ndjson_with_auth_project_client_ids_and_log_time(self):
        before = int(time.time() * 1000)
        with VigilClient(self.stub.url + "/", api_key="k1", project="shop", batch_size=3, **FAST) as c:
            c.log({"model": "m", "features": {"a": 1, "missing": float("nan")}})
            c.log({"model": "m", "id": "own", "timestamp": "2026-11-29T08:00:00Z"})
            c.log({"model": "m"})
            wait_for(lambda: len(self.stub.requests) == 1)
        req = self.stub.requests[0]
        self.assertEqual(req["path"], "/v1/records")
        self.assertEqual(req["headers"]["Content-Encoding"], "gzip")
        self.assertEqual(req["headers"]["Content-Type"], "application/x-ndjson")
        self.assertEqual(req["headers"]["Authorization"], "Bearer k1")
        self.assertEqual(req["headers"]["X-Vigil-Project"], "shop")
        rows = req["rows"]
        self.assertEqual(rows[1]["id"], "own")
        self.assertEqual(rows[1]["timestamp"], "2026-11-29T08:00:00Z")
        self.assertNotEqual(rows[0]["id"], rows[2]["id"])
        self.assertTrue(before <= rows[0]["timestamp"] <= int(time.time() * 1000))
        self.assertIsNone(rows[0]["features"]["missing"])  # NaN is sent as a missing value
        self.assertEqual(c.stats()["accepted"], 3)

    def test_partial_batch_goes_out_after_flush_interval(self):
        c = VigilClient(self.stub.url, batch_size=100, flush_interval=0.02)
        c.log({"model": "m"})
        wait_for(lambda: c.stats()["accepted"] == 1)
        c.close()

    def test_actuals_go_to_their_endpoint(self):
        with VigilClient(self.stub.url, gzip=False, **FAST) as c:
            c.log({"model": "m", "id": "p1"})
            c.log_actual("m", "p1", {"label": "yes"})
            c.log_actual("m", "p2", {"value": 3}, timestamp=5)
        self.assertEqual([(r["path"], len(r["rows"])) for r in self.stub.requests],
                         [("/v1/records", 1), ("/v1/actuals", 2)])
        self.assertNotIn("Content-Encoding", self.stub.requests[1]["headers"])
        a1, a2 = self.stub.requests[1]["rows"]
        self.assertEqual((a1["model"], a1["id"], a1["actual"]), ("m", "p1", {"label": "yes"}))
        self.assertIsInstance(a1["timestamp"], int)
        self.assertEqual(a2, {"model": "m", "id": "p2", "actual": {"value": 3}, "timestamp": 5})


def caught():
    """caught records VigilWarnings (from any thread) until the returned context exits."""
    ctx = warnings.catch_warnings(record=True)
    seen = ctx.__enter__()
    warnings.simplefilter("always", VigilWarning)
    return ctx, seen


def said(seen):
    return [str(w.message) for w in seen if issubclass(w.category, VigilWarning)]


class RetryTest(unittest.TestCase):
    def tearDown(self):
        self.stub.close()

    def test_retries_500_502_408_429_and_delivers_once(self):
        codes = [500, 502, 408, 429]

        def respond(req, n):
            if n <= len(codes):
                return codes[n - 1], {}, {"error": {"code": "x", "message": "later"}}
            return accept_all(req, n)

        self.stub = Stub(respond)
        with VigilClient(self.stub.url, **FAST) as c:
            c.log({"model": "m"})
        self.assertEqual(len(set(r["headers"]["Idempotency-Key"] for r in self.stub.requests)), 1)
        s = c.stats()
        self.assertEqual((s["accepted"], s["failed"], s["retries"], s["requests"]), (1, 0, 4, 5))

    def test_retries_503_under_one_idempotency_key_and_the_same_ids(self):
        def respond(req, n):
            if n <= 2:
                return 503, {"Retry-After": "0"}, {"error": {"code": "queue_full", "message": "later"}}
            return accept_all(req, n)

        self.stub = Stub(respond)
        events = []
        with VigilClient(self.stub.url, on_error=events.append, **FAST) as c:
            for _ in range(5):
                c.log({"model": "m"})
        self.assertEqual(len(self.stub.requests), 3)
        self.assertEqual(len(set(r["headers"]["Idempotency-Key"] for r in self.stub.requests)), 1)
        self.assertEqual(len(set(json.dumps([x["id"] for x in r["rows"]]) for r in self.stub.requests)), 1)
        s = c.stats()
        self.assertEqual((s["accepted"], s["retries"], s["failed"]), (5, 2, 0))
        self.assertEqual([(e["type"], e["status"]) for e in events], [("retrying", 503), ("retrying", 503)])

    def test_splits_on_413_with_a_key_per_half(self):
        def respond(req, n):
            if len(req["rows"]) > 2:
                return 413, {}, {"error": {"code": "payload_too_large", "message": "big"}}
            return accept_all(req, n)

        self.stub = Stub(respond)
        with VigilClient(self.stub.url, **FAST) as c:
            for i in range(5):
                c.log({"model": "m", "id": "r%d" % i})
        ok = [r for r in self.stub.requests if len(r["rows"]) <= 2]
        self.assertEqual([x["id"] for r in ok for x in r["rows"]], ["r0", "r1", "r2", "r3", "r4"])
        self.assertEqual(len(set(r["headers"]["Idempotency-Key"] for r in ok)), len(ok))
        self.assertEqual(c.stats()["accepted"], 5)

    def test_refused_rows_are_counted_and_reported_with_the_logged_object(self):
        self.stub = Stub(lambda req, n: (200, {}, {"accepted": 2, "rejected": 1, "errors": [
            {"index": 1, "field": "prediction.score", "message": "bad"}]}))
        events = []
        bad = {"model": "m", "prediction": {"score": 7}}
        with VigilClient(self.stub.url, on_error=events.append, **FAST) as c:
            c.log({"model": "m"})
            c.log(bad)
            c.log({"model": "m"})
        self.assertEqual((c.stats()["accepted"], c.stats()["rejected"]), (2, 1))
        self.assertEqual(events, [{"type": "rejected", "endpoint": "records", "errors": [
            {"index": 1, "field": "prediction.score", "message": "bad", "row": bad}]}])

    def test_unserializable_rows_are_refused_locally_and_a_throwing_callback_is_ignored(self):
        self.stub = Stub()

        def boom(event):
            raise RuntimeError("ignored")

        with VigilClient(self.stub.url, on_error=boom, **FAST) as c:
            c.log({"model": "m", "features": {"x": object()}})
            c.log({"model": "m"})
        self.assertEqual((c.stats()["accepted"], c.stats()["rejected"]), (1, 1))

    def test_gives_up_on_401_and_counts_failed(self):
        self.stub = Stub(lambda req, n: (401, {}, {"error": {"code": "unauthorized", "message": "no key"}}))
        events = []
        ctx, seen = caught()
        try:
            c = VigilClient(self.stub.url, on_error=events.append, **FAST)
            c.log({"model": "m"})
            result = c.close()
        finally:
            ctx.__exit__(None, None, None)
        self.assertEqual(len(self.stub.requests), 1)
        self.assertEqual((c.stats()["failed"], c.stats()["retries"]), (1, 0))
        self.assertEqual(events[0]["status"], 401)
        self.assertEqual(events[0]["message"], "unauthorized: no key")
        # Loud: a warning names the count and the reason; close() returns and repeats the loss.
        self.assertEqual(result["lost"], 1)
        msgs = said(seen)
        self.assertEqual(len(msgs), 2, msgs)
        self.assertIn("gave up on 1 row (records): HTTP 401 unauthorized: no key", msgs[0])
        self.assertIn("close(): 1 of 1 rows were not stored: 1 failed (HTTP 401 unauthorized: no key)", msgs[1])


class OverflowTest(unittest.TestCase):
    def tearDown(self):
        self.stub.close()

    def test_drop_oldest_keeps_the_newest_and_counts_the_dropped(self):
        self.stub = Stub(unavailable)
        ctx, seen = caught()
        self.addCleanup(ctx.__exit__, None, None, None)
        c = VigilClient(self.stub.url, batch_size=5, max_buffer=5, on_overflow="drop-oldest", **FAST)
        for i in range(20):
            c.log({"model": "m", "id": "r%02d" % i})
        msgs = said(seen)
        self.assertEqual(len(msgs), 1, msgs)  # loud at the first drop, naming the fix
        self.assertIn('on_overflow="block"', msgs[0])
        wait_for(lambda: c.stats()["retries"] > 0)
        s = c.stats()
        # The sender thread may have taken r0..r4 in flight before the rest arrived, or not.
        self.assertEqual(s["logged"], 20)
        self.assertEqual(s["buffered"] + s["in_flight"] + s["dropped"], 20)
        self.assertGreaterEqual(s["dropped"], 10)
        self.assertTrue(balanced(s), s)
        self.stub.respond = accept_all
        result = c.close()
        s = c.stats()
        self.assertEqual(s["accepted"] + s["dropped"], 20)
        self.assertEqual(s["failed"], 0)
        self.assertEqual(result["lost"], s["dropped"])
        msgs = said(seen)
        self.assertEqual(len(msgs), 2, msgs)
        self.assertIn("close(): %d of 20 rows were not stored: %d dropped" % (s["dropped"], s["dropped"]), msgs[1])
        delivered = [x["id"] for r in self.stub.requests[-1:] for x in r["rows"]]
        self.assertEqual(delivered, ["r15", "r16", "r17", "r18", "r19"])  # the newest survive

    def test_block_makes_log_wait_for_room_and_loses_nothing(self):
        self.stub = Stub(unavailable)
        c = VigilClient(self.stub.url, batch_size=2, max_buffer=4, on_overflow="block", **FAST)
        returned = []

        def produce():
            for i in range(10):
                c.log({"model": "m", "id": "r%d" % i})
                returned.append(i)

        t = threading.Thread(target=produce)
        t.start()
        wait_for(lambda: c.stats()["waiting"] == 1 and c.stats()["retries"] > 2)
        self.assertEqual(len(returned), 6)  # 2 in flight + 4 buffered; the 7th caller waits
        s = c.stats()
        self.assertEqual((s["in_flight"], s["buffered"], s["dropped"]), (2, 4, 0))
        self.stub.respond = accept_all
        t.join(5)
        c.close()
        ok = {}
        for r in self.stub.requests:
            ok[r["headers"]["Idempotency-Key"]] = [x["id"] for x in r["rows"]]
        self.assertEqual([i for ids in ok.values() for i in ids], ["r%d" % i for i in range(10)])
        s = c.stats()
        self.assertEqual((s["accepted"], s["dropped"], s["failed"]), (10, 0, 0))


    def test_block_is_the_default_and_a_fast_loop_loses_nothing(self):
        def slow(req, n):
            time.sleep(0.005)
            return accept_all(req, n)

        self.stub = Stub(slow)
        ctx, seen = caught()
        self.addCleanup(ctx.__exit__, None, None, None)
        c = VigilClient(self.stub.url, batch_size=10, max_buffer=20, **FAST)
        for i in range(500):
            c.log({"model": "m", "id": "r%d" % i})
        result = c.close()
        self.assertEqual((result["accepted"], result["dropped"], result["lost"]), (500, 0, 0))
        self.assertEqual([x["id"] for r in self.stub.requests for x in r["rows"]], ["r%d" % i for i in range(500)])
        self.assertEqual(said(seen), [])


class ShutdownTest(unittest.TestCase):
    def tearDown(self):
        self.stub.close()

    def test_close_goes_on_while_the_server_keeps_accepting(self):
        def slow(req, n):
            time.sleep(0.06)
            return accept_all(req, n)

        self.stub = Stub(slow)
        c = VigilClient(self.stub.url, batch_size=10, close_timeout=0.15, **FAST)
        for _ in range(200):
            c.log({"model": "m"})
        # 20 batches of 60 ms: ~8 close_timeouts of backlog, but every answer is progress.
        result = c.close()
        self.assertEqual((result["accepted"], result["failed"], result["lost"]), (200, 0, 0))

    def test_close_sends_a_partial_batch_and_later_logs_count_as_failed(self):
        self.stub = Stub()
        c = VigilClient(self.stub.url, batch_size=1000, **FAST)
        for _ in range(7):
            c.log({"model": "m"})
        c.close()
        c.close()
        self.assertEqual(len(self.stub.requests), 1)
        c.log({"model": "m"})
        s = c.stats()
        self.assertEqual((s["accepted"], s["failed"], s["logged"]), (7, 1, 8))
        self.assertTrue(balanced(s))

    def test_close_gives_up_after_its_timeout_and_releases_blocked_callers(self):
        self.stub = Stub(unavailable)
        c = VigilClient(self.stub.url, batch_size=2, max_buffer=2, on_overflow="block", **FAST)
        producer = threading.Thread(target=lambda: [c.log({"model": "m"}) for _ in range(7)])
        producer.start()
        wait_for(lambda: c.stats()["waiting"] == 1)
        ctx, seen = caught()
        try:
            result = c.close(timeout=0.2)
        finally:
            ctx.__exit__(None, None, None)
        self.assertEqual(result["lost"], result["logged"])
        self.assertIn("with no batch accepted", said(seen)[-1])
        producer.join(2)
        self.assertFalse(producer.is_alive())
        s = c.stats()
        self.assertEqual((s["accepted"], s["buffered"], s["waiting"], s["in_flight"]), (0, 0, 0, 0))
        self.assertEqual(s["failed"], s["logged"])


class FakeFrame(object):
    """FakeFrame has the two members of a pandas DataFrame that log_dataframe uses."""

    def __init__(self, rows):
        self._rows = rows
        self.columns = list(rows[0].keys())

    def to_dict(self, orient):
        assert orient == "records"
        return [dict(r) for r in self._rows]


class DataFrameTest(unittest.TestCase):
    def setUp(self):
        self.stub = Stub()

    def tearDown(self):
        self.stub.close()

    def test_log_dataframe_maps_columns_to_roles(self):
        import datetime

        df = FakeFrame([
            {"txn": 1, "ts": datetime.datetime(2026, 11, 29, 8, 0), "amount": 12.5, "country": "US",
             "region": "EU", "pred": "fraud", "p": 0.87, "label": "legit"},
            {"txn": 2, "ts": datetime.datetime(2026, 11, 29, 9, 0), "amount": float("nan"), "country": None,
             "region": "US", "pred": "legit", "p": 0.1, "label": None},
        ])
        with VigilClient(self.stub.url, **FAST) as c:
            n = c.log_dataframe(df, model="fraud", version="v3", environment="training", id_column="txn",
                                timestamp_column="ts", prediction_column="pred", score_column="p",
                                actual_column="label", tag_columns=["region"])
        self.assertEqual(n, 2)
        r1, r2 = self.stub.requests[0]["rows"]
        self.assertEqual(r1, {"model": "fraud", "version": "v3", "environment": "training", "id": "1",
                              "timestamp": "2026-11-29T08:00:00Z", "features": {"amount": 12.5, "country": "US"},
                              "tags": {"region": "EU"}, "prediction": {"label": "fraud", "score": 0.87},
                              "actual": {"label": "legit"}})
        self.assertEqual(r2["features"], {"amount": None, "country": None})
        self.assertNotIn("actual", r2)

    def test_log_dataframe_never_drops_even_under_drop_oldest(self):
        def slow(req, n):
            time.sleep(0.005)
            return accept_all(req, n)

        self.stub.respond = slow
        df = FakeFrame([{"txn": i, "amount": float(i)} for i in range(300)])
        c = VigilClient(self.stub.url, batch_size=10, max_buffer=20, on_overflow="drop-oldest", **FAST)
        self.assertEqual(c.log_dataframe(df, model="m", id_column="txn"), 300)
        result = c.close()
        self.assertEqual((result["accepted"], result["dropped"], result["lost"]), (300, 0, 0))

    @unittest.skipIf(vigil_client._pd is None, "pandas is not installed")
    def test_log_dataframe_with_pandas(self):  # pragma: no cover - runs where pandas is
        import pandas as pd

        df = pd.DataFrame({"amount": [1.0, None], "y": [1.5, 2.5], "pred": [1.4, 2.6]})
        with VigilClient(self.stub.url, **FAST) as c:
            c.log_dataframe(df, model="reg", prediction_column="pred", actual_column="y", regression=True)
        rows = self.stub.requests[0]["rows"]
        self.assertEqual(rows[0]["prediction"], {"value": 1.4})
        self.assertEqual(rows[1]["features"], {"amount": None})


class OptionsTest(unittest.TestCase):
    def test_bad_options_raise_at_construction(self):
        for bad in ({"batch_size": 0}, {"max_buffer": -1}, {"flush_interval": 0}, {"on_overflow": "drop-newest"}):
            with self.subTest(bad):
                self.assertRaises(ValueError, VigilClient, "http://127.0.0.1:1", **bad)


if __name__ == "__main__":
    unittest.main()
