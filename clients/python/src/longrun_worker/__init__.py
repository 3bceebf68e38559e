"""Run Longrun jobs in Python: a worker that pulls jobs over Longrun's HTTP worker protocol.

Standard library only. A minimal worker::

    from longrun_worker import Worker, JobFailed

    worker = Worker(url="http://127.0.0.1:8080", key="lrw_…", concurrency=2)

    @worker.handler("py/reverse")
    def reverse(job):
        job.progress(50, "halfway")
        return {"text": job.input["text"][::-1]}

    worker.run()

See the package README for every option.
"""
from .errors import ApiError, JobFailed, LeaseLost, Unreachable
from .job import Job
from .worker import Worker

__all__ = ["ApiError", "Job", "JobFailed", "LeaseLost", "Unreachable", "Worker"]
__version__ = "0.1.0"
