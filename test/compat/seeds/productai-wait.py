import requests
import time
def wait_for_job(job_id, api_key, timeout=120):
    url = f"https://api.productai.photo/v1/jobs/{job_id}"
    headers = {"Authorization": f"Bearer {api_key}"}
    start = time.time()
    while time.time() - start < timeout:
        response = requests.get(url, headers=headers)
        job = response.json()
        if job["status"] == "completed":
            return job["images"]
        elif job["status"] == "failed":
            raise Exception(job["error"]["message"])
        time.sleep(3)
    raise TimeoutError("Job did not complete in time")
# Usage
images = wait_for_job("job_abc123xyz", "YOUR_API_KEY")
for img in images:
    print(img["url"])
