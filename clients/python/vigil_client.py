"""vigil_client logs predictions and actuals to a Vigil server.

Standard library only, Python >= 3.8. ``log()`` only appends to a bounded in-memory buffer under a
lock (under the default ``on_overflow="block"`` it waits for room when the buffer is full, so
nothing is dropped); a background thread serializes, gzips and posts batches (by size, or every
``flush_interval`` seconds), retries network failures, 408, 429 and 5xx answers with capped,
jittered exponential backoff honouring ``Retry-After`` for as long as it takes, and sends each
batch under one ``Idempotency-Key`` kept across its retries, so a retry is never counted twice.
A row is given up ("failed") only when the server refused it for good (another 4xx) or when
``close()`` waited ``close_timeout`` seconds without the server accepting a batch. Every loss
(dropped, failed, rejected) is counted in ``stats()``, reported to ``on_error``, warned about
(``VigilWarning``) the first time and summed up by ``close()``; nothing is raised at the caller.
``close()`` (also run at interpreter exit) sends what is left.

    from vigil_client import VigilClient

    with VigilClient("http://127.0.0.1:7420") as vigil:
        vigil.log({"model": "fraud", "features": {"amount": 12.5},
                   "prediction": {"label": "fraud", "score": 0.87}})
"""

import atexit
import datetime as _dt
import decimal
import email.utils
import gzip
import http.client
import json
import math
import os
import random
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections import deque

try:  # optional: only log_dataframe's missing-value handling uses it
    import pandas as _pd  # type: ignore
except Exception:  # pragma: no cover - pandas absent or broken
    _pd = None

__all__ = ["VigilClient", "VigilWarning", "backoff_delay", "retry_after_seconds", "is_retryable", "DROP_OLDEST",
           "BLOCK"]
__version__ = "0.1.0"

DROP_OLDEST = "drop-oldest"
BLOCK = "block"



class VigilWarning(UserWarning):
    """VigilWarning says the client lost rows (dropped, given up, or refused as invalid)."""


def _warn(message, stacklevel=3):
    warnings.warn("vigil-client: " + message, VigilWarning, stacklevel=stacklevel)


def is_retryable(status):
    """is_retryable: 408, 429 and every 5xx mean "later" (a busy, stopping or starting server, a
    proxy in front of it); any other 4xx is a refusal for good (413 is split, not retried)."""
    return status in (408, 429) or 500 <= status <= 599


#: A misconfigured proxy must not park a client for hours.
MAX_RETRY_AFTER = 60.0


def backoff_delay(attempt, initial, maximum, rand=random.random):
    """backoff_delay gives the wait in seconds before retry number ``attempt`` (1 = first retry).

    Exponential with "equal jitter": half of the step is fixed and half random, so a fleet that
    lost the server at once does not come back at once, and no retry is ~0 s after a failure.
    """
    step = min(maximum, initial * 2 ** max(0, min(attempt - 1, 30)))
    return step / 2 + rand() * step / 2


