"""A small JSON client for the worker protocol, with retries for the moments the API is unreachable.

Only the standard library: urllib.request for HTTP, json for bodies. A request that fails
because the API cannot be reached, or answers 5xx, is retried with exponential backoff until a
deadline the caller chooses; a 4xx is an answer and is raised at once (409 lease_lost as LeaseLost).
"""
from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import IO, Any, Callable, Dict, Optional, Set, Tuple, Union

from .errors import ApiError, LeaseLost, Unreachable

Body = Union[bytes, IO[bytes], None]

# Errors that mean "the API did not answer", worth trying again.
_TRANSIENT = (urllib.error.URLError, ConnectionError, socket.timeout, TimeoutError, http.client.HTTPException, OSError)


class Backoff:
    """Exponential backoff with jitter: first ``first`` seconds, doubling up to ``cap``."""

    def __init__(self, first: float = 0.25, cap: float = 5.0) -> None:
        self.first = first
        self.cap = cap
        self._next = first

    def next_delay(self) -> float:
        delay = self._next
        self._next = min(self.cap, self._next * 2)
        # Jitter so that many workers that lost the API together do not come back in step.
        return delay * (0.5 + random.random() / 2)

    def reset(self) -> None:
        self._next = self.first


class Client:
    """Speaks to one Longrun API with one worker key.

    ``sleep`` waits between retries and returns True when the wait was cut short (the worker is
    stopping); tests and the worker pass an Event's wait so a stop is never held up by a backoff.
    """

    def __init__(
        self,
        url: str,
        key: str,
        timeout: float = 30.0,
        sleep: Optional[Callable[[float], bool]] = None,
        stopping: Optional[threading.Event] = None,
    ) -> None:
        self.base = url.rstrip("/")
        self.key = key
        self.timeout = timeout
        self._sleep = sleep or _plain_sleep
        # While `stopping` is set, a connection is cut as soon as it connects: abort() cannot cut
        # one that connects after it ran (a claim the claim loop was just starting).
        self._stopping = stopping
        # The connections of requests in flight, so abort() can cut them (a claim waiting 20 s).
        self._connections: Set[http.client.HTTPConnection] = set()
        self._lock = threading.Lock()
        self._opener = urllib.request.build_opener(_TrackedHTTP(self._track), _TrackedHTTPS(self._track))

    def abort(self) -> None:
        """Cuts every request in flight: each fails at once (and is not retried if ``sleep`` says stop).

        The server sees the connection close; a claim cut this way takes nothing (the API hands
        back whatever it had claimed for it). Set ``stopping`` first to cut the ones still to connect.
        """
        with self._lock:
            connections, self._connections = self._connections, set()
        for connection in connections:
            _cut(connection)

    def _track(self, connection: http.client.HTTPConnection) -> None:
        """Called once a connection is open: tracked for abort(), or cut at once while stopping."""
        with self._lock:
            self._connections = {c for c in self._connections if c.sock is not None}
            self._connections.add(connection)
        # After the add: an abort() that took the set before it saw `stopping` set, so one of the two cuts it.
        if self._stopping is not None and self._stopping.is_set():
            _cut(connection)

    def request(
        self,
        method: str,
        path: str,
        json_body: Any = None,
        *,
        lease: Optional[str] = None,
        job_id: str = "",
        body: Body = None,
        content_type: Optional[str] = None,
        timeout: Optional[float] = None,
        retry_for: float = 0.0,
        rewind: Optional[Callable[[], None]] = None,
    ) -> Tuple[int, Any]:
        """Sends one request and returns ``(status, parsed JSON or None)`` for a 2xx answer.

        ``retry_for`` is how many seconds to keep trying while the API is unreachable or
        answers 5xx (0: one try). ``rewind`` is called before a retry to re-read a streamed body.
        Raises LeaseLost on 409 lease_lost, ApiError on other 4xx, Unreachable when out of time.
        """
        deadline = time.monotonic() + retry_for
        backoff = Backoff()
        while True:
            try:
                return self._once(method, path, json_body, lease, body, content_type, timeout)
            except urllib.error.HTTPError as error:
                status, problem = error.code, _read_json(error)
                if status == 409 and isinstance(problem, dict) and problem.get("code") == "lease_lost":
                    raise LeaseLost(job_id, str(problem.get("reason") or "superseded")) from None
                if status < 500:
                    raise ApiError(status, problem, method, path) from None
                last: BaseException = ApiError(status, problem, method, path)
            except _TRANSIENT as error:
                last = error
            delay = backoff.next_delay()
            if time.monotonic() + delay > deadline:
                raise Unreachable(f"{method} {path}: {last}") from last
            if self._sleep(delay):
                raise Unreachable(f"{method} {path}: stopped while retrying after {last}") from last
            if rewind is not None:
                rewind()

    def _once(self, method: str, path: str, json_body: Any, lease: Optional[str], body: Body, content_type: Optional[str], timeout: Optional[float]) -> Tuple[int, Any]:
        headers: Dict[str, str] = {"X-API-Key": self.key, "Accept": "application/json", "User-Agent": "longrun-worker-python/0.1"}
        data: Any = body
        if json_body is not None or (body is None and method == "POST"):
            data = json.dumps(json_body if json_body is not None else {}).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif content_type is not None:
            headers["Content-Type"] = content_type
        if lease is not None:
            headers["Longrun-Lease"] = lease
        if data is not None and not isinstance(data, (bytes, bytearray)):
            size = _stream_size(data)
            if size is not None:
                headers["Content-Length"] = str(size)
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with self._opener.open(request, timeout=timeout or self.timeout) as response:
            return response.status, _read_json(response)


