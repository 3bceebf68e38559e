"""The worker library against a fake API over real sockets: heartbeats, reports, lease loss, retries, stop."""
from __future__ import annotations

import io
import logging
import os
import signal
import threading
import unittest
from typing import Any, List

from fake_api import LEASE, FakeApi, lease_lost

from longrun_worker import ApiError, Job, JobFailed, LeaseLost, Unreachable, Worker
from longrun_worker._http import Client

TYPE = "py/test"

# The library logs what it retries and discards; the tests assert on it instead (LONGRUN_TEST_VERBOSE=1 shows it).
if not os.environ.get("LONGRUN_TEST_VERBOSE"):
    logging.getLogger("longrun_worker").setLevel(logging.CRITICAL)


class WorkerTest(unittest.TestCase):
    def start(self, lease_ms: int = 30000, **options: Any) -> "tuple[FakeApi, Worker]":
        api = FakeApi(lease_ms=lease_ms)
        self.addCleanup(api.close)
        worker = Worker(url=api.url, key=api.key, wait_seconds=1, **options)
        return api, worker

    def run_in_thread(self, worker: Worker, **kwargs: Any) -> "tuple[threading.Thread, List[Any]]":
        """Runs worker.run in a thread (signal handlers are then left alone); its result lands in the list."""
        result: List[Any] = []

        def target() -> None:
            try:
                result.append(worker.run(**kwargs))
            except BaseException as error:  # handed to the test
                result.append(error)

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self.addCleanup(worker.stop)
        return thread, result

    def test_runs_a_job_and_completes_it_with_the_handlers_output(self) -> None:
        api, worker = self.start()
        seen: List[Job] = []

        @worker.handler(TYPE)
        def reverse(job: Job) -> Any:
            seen.append(job)
            return {"text": job.input["text"][::-1]}

        api.add_job(input={"text": "abc"}, metadata={"k": "v"}, attempt=2, checkpoint={"step": 3})
        self.assertEqual(worker.run(max_jobs=1), 1)
        complete = api.seen("/v1/worker/jobs/job_1/complete")
        self.assertEqual(len(complete), 1)
        self.assertEqual(complete[0].json, {"output": {"text": "cba"}})
        self.assertEqual(complete[0].headers["longrun-lease"], LEASE)
        job = seen[0]
        self.assertEqual((job.id, job.type, job.attempt, job.metadata, job.checkpoint), ("job_1", TYPE, 2, {"k": "v"}, {"step": 3}))
        claim = api.seen("/v1/worker/claim")[0].json
        self.assertEqual(claim["types"], [TYPE])
        self.assertEqual(claim["max"], 1)
        self.assertEqual(claim["waitSeconds"], 1)

    def test_heartbeats_every_third_of_the_lease_keep_a_blocking_handler_s_job(self) -> None:
        api, worker = self.start(lease_ms=300)

        @worker.handler(TYPE)
        def slow(job: Job) -> Any:
            # Blocks far longer than the lease: only the heartbeat thread keeps the job.
            api.wait_for(lambda requests: len([r for r in requests if r.path.endswith("/heartbeat")]) >= 4)
            return "done"

        api.add_job()
        worker.run(max_jobs=1)
        beats = api.seen("/heartbeat")
        self.assertGreaterEqual(len(beats), 4)
        self.assertTrue(all(b.headers["longrun-lease"] == LEASE for b in beats))
        self.assertEqual(api.seen("/complete")[0].json, {"output": "done"})

    def test_progress_and_a_checkpoint_are_sent_by_the_heartbeat(self) -> None:
        api, worker = self.start()

        @worker.handler(TYPE)
        def report(job: Job) -> Any:
            job.progress(40, "loading")
            job.save_checkpoint({"frame": 12})
            api.wait_for(lambda requests: [r for r in requests if r.path.endswith("/heartbeat")])
            return None

        api.add_job()
        worker.run(max_jobs=1)
        self.assertEqual(api.seen("/heartbeat")[0].json, {"progress": 40.0, "statusMessage": "loading", "checkpoint": {"frame": 12}})
        self.assertEqual(api.seen("/complete")[0].json, {"output": None})

    def test_a_lease_lost_sets_cancel_event_and_the_result_is_never_completed(self) -> None:
        api, worker = self.start(lease_ms=300)
        api.script["/heartbeat"] = [lease_lost("cancelled")]
        reasons: List[Any] = []

        @worker.handler(TYPE)
        def waits(job: Job) -> Any:
            self.assertTrue(job.cancel_event.wait(10), "the cancel reached the handler")
            reasons.append((job.cancelled, job.lost_reason))
            with self.assertRaises(LeaseLost):
                job.upload("late.txt", b"too late")
            return {"late": True}

        api.add_job()
        worker.run(max_jobs=1)
        self.assertEqual(reasons, [(True, "cancelled")])
        self.assertEqual(api.seen("/complete"), [])
        self.assertEqual(api.seen("/files/late.txt"), [], "an upload after the loss is not even sent")

    def test_job_failed_and_other_exceptions_become_fail_reports(self) -> None:
        api, worker = self.start(concurrency=3)

        @worker.handler(TYPE)
        def fails(job: Job) -> Any:
            if job.input["how"] == "own":
                raise JobFailed("bad_text", "no such text", retryable=False)
            if job.input["how"] == "crash":
                raise ZeroDivisionError("division by zero")
            return {"not json": object()}

        api.add_job("job_own", input={"how": "own"})
        api.add_job("job_crash", input={"how": "crash"})
        api.add_job("job_output", input={"how": "output"})
        worker.run(max_jobs=3)
        self.assertEqual(api.seen("/job_own/fail")[0].json, {"error": {"code": "bad_text", "message": "no such text"}, "retryable": False})
        self.assertEqual(api.seen("/job_crash/fail")[0].json, {"error": {"code": "handler_error", "message": "division by zero"}, "retryable": True})
        output = api.seen("/job_output/fail")[0].json
        self.assertEqual((output["error"]["code"], output["retryable"]), ("invalid_output", False))
        self.assertEqual(api.seen("/complete"), [])

    def test_survives_the_api_being_briefly_unreachable(self) -> None:
        api, worker = self.start()
        # The claim meets a 503 and a dropped connection, the complete a 502 and another drop.
        api.script["/claim"] = [503, "drop"]
        api.script["/complete"] = [502, "drop"]

        @worker.handler(TYPE)
        def ok(job: Job) -> Any:
            return "fine"

        api.add_job()
        self.assertEqual(worker.run(max_jobs=1), 1)
        self.assertEqual(len(api.seen("/claim")), 3)
        completes = api.seen("/complete")
        self.assertEqual(len(completes), 3)
        self.assertEqual(completes[-1].json, {"output": "fine"})

    def test_upload_streams_a_file_and_retries_it_from_the_start(self) -> None:
        api, worker = self.start()
        api.script["/files/out.bin"] = [503]
        answers: List[Any] = []

        @worker.handler(TYPE)
        def uploads(job: Job) -> Any:
            stream = io.BytesIO(b"skip" + b"0123456789")
            stream.read(4)  # the file starts here
            answers.append(job.upload("out.bin", stream, content_type="application/x-test"))
            answers.append(job.upload("note.txt", "héllo", content_type="text/plain"))
            return {"files": answers}

        api.add_job()
        worker.run(max_jobs=1)
        puts = api.seen("/files/out.bin")
        self.assertEqual([p.body for p in puts], [b"0123456789", b"0123456789"])
        self.assertEqual(puts[-1].headers["content-type"], "application/x-test")
        self.assertEqual(puts[-1].headers["longrun-lease"], LEASE)
        self.assertEqual(answers[0], {"name": "out.bin", "url": "/v1/jobs/job_1/files/out.bin", "contentType": "application/x-test", "size": 10})
        self.assertEqual(api.seen("/files/note.txt")[0].body, "héllo".encode("utf-8"))

    def test_stop_releases_running_jobs_and_tells_their_handlers(self) -> None:
        api, worker = self.start()
        started = threading.Event()
        reasons: List[Any] = []

        @worker.handler(TYPE)
        def waits(job: Job) -> Any:
            started.set()
            job.cancel_event.wait(10)
            reasons.append(job.lost_reason)
            return "late"

        api.add_job()
        thread, result = self.run_in_thread(worker)
        self.assertTrue(started.wait(10))
        worker.stop()
        thread.join(10)
        self.assertEqual(result, [1])
        self.assertEqual(len(api.seen("/job_1/release")), 1)
        api.wait_for(lambda _: reasons)
        self.assertEqual(reasons, ["stopping"])
        self.assertEqual(api.seen("/complete"), [])

    def test_sigterm_stops_run_in_the_main_thread(self) -> None:
        api, worker = self.start()

        @worker.handler(TYPE)
        def waits(job: Job) -> Any:
            os.kill(os.getpid(), signal.SIGTERM)
            job.cancel_event.wait(10)
            return None

        api.add_job()
        previous = signal.getsignal(signal.SIGTERM)
        self.assertEqual(worker.run(), 1)
        self.assertEqual(len(api.seen("/release")), 1)
        self.assertIs(signal.getsignal(signal.SIGTERM), previous, "the previous handler is restored")

    def test_a_refused_key_makes_run_raise(self) -> None:
        api, _ = self.start()
        worker = Worker(url=api.url, key="lrw_wrong", wait_seconds=0)
        worker.handler(TYPE)(lambda job: None)
        with self.assertRaises(ApiError) as raised:
            worker.run()
        self.assertEqual(raised.exception.status, 401)

    def test_claims_no_more_than_free_slots_and_max_jobs(self) -> None:
        api, worker = self.start(concurrency=8)
        worker.handler(TYPE)(lambda job: None)
        for n in range(3):
            api.add_job(f"job_{n}")
        self.assertEqual(worker.run(max_jobs=3), 3)
        self.assertEqual(api.seen("/claim")[0].json["max"], 3)
        self.assertEqual(len(api.seen("/complete")), 3)

    def test_run_again_after_stop_claims_once_not_twice(self) -> None:
        api, worker = self.start()
        worker.handler(TYPE)(lambda job: "ok")
        thread, result = self.run_in_thread(worker)
        api.wait_for(lambda requests: [r for r in requests if r.path.endswith("/claim")])
        worker.stop()  # its claim is still waiting on the fake API
        thread.join(10)
        self.assertEqual(result, [0])
        api.add_job()
        self.assertEqual(worker.run(max_jobs=1), 1)
        self.assertEqual(len(api.seen("/job_1/complete")), 1)
        self.assertEqual(api.seen("/release"), [], "the first run's claim did not take the job")

    def test_a_claim_stop_cuts_late_takes_nothing_once_run_returned(self) -> None:
        # stop() cuts a waiting claim from a thread of its own; on a busy machine that thread may
        # run only after run() returned and the next run() began. The first run's claim must not
        # take the next job then (it did, and handed it back, and the next run waited for ever).
        api, worker = self.start()
        worker.handler(TYPE)(lambda job: "ok")
        cut = worker._client.abort
        late = threading.Event()
        self.addCleanup(late.set)

        def cut_late() -> None:
            if threading.current_thread().name == "longrun-abort-claim":
                late.wait(5)  # stop()'s cut, held back until the next job is there
            cut()

        worker._client.abort = cut_late  # type: ignore[method-assign]
        thread, result = self.run_in_thread(worker)
        api.wait_for(lambda requests: [r for r in requests if r.path.endswith("/claim")])
        worker.stop()
        thread.join(10)
        self.assertEqual(result, [0])
        api.add_job()
        second, answer = self.run_in_thread(worker, max_jobs=1)
        second.join(10)
        self.assertEqual(answer, [1], "the next run took the job")
        self.assertEqual(api.seen("/release"), [], "the first run's claim did not take the job")

    def test_a_claim_that_connects_once_stopping_is_cut_and_takes_nothing(self) -> None:
        # stop() cuts the requests in flight; a claim the claim loop was just starting connects
        # only afterwards, and waited out the whole claim (SIGTERM then took 20 s to exit).
        api = FakeApi()
        self.addCleanup(api.close)
        api.add_job()
        stopping = threading.Event()
        stopping.set()
        client = Client(api.url, api.key, stopping=stopping)
        with self.assertRaises(Unreachable):
            client.request("POST", "/v1/worker/claim", {"types": [TYPE], "max": 1, "waitSeconds": 1})
        self.assertEqual(len(api.jobs), 1, "the cut claim took nothing")
        stopping.clear()
        _, answer = client.request("POST", "/v1/worker/claim", {"types": [TYPE], "max": 1, "waitSeconds": 1})
        self.assertEqual([job["id"] for job in answer["jobs"]], ["job_1"], "once no longer stopping, a claim goes through")

    def test_bad_arguments_are_refused(self) -> None:
        with self.assertRaises(ValueError):
            Worker(url="http://x", key="k", concurrency=0)
        with self.assertRaises(ValueError):
            Worker(url="http://x", key="k").run()


if __name__ == "__main__":
    unittest.main()
