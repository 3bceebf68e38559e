"""The worker: claims jobs of its types over HTTP, runs each handler on its own thread, reports back."""
from __future__ import annotations

import json
import logging
import signal
import socket
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

from ._http import Backoff, Client, quote_segment
from .errors import ApiError, JobFailed, LeaseLost, Unreachable
from .job import Job

log = logging.getLogger("longrun_worker")

Handler = Callable[[Job], Any]
H = TypeVar("H", bound=Handler)

# Claims long-poll this long: the API answers at once when a job arrives, so longer only saves requests.
DEFAULT_WAIT_SECONDS = 20
# How long a completion or failure report keeps being retried while the API is unreachable;
# past it the lease runs out and the job is retried elsewhere, which is what at-least-once means.
DEFAULT_REPORT_RETRY_SECONDS = 120.0


class Worker:
    """Runs Longrun jobs of the types it has handlers for, pulled over the worker protocol.

    ``url`` is the API's base URL, ``key`` a worker key (``lrw_…``) allowed those types,
    ``concurrency`` how many jobs run at once (each on its own thread). ``host`` is shown to
    operators (default: this machine's name). ``grace_seconds`` is how long running jobs may
    still finish once the worker is stopped before they are handed back.
    """

    def __init__(
        self,
        url: str,
        key: str,
        concurrency: int = 1,
        *,
        host: Optional[str] = None,
        wait_seconds: int = DEFAULT_WAIT_SECONDS,
        grace_seconds: float = 0.0,
        report_retry_seconds: float = DEFAULT_REPORT_RETRY_SECONDS,
        timeout: float = 30.0,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not 0 <= wait_seconds <= 20:
            raise ValueError("wait_seconds must be 0-20")
        self.url = url.rstrip("/")
        self.concurrency = concurrency
        self.host = host or socket.gethostname()[:200]
        self.wait_seconds = wait_seconds
        self.grace_seconds = grace_seconds
        self.report_retry_seconds = report_retry_seconds
        self.worker_id: Optional[str] = None
        self._handlers: Dict[str, Handler] = {}
        self._stop = threading.Event()
        self._client = Client(url, key, timeout=timeout, sleep=self._stop.wait, stopping=self._stop)
        # Job writes must not give up because the worker is stopping: they get a client of their own.
        self._job_client = Client(url, key, timeout=timeout)
        self._cond = threading.Condition()  # an RLock inside, so stop() may run in a signal handler
        self._running: Dict[str, Job] = {}
        self._claimed = 0
        self._fatal: Optional[BaseException] = None
        # Each run() has its own claimer; one left waiting by an earlier run() must not claim for this one.
        self._generation = 0

    def handler(self, job_type: str) -> Callable[[H], H]:
        """Decorator: ``@worker.handler("py/reverse")`` makes the function run jobs of that type.

        The function takes the Job and returns the output (any JSON value, or None). Raise
        JobFailed to fail with your own code; any other exception is a retryable failure.
        """

        def register(function: H) -> H:
            self._handlers[job_type] = function
            return function

        return register

    def stop(self) -> None:
        """Asks ``run()`` to return: no more claims; running jobs get ``grace_seconds``, then are handed back.

        Safe from any thread and from a signal handler. A stop before ``run()`` starts counts for
        nothing: each ``run()`` starts afresh.
        """
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        # A claim waiting on the API would hold on for up to wait_seconds: cut it now.
        threading.Thread(target=self._client.abort, name="longrun-abort-claim", daemon=True).start()

    def run(self, max_jobs: Optional[int] = None) -> int:
        """Claims and runs jobs until ``stop()``, SIGTERM or SIGINT, or until ``max_jobs`` have finished.

        Returns how many jobs it took. Raises ApiError when the API refuses the worker key.
        Signal handlers are installed only when called from the main thread, and restored after.
        """
        if not self._handlers:
            raise ValueError("no handlers: decorate a function with @worker.handler(TYPE) first")
        with self._cond:
            self._stop.clear()
            self._fatal = None
            self._claimed = 0
            self._generation += 1
            generation = self._generation
        previous = self._install_signals()
        claimer = threading.Thread(target=self._claim_loop, args=(max_jobs, generation), name="longrun-claim", daemon=True)
        claimer.start()
        try:
            with self._cond:
                while not self._stop.is_set() and self._fatal is None:
                    if max_jobs is not None and self._claimed >= max_jobs and not self._running:
                        break
                    self._cond.wait()
                self._stop.set()  # the claimer stops too, whichever way we got here
                self._cond.notify_all()
                deadline = time.monotonic() + self.grace_seconds
                while self._running and time.monotonic() < deadline:
                    self._cond.wait(deadline - time.monotonic())
                left = list(self._running.values())
            for job in left:
                self._release(job)
            # A claim may still be waiting on the API (stop() cuts it from a thread of its own,
            # which may not have run yet): cut it here and wait for the claimer, so that nothing
            # of this run claims a job after run() returned, e.g. while the next run() waits for it.
            self._client.abort()
            claimer.join(self.wait_seconds + 20)
        finally:
            self._restore_signals(previous)
        if self._fatal is not None:
            raise self._fatal
        return self._claimed

    # -- claiming ---------------------------------------------------------------------------

    def _claim_loop(self, max_jobs: Optional[int], generation: int) -> None:
        backoff = Backoff(first=0.5, cap=10.0)
        while not self._stop.is_set() and generation == self._generation:
            with self._cond:
                while not self._stop.is_set() and len(self._running) >= self.concurrency:
                    self._cond.wait()
                want = self.concurrency - len(self._running)
                if max_jobs is not None:
                    want = min(want, max_jobs - self._claimed)
            if self._stop.is_set() or want <= 0:
                return
            try:
                claimed = self._claim(min(want, 32))
                backoff.reset()
            except ApiError as error:
                log.error("claim refused: %s", error)
                with self._cond:
                    self._fatal = error
                    self._cond.notify_all()
                return
            except Unreachable as error:
                # The API is down or restarting: keep trying, ever more slowly, until it is back.
                delay = backoff.next_delay()
                log.warning("claim failed (%s); trying again in %.1f s", error, delay)
                self._stop.wait(delay)
                continue
            for job in claimed:
                self._start(job, generation)

    def _claim(self, want: int) -> List[Job]:
        body: Dict[str, Any] = {
            "types": sorted(self._handlers),
            "max": want,
            "waitSeconds": self.wait_seconds,
            "concurrency": self.concurrency,
            "host": self.host,
        }
        if self.worker_id:
            body["workerId"] = self.worker_id
        _, answer = self._client.request("POST", "/v1/worker/claim", body, timeout=self.wait_seconds + 15, retry_for=30.0)
        self.worker_id = answer.get("workerId") or self.worker_id
        lease_ms = int(answer.get("leaseMs") or 30000)
        return [Job(claim, self._job_client, lease_ms) for claim in answer.get("jobs", [])]

    def _start(self, job: Job, generation: int) -> None:
        with self._cond:
            if self._stop.is_set() or generation != self._generation:
                stopping = True
            else:
                stopping = False
                self._running[job.id] = job
                self._claimed += 1
        if stopping:
            # Claimed as the worker was stopping: hand it straight back.
            self._release(job)
            return
        threading.Thread(target=job._heartbeat_loop, name=f"longrun-heartbeat-{job.id}", daemon=True).start()
        threading.Thread(target=self._run_job, args=(job,), name=f"longrun-job-{job.id}", daemon=True).start()

    # -- one job ----------------------------------------------------------------------------

    def _run_job(self, job: Job) -> None:
        try:
            self._report(job, *self._call_handler(job))
        except Exception:  # a report that failed is logged; the lease running out retries the job
            log.exception("job %s: reporting its result failed", job.id)
        finally:
            job._finish()
            with self._cond:
                self._running.pop(job.id, None)
                self._cond.notify_all()

    def _call_handler(self, job: Job) -> Tuple[str, Dict[str, Any]]:
        """Runs the handler; returns what to report: ("complete", body) or ("fail", body)."""
        handler = self._handlers[job.type]
        try:
            output = handler(job)
            json.dumps(output)  # not JSON: a bug in the handler, and no retry will fix it
            return "complete", {"output": output}
        except JobFailed as failure:
            return "fail", {"error": {"code": failure.code, "message": failure.message[:2000]}, "retryable": failure.retryable}
        except LeaseLost:
            return "lost", {}
        except (TypeError, ValueError) as error:
            if "JSON serializable" in str(error) or "Circular reference" in str(error):
                return "fail", {"error": {"code": "invalid_output", "message": f"the output is not JSON: {error}"[:2000]}, "retryable": False}
            return "fail", _handler_error(error)
        except Exception as error:  # any other exception: a retryable failure carrying its message
            log.exception("job %s: handler raised", job.id)
            return "fail", _handler_error(error)

    def _report(self, job: Job, verdict: str, body: Dict[str, Any]) -> None:
        # Never report for a job that is no longer ours: the API would refuse it anyway (409),
        # and a worker that thinks its lease ran out must not try its luck.
        if verdict == "lost" or job.cancelled:
            log.info("job %s: result discarded (%s)", job.id, job.lost_reason or "lease lost")
            return
        job._finish()  # no heartbeat may race the final report
        path = f"/v1/worker/jobs/{quote_segment(job.id)}/{verdict}"
        try:
            self._job_client.request("POST", path, body, lease=job._lease, job_id=job.id, retry_for=self.report_retry_seconds)
        except LeaseLost as lost:
            job._lose(lost.reason)
            log.info("job %s: %s refused, lease lost (%s)", job.id, verdict, lost.reason)

    def _release(self, job: Job) -> None:
        """Hands a job back untouched (its attempt not counted) and tells its handler to stop."""
        job._lose("stopping")
        job._finish()
        try:
            self._job_client.request("POST", f"/v1/worker/jobs/{quote_segment(job.id)}/release", {}, lease=job._lease, job_id=job.id, retry_for=5.0)
        except (LeaseLost, ApiError, Unreachable) as error:
            log.warning("job %s: release failed (%s); its lease will run out instead", job.id, error)

    # -- signals ----------------------------------------------------------------------------

    def _install_signals(self) -> Dict[int, Any]:
        if threading.current_thread() is not threading.main_thread():
            return {}
        previous: Dict[int, Any] = {}
        for number in (signal.SIGTERM, signal.SIGINT):
            previous[number] = signal.signal(number, lambda *_: self.stop())
        return previous

    @staticmethod
    def _restore_signals(previous: Dict[int, Any]) -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _handler_error(error: BaseException) -> Dict[str, Any]:
    message = str(error) or type(error).__name__
    return {"error": {"code": "handler_error", "message": message[:2000]}, "retryable": True}