class _TrackedHTTP(urllib.request.HTTPHandler):
    """urllib's HTTP handler, telling the client of each connection it opens."""

    def __init__(self, track: Callable[[http.client.HTTPConnection], None]) -> None:
        super().__init__()
        self._track = track

    def http_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_tracked(http.client.HTTPConnection, self._track), req)


class _TrackedHTTPS(urllib.request.HTTPSHandler):
    """urllib's HTTPS handler (default certificate checks), telling the client of each connection."""

    def __init__(self, track: Callable[[http.client.HTTPConnection], None]) -> None:
        super().__init__()
        self._track = track

    def https_open(self, req: urllib.request.Request) -> Any:
        return self.do_open(_tracked(http.client.HTTPSConnection, self._track), req, context=getattr(self, "_context", None))


def _tracked(cls: "type[http.client.HTTPConnection]", track: Callable[[http.client.HTTPConnection], None]) -> Callable[..., http.client.HTTPConnection]:
    """A connection class that tells `track` of each connection once its socket is open.

    Before connect() there is no socket to cut, so tracking at creation left a window in which
    abort() passed over a connection that then connected and waited out a whole claim.
    """

    class Tracked(cls):  # type: ignore[valid-type, misc]
        def connect(self) -> None:
            super().connect()
            track(self)

    return Tracked


def _cut(connection: http.client.HTTPConnection) -> None:
    sock = connection.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def quote_segment(value: str) -> str:
    """One path segment, escaped (job ids and file names are plain, but never trust that)."""
    return urllib.parse.quote(value, safe="")


def _read_json(response: Any) -> Any:
    try:
        raw = response.read()
    except Exception:  # an error body that cannot be read says nothing more than its status
        return None
    if not raw:
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except ValueError:
        return None


def _stream_size(stream: Any) -> Optional[int]:
    """The bytes left in a seekable binary stream, so the upload carries a Content-Length."""
    try:
        here = stream.tell()
        end = stream.seek(0, 2)
        stream.seek(here)
        return int(end - here)
    except (AttributeError, OSError, ValueError):
        return None


def _plain_sleep(seconds: float) -> bool:
    threading.Event().wait(seconds)
    return False
