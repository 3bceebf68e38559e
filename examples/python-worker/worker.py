"""An example Longrun worker in Python, standard library only: a text report.

Each `py/text-report` job counts the words of its `text` (in chunks, reporting progress and
saving a checkpoint as it goes, so a retried attempt resumes where the last one stopped), writes
`report.md` (a Markdown table of the most frequent words) and `counts.json`, uploads both, and
returns the totals as its output.

    LONGRUN_URL=http://127.0.0.1:8080 LONGRUN_WORKER_KEY=lrw_… python3 worker.py

Run from a Longrun checkout it finds the library there; elsewhere `pip install` it first.
"""
from __future__ import annotations

import json
import logging
import os
import re
import sys
from collections import Counter
from typing import Any, Dict

try:
    from longrun_worker import Job, JobFailed, Worker
except ImportError:  # not installed: use the library of the checkout this example is in
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "src"))
    from longrun_worker import Job, JobFailed, Worker

WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
CHUNK_LINES = 2000  # lines counted between two progress reports

worker = Worker(
    url=os.environ.get("LONGRUN_URL", "http://127.0.0.1:8080"),
    key=os.environ["LONGRUN_WORKER_KEY"],
    concurrency=int(os.environ.get("CONCURRENCY", "2")),
)


@worker.handler("py/text-report")
def text_report(job: Job) -> Any:
    lines = job.input["text"].splitlines()
    top = job.input.get("top", 10)
    title = job.input.get("title") or "Text report"

    # Resume from the last checkpoint, if an earlier attempt of this job saved one.
    saved: Dict[str, Any] = job.checkpoint or {"line": 0, "counts": {}}
    counts = Counter(saved["counts"])
    start = saved["line"]
    for first in range(start, len(lines), CHUNK_LINES):
        if job.cancelled:  # cancelled by its owner, or the lease is gone: stop, nothing is kept
            return None
        for line in lines[first:first + CHUNK_LINES]:
            counts.update(word.lower() for word in WORD.findall(line))
        done = min(first + CHUNK_LINES, len(lines))
        job.progress(90 * done / max(len(lines), 1), f"counted {done} of {len(lines)} lines")
        if len(counts) < 2000:  # a checkpoint must stay small (64 KiB as JSON)
            job.save_checkpoint({"line": done, "counts": dict(counts)})

    total = sum(counts.values())
    if total == 0:
        raise JobFailed("no_words", "the text has no words", retryable=False)
    rows = counts.most_common(top)
    report = [f"# {title}", "", f"{total} words ({len(counts)} different) on {len(lines)} lines.", "",
              "| # | word | count | share |", "|---|------|------:|------:|"]
    report += [f"| {n} | {word} | {count} | {100 * count / total:.1f} % |" for n, (word, count) in enumerate(rows, 1)]
    job.progress(95, "uploading the report")
    files = [
        job.upload("report.md", "\n".join(report) + "\n", content_type="text/markdown"),
        job.upload("counts.json", json.dumps(dict(counts.most_common()), ensure_ascii=False), content_type="application/json"),
    ]
    return {"words": total, "distinctWords": len(counts), "lines": len(lines),
            "top": [{"word": word, "count": count} for word, count in rows], "files": files}


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    print(f"working on py/text-report jobs from {worker.url}; Ctrl-C to stop", flush=True)
    worker.run()