def retry_after_seconds(value, now=None):
    """retry_after_seconds reads Retry-After (delta-seconds or an HTTP-date); None if absent."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if text.isdigit():
        seconds = float(text)
    else:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=_dt.timezone.utc)
        seconds = when.timestamp() - (time.time() if now is None else now)
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def retry_delay(attempt, retry_after, initial, maximum, rand=random.random):
    """retry_delay waits what the server asked for (plus up to 20% jitter), else backs off."""
    if retry_after is not None:
        return retry_after * (1 + 0.2 * rand())
    return backoff_delay(attempt, initial, maximum, rand)


def _json_default(o):
    if isinstance(o, _dt.datetime):
        if o.tzinfo is None:  # naive times are taken as UTC, the server's zone
            return o.isoformat() + "Z"
        return o.isoformat()
    if isinstance(o, _dt.date):
        return o.isoformat() + "T00:00:00Z"
    if isinstance(o, decimal.Decimal):
        return float(o)
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    if hasattr(o, "item") and callable(o.item):  # numpy / pandas scalars
        return o.item()
    if hasattr(o, "tolist") and callable(o.tolist):  # numpy arrays
        return o.tolist()
    raise TypeError("%s is not JSON-serializable" % type(o).__name__)


def _without_nan(v):
    # JSON has no NaN; a NaN feature is a missing value, which the server takes as null.
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, dict):
        return {k: _without_nan(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_without_nan(x) for x in v]
    return v


def _dumps(row):
    try:
        return json.dumps(row, separators=(",", ":"), default=_json_default, allow_nan=False)
    except ValueError:
        return json.dumps(_without_nan(row), separators=(",", ":"), default=_json_default, allow_nan=False)


class VigilClient(object):
    """VigilClient batches rows to a Vigil server from a background thread.

    on_overflow says what ``log()`` does when ``max_buffer`` rows wait: ``"block"`` (the default)
    makes the caller wait for room, so nothing is lost; ``"drop-oldest"`` (for services that must
    never wait) discards the oldest unsent row, counts it in ``stats()["dropped"]``, warns at the
    first drop and is summed up by ``close()``. ``on_error(event)`` hears about refused rows (``"rejected"``),
    rows given up on (``"failed"``) and retries (``"retrying"``), from the sender thread.
    """

    def __init__(
        self,
        url,
        api_key=None,
        project=None,
        batch_size=500,
        flush_interval=1.0,
        max_buffer=100000,
        on_overflow=BLOCK,
        on_error=None,
        gzip=True,
        request_timeout=30.0,
        close_timeout=30.0,
        retry_initial=0.1,
        retry_max=5.0,
    ):
        if on_overflow not in (DROP_OLDEST, BLOCK):
            raise ValueError("on_overflow: must be 'drop-oldest' or 'block', got %r" % (on_overflow,))
        for name, v in (("batch_size", batch_size), ("max_buffer", max_buffer)):
            if not isinstance(v, int) or v < 1:
                raise ValueError("%s: must be a positive integer, got %r" % (name, v))
        for name, v in (("flush_interval", flush_interval), ("request_timeout", request_timeout),
                        ("close_timeout", close_timeout), ("retry_initial", retry_initial),
                        ("retry_max", retry_max)):
            if not isinstance(v, (int, float)) or v <= 0:
                raise ValueError("%s: must be a positive number of seconds, got %r" % (name, v))
        base = url.rstrip("/")
        self._urls = {"records": base + "/v1/records", "actuals": base + "/v1/actuals"}
        self._headers = {"Content-Type": "application/x-ndjson", "User-Agent": "vigil-client-py/" + __version__}
        self._gzip = bool(gzip)
        if self._gzip:
            self._headers["Content-Encoding"] = "gzip"
        if api_key is not None:
            self._headers["Authorization"] = "Bearer " + api_key
        if project is not None:
            self._headers["X-Vigil-Project"] = project
        self._batch_size = min(batch_size, max_buffer)
        self._max_buffer = max_buffer
        self._block = on_overflow == BLOCK
        self._flush_interval = float(flush_interval)
        self._request_timeout = float(request_timeout)
        self._close_timeout = float(close_timeout)
        self._retry_initial = float(retry_initial)
        self._retry_max = max(float(retry_initial), float(retry_max))
        self._on_error = on_error
        self._prefix = os.urandom(9).hex() + "-"
        self._id_seq = 0
        self._batch_seq = 0

        self._cond = threading.Condition()
        self._buf = deque()
        # Rows are numbered in log order: the buffer holds [_head_seq, _offered), the batch in
        # flight starts at _inflight_first. flush() waits for the lowest pending number to pass
        # its mark, whichever way rows leave (sent, dropped, given up).
        self._offered = 0
        self._head_seq = 0
        self._inflight_first = None
        self._flush_mark = 0
        self._waiting = 0
        self._closed = False
        self._abandoned = False
        self._wake = threading.Event()
        self._last_progress = 0.0
        self._warned = set()
        self._failed_by = {}
        self._first_rejection = None
        self._counts = dict.fromkeys(
            ("logged", "accepted", "rejected", "dropped", "failed", "inflight", "requests", "retries"), 0
        )
        self._thread = threading.Thread(target=self._run, name="vigil-client-sender", daemon=True)
        self._thread.start()
        atexit.register(self.close)

    # -- public API ---------------------------------------------------------------------------

    def log(self, record):
        """log queues one prediction and returns at once (under "block", once there is room).

        The record is kept by reference and serialized in the sender thread: do not mutate it
        afterwards. Without an ``id`` it gets a client-generated one; without a ``timestamp`` it
        gets the time of this call.
        """
        self._offer("records", record)

    def log_actual(self, model, id, actual, timestamp=None):
        """log_actual queues the ground truth of prediction ``id`` of ``model``."""
        row = {"model": model, "id": id, "actual": actual}
        if timestamp is not None:
            row["timestamp"] = timestamp
        self._offer("actuals", row)

    def log_dataframe(
        self,
        df,
        model,
        version=None,
        environment=None,
        id_column=None,
        timestamp_column=None,
        prediction_column=None,
        score_column=None,
        actual_column=None,
        tag_columns=(),
        feature_columns=None,
        regression=False,
    ):
        """log_dataframe logs one record per row of a pandas DataFrame; returns the row count.

        It never drops a row: whatever ``on_overflow`` says, it waits for room in the buffer.
        Named columns take their roles (prediction/actual as ``label``, or as ``value`` with
        ``regression=True``; ``score_column`` as the score); the other columns are features
        unless ``feature_columns`` lists them. NaN/NaT/NA cells become missing values.
        """
        tag_columns = list(tag_columns)
        roles = set(c for c in (id_column, timestamp_column, prediction_column, score_column, actual_column)
                    if c is not None)
        roles.update(tag_columns)
        columns = [str(c) for c in df.columns]
        features = list(feature_columns) if feature_columns is not None else [c for c in columns if c not in roles]
        key = "value" if regression else "label"
        n = 0
        for row in df.to_dict(orient="records"):
            record = {"model": model}
            if version is not None:
                record["version"] = version
            if environment is not None:
                record["environment"] = environment
            if id_column is not None and not _missing(row.get(id_column)):
                record["id"] = str(_scalar(row[id_column]))
            if timestamp_column is not None and not _missing(row.get(timestamp_column)):
                record["timestamp"] = _scalar(row[timestamp_column])
            record["features"] = {str(c): (None if _missing(row.get(c)) else _scalar(row.get(c))) for c in features}
            if tag_columns:
                record["tags"] = {str(c): str(_scalar(row[c])) for c in tag_columns if not _missing(row.get(c))}
            prediction = {}
            if prediction_column is not None and not _missing(row.get(prediction_column)):
                prediction[key] = _scalar(row[prediction_column])
            if score_column is not None and not _missing(row.get(score_column)):
                prediction["score"] = _scalar(row[score_column])
            if prediction:
                record["prediction"] = prediction
            if actual_column is not None and not _missing(row.get(actual_column)):
                record["actual"] = {key: _scalar(row[actual_column])}
            self._offer("records", record, block=True)
            n += 1
        return n

    def flush(self, timeout=None):
        """flush waits until every row logged before the call is answered or given up on.

        Returns True when done, False when ``timeout`` (seconds) passed first.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            mark = self._offered
            self._flush_mark = max(self._flush_mark, mark)
            self._cond.notify_all()
            while self._lowest_pending() < mark:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def close(self, timeout=None):
        """close stops accepting rows, sends what is buffered and stops the sender thread.

        It goes on while the server accepts batches; once ``timeout`` seconds (default
        ``close_timeout``) pass with no batch accepted (the server away or refusing), it gives up
        on what is left and counts it as failed. Returns the final ``stats()`` with ``"lost"``:
        rows not stored (dropped + failed + rejected), and warns (``VigilWarning``) when that is
        not 0. Safe to call twice; registered with atexit.
        """
        limit = self._close_timeout if timeout is None else float(timeout)
        with self._cond:
            first_close = not self._closed
            self._closed = True
            self._cond.notify_all()
        try:
            atexit.unregister(self.close)
        except Exception:  # pragma: no cover - interpreter shutting down
            pass
        if threading.current_thread() is self._thread:
            return None  # called from on_error: the sender finishes on its own
        # Once closed, the sender sends partial batches at once and exits when nothing is left.
        # The deadline counts time without progress, so a long backlog the server is taking
        # is not cut short: only `limit` seconds with no batch accepted end it.
        start = time.monotonic()
        while self._thread.is_alive():
            with self._cond:
                since = max(start, self._last_progress)
            left = since + limit - time.monotonic()
            if left <= 0:
                self._abandon()
                self._thread.join(self._request_timeout + 1.0)
                break
            self._thread.join(left)
        result = self.stats()
        result["lost"] = result["dropped"] + result["failed"] + result["rejected"]
        if result["lost"] and first_close:
            parts = []
            if result["dropped"]:
                parts.append('%d dropped (buffer full under on_overflow="drop-oldest"; use on_overflow="block" '
                             "or log_dataframe)" % result["dropped"])
            with self._cond:
                parts.extend("%d failed (%s)" % (n, why) for why, n in self._failed_by.items())
            if result["rejected"]:
                parts.append("%d rejected as invalid (first: %s)" % (result["rejected"], self._first_rejection))
            _warn("close(): %d of %d rows were not stored: %s." % (result["lost"], result["logged"], "; ".join(parts)))
        return result

    def stats(self):
        """stats gives the row counters.

        ``logged = accepted + rejected + dropped + failed + buffered + waiting + in_flight``.
        """
        with self._cond:
            c = self._counts
            return {
                "logged": c["logged"],
                "accepted": c["accepted"],
                "rejected": c["rejected"],
                "dropped": c["dropped"],
                "failed": c["failed"],
                "buffered": len(self._buf),
                "waiting": self._waiting,
                "in_flight": c["inflight"],
                "requests": c["requests"],
                "retries": c["retries"],
            }

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    # -- caller side --------------------------------------------------------------------------

    def _offer(self, endpoint, row, block=False):
        at = int(time.time() * 1000)
        with self._cond:
            self._counts["logged"] += 1
            if self._closed:
                self._counts["failed"] += 1
                closed = True
            else:
                closed = False
                buf = self._buf
                if len(buf) >= self._max_buffer:
                    if self._block or block:
                        self._waiting += 1
                        while len(self._buf) >= self._max_buffer and not self._abandoned:
                            self._cond.wait()
                        self._waiting -= 1
                        if self._abandoned:
                            # close() gave up while we waited: the row is counted, not sent.
                            self._counts["failed"] += 1
                            self._note_failed(endpoint, 1, self._deadline_reason())
                            return
                    else:
                        buf.popleft()
                        self._head_seq += 1
                        self._counts["dropped"] += 1
                        if "dropped" not in self._warned:
                            self._warned.add("dropped")
                            _warn(
                                'the buffer is full (max_buffer %d rows) and on_overflow is "drop-oldest": the oldest '
                                "unsent row was dropped; later drops are counted in stats()['dropped'] and reported "
                                'by close(). To lose nothing, use on_overflow="block" (the default) or '
                                "log_dataframe()." % self._max_buffer,
                                stacklevel=5,  # the caller of log()
                            )
                buf.append((endpoint, row, at))
                self._offered += 1
                if len(buf) == self._batch_size:
                    self._cond.notify_all()
        if closed:
            self._note_failed(endpoint, 1, "logged after close()")
            self._emit({"type": "failed", "endpoint": endpoint, "rows": 1, "message": "logged after close()"})

    # -- sender thread ------------------------------------------------------------------------

    def _lowest_pending(self):
        return self._head_seq if self._inflight_first is None else self._inflight_first

    def _run(self):
        next_tick = time.monotonic() + self._flush_interval
        while True:
            with self._cond:
                while True:
                    if self._abandoned:
                        return
                    n = len(self._buf)
                    if n >= self._batch_size or (n > 0 and (self._closed or self._head_seq < self._flush_mark)):
                        break
                    if self._closed and n == 0 and self._waiting == 0:
                        return
                    now = time.monotonic()
                    if now >= next_tick:
                        next_tick = now + self._flush_interval
                        if n > 0:
                            self._flush_mark = max(self._flush_mark, self._offered)
                            continue
                    self._cond.wait(max(0.0, next_tick - now))
                take = min(self._batch_size, len(self._buf))
                batch = [self._buf.popleft() for _ in range(take)]
                self._inflight_first = self._head_seq
                self._head_seq += take
                self._counts["inflight"] = take
                self._cond.notify_all()  # room for "block" callers
            try:
                self._send_batch(batch)
            except Exception as e:  # only a bug gets here: count the rows rather than lose them
                self._give_up("records", self._counts["inflight"], None, "client error: %r" % (e,))
            with self._cond:
                self._inflight_first = None
                self._counts["inflight"] = 0
                self._cond.notify_all()

    def _send_batch(self, batch):
        for endpoint in ("records", "actuals"):
            part = [e for e in batch if e[0] == endpoint]
            if part:
                self._send_rows(endpoint, part)

    def _send_rows(self, endpoint, entries):
        lines, rows, bad = [], [], []
        for e in entries:
            try:
                lines.append(self._serialize(e))
                rows.append(e[1])
            except Exception as err:
                bad.append({"index": -1, "field": "", "message": "is not JSON-serializable (%s)" % (err,),
                            "row": e[1]})
        if bad:
            with self._cond:
                self._counts["rejected"] += len(bad)
                self._counts["inflight"] -= len(bad)
            self._note_rejected(endpoint, len(bad), bad[0]["message"])
            self._emit({"type": "rejected", "endpoint": endpoint, "errors": bad})
        if lines:
            self._batch_seq += 1
            self._deliver(endpoint, lines, rows, "%s%s%d" % (self._prefix, endpoint[0], self._batch_seq))

    def _serialize(self, entry):
        endpoint, row, at = entry
        if isinstance(row, dict):
            need_id = endpoint == "records" and row.get("id") is None
            need_ts = row.get("timestamp") is None
            if need_id or need_ts:
                row = dict(row)
                if need_id:
                    self._id_seq += 1
                    row["id"] = self._prefix + format(self._id_seq, "x")
                if need_ts:
                    row["timestamp"] = at
        return _dumps(row)

    def _deliver(self, endpoint, lines, rows, key):
        body = ("\n".join(lines) + "\n").encode("utf-8")
        if self._gzip:
            body = gzip.compress(body, compresslevel=1)
        headers = dict(self._headers)
        headers["Idempotency-Key"] = key
        attempt = 0
        while True:
            attempt += 1
            if self._abandoned:
                return self._give_up(endpoint, len(lines), None, self._deadline_reason())
            with self._cond:
                self._counts["requests"] += 1
            kind, status, payload, after = self._post(self._urls[endpoint], headers, body)
            if kind == "done":
                with self._cond:
                    self._last_progress = time.monotonic()
                    self._counts["accepted"] += payload.get("accepted", 0)
                    self._counts["rejected"] += payload.get("rejected", 0)
                    self._counts["inflight"] -= len(lines)
                errors = payload.get("errors") or []
                if payload.get("rejected", 0):
                    first = errors[0] if errors else {}
                    self._note_rejected(endpoint, payload["rejected"], "%s: %s" % (first.get("field"), first.get("message"))
                                        if first else "refused by the server")
                if errors:
                    self._emit({
                        "type": "rejected",
                        "endpoint": endpoint,
                        "errors": [dict(x, row=rows[x["index"]] if 0 <= x.get("index", -1) < len(rows) else None)
                                   for x in errors],
                    })
                return None
            if kind == "too-large":
                if len(lines) == 1:
                    return self._give_up(endpoint, 1, 413, "one row is larger than the server body limit")
                half = (len(lines) + 1) // 2
                self._deliver(endpoint, lines[:half], rows[:half], key + ".a")
                self._deliver(endpoint, lines[half:], rows[half:], key + ".b")
                return None
            if kind == "failed":
                return self._give_up(endpoint, len(lines), status, payload)
            if self._abandoned:
                continue
            delay = retry_delay(attempt, after, self._retry_initial, self._retry_max)
            with self._cond:
                self._counts["retries"] += 1
            self._emit({"type": "retrying", "endpoint": endpoint, "rows": len(lines), "attempt": attempt,
                        "delay": delay, "status": status, "message": payload})
            self._wake.wait(delay)

    def _post(self, url, headers, body):
        """_post returns (kind, status, payload, retry_after); kind is done|retry|too-large|failed."""
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self._request_timeout) as res:
                status, text, after = res.status, res.read(), res.headers.get("Retry-After")
        except urllib.error.HTTPError as e:
            try:
                text = e.read()
            except Exception:
                text = b""
            status, after = e.code, e.headers.get("Retry-After") if e.headers else None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as e:
            reason = getattr(e, "reason", None) or e
            return "retry", None, "network: %s" % (reason,), None
        try:
            answer = json.loads(text.decode("utf-8")) if text else None
        except ValueError:
            answer = None
        ingest = isinstance(answer, dict) and isinstance(answer.get("accepted"), int) \
            and isinstance(answer.get("rejected"), int) and isinstance(answer.get("errors"), list)
        if 200 <= status < 300 or (status == 400 and ingest):
            if not ingest:
                return "failed", status, "unreadable answer from the server", None
            return "done", status, answer, None
        if status == 413:
            return "too-large", status, None, None
        message = "HTTP %d" % status
        if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
            err = answer["error"]
            message = "%s: %s" % (err.get("code"), err.get("message"))
        if is_retryable(status):
            return "retry", status, message, retry_after_seconds(after)
        return "failed", status, message, None

    def _give_up(self, endpoint, rows, status, message):
        with self._cond:
            self._counts["failed"] += rows
            self._counts["inflight"] -= rows
        self._note_failed(endpoint, rows, message if status is None else "HTTP %d %s" % (status, message))
        self._emit({"type": "failed", "endpoint": endpoint, "rows": rows, "status": status, "message": message})

    def _deadline_reason(self):
        return "close() waited close_timeout (%gs) with no batch accepted" % self._close_timeout

    def _note_failed(self, endpoint, rows, reason):
        with self._cond:
            self._failed_by[reason] = self._failed_by.get(reason, 0) + rows
            if "failed" in self._warned:
                return
            self._warned.add("failed")
        _warn("gave up on %d row%s (%s): %s; later give-ups are counted in stats()['failed'] and reported by "
              "close()." % (rows, "" if rows == 1 else "s", endpoint, reason))

    def _note_rejected(self, endpoint, rows, reason):
        with self._cond:
            if self._first_rejection is None:
                self._first_rejection = reason
            if "rejected" in self._warned:
                return
            self._warned.add("rejected")
        _warn("%d invalid row%s (%s) rejected: %s; rejected rows are counted in stats()['rejected'], reported "
              "to on_error with the row, and by close()." % (rows, "" if rows == 1 else "s", endpoint, reason))

    def _abandon(self):
        with self._cond:
            if self._abandoned:
                return
            self._abandoned = True
            left = {"records": 0, "actuals": 0}
            for entry in self._buf:
                left[entry[0]] += 1
            self._head_seq += len(self._buf)
            self._counts["failed"] += len(self._buf)
            self._buf.clear()
            self._cond.notify_all()
        self._wake.set()
        for endpoint, rows in left.items():
            if rows:
                self._note_failed(endpoint, rows, self._deadline_reason())
                self._emit({"type": "failed", "endpoint": endpoint, "rows": rows, "message": self._deadline_reason()})

    def _emit(self, event):
        if self._on_error is None:
            return
        try:
            self._on_error(event)
        except Exception:  # a throwing callback must not kill the sender thread
            pass


def _missing(v):
    if v is None:
        return True
    if isinstance(v, float):
        return math.isnan(v)
    if _pd is not None:
        try:
            return bool(_pd.isna(v))
        except (TypeError, ValueError):
            return False
    return False


def _scalar(v):
    if hasattr(v, "isoformat") and hasattr(v, "tzinfo"):
        if getattr(v, "tzinfo", None) is None:
            return v.isoformat() + "Z"
        return v.isoformat()
    if hasattr(v, "item") and callable(v.item) and not isinstance(v, (str, bytes)):
        try:
            return v.item()
        except (TypeError, ValueError):
            return v
    return v
