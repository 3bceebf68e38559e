"""The bench's Python worker: bench/noop jobs through the Python worker library over HTTP.

Like bench/handlers.mjs, a job given `sentAt` (wall-clock ms in the creating process) returns
how long after it its handler started: the pickup latency through the long-poll claim.
Env: LONGRUN_URL, LONGRUN_WORKER_KEY, CONCURRENCY. Stops on SIGTERM.
"""
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "src"))
from longrun_worker import Worker  # noqa: E402

worker = Worker(url=os.environ["LONGRUN_URL"], key=os.environ["LONGRUN_WORKER_KEY"], concurrency=int(os.environ.get("CONCURRENCY", "8")))


@worker.handler("bench/noop")
def noop(job):
    sent_at = job.input.get("sentAt")
    return None if sent_at is None else {"pickupMs": time.time() * 1000 - sent_at}


print("python worker running", flush=True)
worker.run()
