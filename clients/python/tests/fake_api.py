"""A scriptable stand-in for Longrun's worker routes: a real HTTP server on 127.0.0.1 that hands out
the jobs a test queues, records every request, and answers as the test tells it to (a 503, a
dropped connection, a 409 lease_lost), so the library is tested over real sockets.
"""
from __future__ import annotations

import json
import select
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

LEASE = "lease-1"


class Recorded:
    """One request the fake received."""

    def __init__(self, method: str, path: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None

    def __repr__(self) -> str:
        return f"{self.method} {self.path} {self.body[:200]!r}"


class FakeApi:
    """Start with ``FakeApi(lease_ms=...)``; ``close()`` when done (tests use addCleanup)."""

    def __init__(self, lease_ms: int = 30000, key: str = "lrw_test") -> None:
        self.lease_ms = lease_ms
        self.key = key
        self.jobs: List[Dict[str, Any]] = []
        self.requests: List[Recorded] = []
        # Scripted answers, taken in order for requests whose path ends with the key:
        # an int is a status with a problem body; "drop" closes the connection without an answer.
        self.script: Dict[str, List[Any]] = {}
        self.cond = threading.Condition()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:
                fake._handle(self)

            def do_PUT(self) -> None:
                fake._handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def add_job(self, job_id: str = "job_1", job_type: str = "py/test", input: Any = None, **extra: Any) -> None:
        job = {"id": job_id, "type": job_type, "input": input if input is not None else {}, "attempt": 1, "maxAttempts": 3,
               "metadata": {}, "timeoutMs": 60000, "leaseToken": LEASE, "leaseExpiresAt": "2030-01-01T00:00:00.000Z",
               "checkpoint": None, **extra}
        with self.cond:
            self.jobs.append(job)
            self.cond.notify_all()

    def wait_for(self, predicate: Callable[[List[Recorded]], Any], timeout: float = 10.0) -> Any:
        """Waits (bounded, woken by each request) until ``predicate(requests)`` is truthy and returns it."""
        with self.cond:
            result = self.cond.wait_for(lambda: predicate(self.requests), timeout)
        if not result:
            raise AssertionError(f"not seen within {timeout} s; requests: {self.requests}")
        return result

    def seen(self, suffix: str) -> List[Recorded]:
        with self.cond:
            return [r for r in self.requests if r.path.endswith(suffix)]

    def _handle(self, http: BaseHTTPRequestHandler) -> None:
        length = int(http.headers.get("Content-Length") or 0)
        body = http.rfile.read(length) if length else b""
        record = Recorded(http.command, http.path, {k.lower(): v for k, v in http.headers.items()}, body)
        with self.cond:
            self.requests.append(record)
            self.cond.notify_all()
            scripted = next((k for k in self.script if http.path.endswith(k) and self.script[k]), None)
            answer = self.script[scripted].pop(0) if scripted else None
        if answer == "drop":
            http.close_connection = True
            http.connection.shutdown(2)
            return
        if isinstance(answer, int):
            return self._send(http, answer, {"code": "scripted", "detail": f"scripted {answer}"})
        if isinstance(answer, tuple):
            return self._send(http, *answer)
        if http.headers.get("X-API-Key") != self.key:
            return self._send(http, 401, {"code": "unauthorized", "detail": "bad key"})
        status, payload = self._route(http, http.path, record)
        if status != 499:  # no one is left to answer
            self._send(http, status, payload)

    def _route(self, http: BaseHTTPRequestHandler, path: str, record: Recorded) -> Tuple[int, Any]:
        if path == "/v1/worker/claim":
            request = record.json
            deadline = time.monotonic() + min(float(request.get("waitSeconds", 0)), 2.0)
            with self.cond:
                # As the real API: a claim whose client went away takes nothing (checked every 20 ms: it is a fake).
                while not self.jobs and time.monotonic() < deadline and not _gone(http):
                    self.cond.wait(0.02)
                if _gone(http):
                    return 499, None
                taken, self.jobs = self.jobs[: request["max"]], self.jobs[request["max"]:]
            return 200, {"workerId": "wrk_fake", "leaseMs": self.lease_ms, "jobs": taken}
        job_id = path.split("/")[4]
        if path.endswith("/heartbeat"):
            return 200, {"id": job_id, "leaseExpiresAt": "2030-01-01T00:00:00.000Z", "progress": 0, "statusMessage": None}
        if "/files/" in path:
            name = path.rsplit("/", 1)[1]
            return 201, {"name": name, "url": f"/v1/jobs/{job_id}/files/{name}", "contentType": record.headers.get("content-type"), "size": len(record.body)}
        return 200, {"id": job_id, "status": "completed" if path.endswith("/complete") else "pending"}

    @staticmethod
    def _send(http: BaseHTTPRequestHandler, status: int, payload: Optional[Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        http.send_response(status)
        http.send_header("Content-Type", "application/json" if status < 400 else "application/problem+json")
        http.send_header("Content-Length", str(len(data)))
        http.end_headers()
        http.wfile.write(data)


def _gone(http: BaseHTTPRequestHandler) -> bool:
    """True once the client closed its side of the connection."""
    readable, _, _ = select.select([http.connection], [], [], 0)
    if not readable:
        return False
    try:
        return http.connection.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def lease_lost(reason: str) -> Tuple[int, Dict[str, Any]]:
    """A scripted 409 lease_lost answer."""
    return 409, {"code": "lease_lost", "reason": reason, "detail": f"the lease is no longer current ({reason})"}
