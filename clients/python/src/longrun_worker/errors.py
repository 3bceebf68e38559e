"""The exceptions a worker's handlers raise or see."""
from __future__ import annotations

from typing import Any, Optional


class JobFailed(Exception):
    """Raise from a handler to fail the job with your own error code.

    ``code`` is 1-64 of ``a-z 0-9 _ . -`` starting with a letter or digit (the API refuses others).
    With ``retryable=True`` (the default) the job is tried again while it has attempts left;
    ``retryable=False`` fails it for good at once (and refunds its credits).
    """

    def __init__(self, code: str, message: str = "", retryable: bool = True) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.retryable = retryable


class LeaseLost(Exception):
    """This worker no longer holds the job: stop and discard the work.

    Raised by ``job.upload`` (and seen as ``job.cancelled``) once the API answered
    ``409 lease_lost``. ``reason`` is the API's: ``cancelled``, ``timeout``, ``expired`` or
    ``superseded``; or ``stopping`` when the worker itself handed the job back on shutdown,
    or ``unreachable`` when the API could not be reached before the lease ran out.
    """

    def __init__(self, job_id: str, reason: str) -> None:
        super().__init__(f"job {job_id}: lease lost ({reason})")
        self.job_id = job_id
        self.reason = reason


class ApiError(Exception):
    """The API answered a request with an error it will answer again (a 4xx other than 409 lease_lost).

    ``status`` is the HTTP status, ``problem`` the parsed problem+json body (``code``, ``detail``, …).
    """

    def __init__(self, status: int, problem: Optional[Any], method: str, path: str) -> None:
        detail = ""
        if isinstance(problem, dict):
            detail = str(problem.get("detail") or problem.get("title") or "")
        super().__init__(f"{method} {path}: {status} {detail}".rstrip())
        self.status = status
        self.problem = problem


class Unreachable(Exception):
    """The API could not be reached (or kept failing with 5xx) for as long as the call allowed."""
