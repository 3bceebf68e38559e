import time
import requests


def wait_for_job(job_id, api_key, max_wait_seconds=60):
    start_time = time.time()
    poll_interval = 1  # seconds

    while time.time() - start_time < max_wait_seconds:
        response = requests.get(
            f"https://api.cloudlayer.io/v2/jobs/{job_id}",
            headers={"X-API-Key": api_key},
        )
        job = response.json()

        if job["status"] == "completed":
            return job

        if job["status"] == "failed":
            raise Exception(f"Job {job_id} failed")

        time.sleep(poll_interval)

    raise TimeoutError(f"Job {job_id} timed out after {max_wait_seconds}s")


# Usage
job = wait_for_job("job_abc123def456", "your-api-key-here")
print(f"Completed in {job['processTime']}ms, size: {job['size']} bytes")
