"""One claimed job, as a handler sees it, and the heartbeat that keeps its lease."""
from __future__ import annotations

import io
import logging
import threading
import time
from typing import IO, Any, Dict, Optional, Union

from ._http import Client, quote_segment
from .errors import ApiError, LeaseLost, Unreachable

log = logging.getLogger("longrun_worker")

# A progress or checkpoint change is sent this soon at the earliest after the last heartbeat,
# so a handler that reports in a tight loop does not flood the API.
MIN_REPORT_SECONDS = 0.5

_UNSET: Any = object()


class Job:
    """A job this worker holds a lease on.

    Attributes read from the claim: ``id``, ``type``, ``input`` (private fields included),
    ``attempt`` (from 1), ``max_attempts``, ``metadata``, ``timeout_ms`` and ``checkpoint`` (what
    an earlier attempt saved with ``save_checkpoint``, or None).

    ``cancel_event`` is set when the job is no longer this worker's: a client cancelled it, it
    timed out, its lease was lost, or the worker is stopping. The handler should then stop; what
    it returns is discarded (``job.cancelled`` says the same; ``job.lost_reason`` says why).
    """

    def __init__(self, claim: Dict[str, Any], client: Client, lease_ms: int) -> None:
        self.id: str = claim["id"]
        self.type: str = claim["type"]
        self.input: Any = claim.get("input")
        self.attempt: int = int(claim.get("attempt") or 1)
        self.max_attempts: int = int(claim.get("maxAttempts") or 1)
        self.metadata: Dict[str, Any] = claim.get("metadata") or {}
        self.timeout_ms: Optional[int] = claim.get("timeoutMs")
        self.checkpoint: Any = claim.get("checkpoint")
        self.cancel_event = threading.Event()
        self.lost_reason: Optional[str] = None
        self._lease: str = claim["leaseToken"]
        self._client = client
        self._lease_seconds = max(lease_ms, 1) / 1000.0
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._done = threading.Event()
        self._pending: Dict[str, Any] = {}
        # Where the lease stands by our own clock: last heartbeat answered + the lease.
        self._lease_until = time.monotonic() + self._lease_seconds
        self._last_beat = time.monotonic()

    @property
    def cancelled(self) -> bool:
        """True once the job is no longer this worker's (see ``cancel_event``)."""
        return self.cancel_event.is_set()

    def progress(self, percent: float, message: Optional[str] = _UNSET) -> None:
        """Records progress (0-100) and optionally a status message (None clears it).

        Sent by the heartbeat soon after (within about half a second), never blocking the handler.
        """
        update: Dict[str, Any] = {"progress": max(0.0, min(100.0, float(percent)))}
        if message is not _UNSET:
            update["statusMessage"] = None if message is None else str(message)[:500]
        self._queue(update)

    def save_checkpoint(self, value: Any) -> None:
        """Stores a small JSON value (up to 64 KiB as JSON) handed to the next attempt if this one dies.

        Sent by the heartbeat soon after; the next attempt reads it as ``job.checkpoint``.
        """
        self._queue({"checkpoint": value})

    def upload(self, name: str, data: Union[bytes, bytearray, str, IO[bytes]], content_type: str = "application/octet-stream") -> Dict[str, Any]:
        """Stores one output file of this job and returns ``{name, url, contentType, size}``.

        ``data`` is bytes, a str (its text, sent as UTF-8: not a path; to send a file on disk,
        pass ``open(path, "rb")``) or a binary file opened for reading (streamed, never read
        whole). Put the answer in the output's ``files`` list so the job counts its
        bytes. The same name replaces the file. Raises LeaseLost when the job is no longer this
        worker's, ApiError when the API refuses the file (a bad name: 400; too big: 413).
        """
        if isinstance(data, str):
            data = data.encode("utf-8")
        if isinstance(data, bytearray):
            data = bytes(data)
        stream: Optional[IO[bytes]] = None if isinstance(data, bytes) else data
        start = stream.tell() if stream is not None and _seekable(stream) else None

        def rewind() -> None:
            if stream is not None and start is not None:
                stream.seek(start)

        # A stream that cannot be rewound is sent once: a retry would send a truncated file.
        retry_for = self._lease_seconds if stream is None or start is not None else 0.0
        self._ensure_held()
        try:
            _, answer = self._client.request(
                "PUT", f"/v1/worker/jobs/{quote_segment(self.id)}/files/{quote_segment(name)}",
                body=data, content_type=content_type, lease=self._lease, job_id=self.id,
                retry_for=retry_for, rewind=rewind, timeout=max(self._client.timeout, 300.0),
            )
        except LeaseLost as lost:
            self._lose(lost.reason)
            raise
        return dict(answer)

    # -- used by the worker -------------------------------------------------------------

    def _ensure_held(self) -> None:
        if self.cancel_event.is_set():
            raise LeaseLost(self.id, self.lost_reason or "superseded")

    def _queue(self, update: Dict[str, Any]) -> None:
        with self._lock:
            self._pending.update(update)
        self._wake.set()

    def _lose(self, reason: str) -> None:
        """Marks the job as no longer ours; the first reason is the one kept."""
        with self._lock:
            if self.lost_reason is None:
                self.lost_reason = reason
        self.cancel_event.set()
        self._wake.set()

    def _finish(self) -> None:
        """Stops the heartbeat (the attempt is over, one way or another)."""
        self._done.set()
        self._wake.set()

    def _heartbeat_loop(self) -> None:
        """Extends the lease every third of it, and sends progress/checkpoints soon after they change.

        A 409 lease_lost sets ``cancel_event``. While the API cannot be reached it keeps trying
        until the lease would have run out by our own clock, then gives the job up as lost.
        """
        interval = self._lease_seconds / 3.0
        while not self._done.is_set() and not self.cancel_event.is_set():
            now = time.monotonic()
            with self._lock:
                has_news = bool(self._pending)
            due = self._last_beat + (MIN_REPORT_SECONDS if has_news else interval)
            if now < due:
                self._wake.clear()
                self._wake.wait(due - now)
                continue
            with self._lock:
                body, self._pending = self._pending, {}
            sent_at = time.monotonic()
            try:
                self._client.request(
                    "POST", f"/v1/worker/jobs/{quote_segment(self.id)}/heartbeat", body,
                    lease=self._lease, job_id=self.id, retry_for=max(0.0, self._lease_until - sent_at),
                )
                self._lease_until = sent_at + self._lease_seconds
                self._last_beat = sent_at
            except LeaseLost as lost:
                log.info("job %s: lease lost (%s); its handler is told to stop", self.id, lost.reason)
                self._lose(lost.reason)
            except Unreachable as error:
                if self._done.is_set():
                    return
                log.warning("job %s: API unreachable until the lease ran out (%s); giving the job up", self.id, error)
                self._lose("unreachable")
            except ApiError as error:
                # A refused heartbeat (say, a checkpoint over 64 KiB) keeps the lease where it was;
                # drop what was refused so the next beat can extend the lease again.
                log.error("job %s: heartbeat refused: %s", self.id, error)
                self._last_beat = sent_at


def _seekable(stream: Any) -> bool:
    try:
        return bool(stream.seekable())
    except (AttributeError, ValueError, io.UnsupportedOperation):
        return False
