const jobId = "job_abc123def456";

const response = await fetch(
  `https://api.cloudlayer.io/v2/jobs/${jobId}`,
  {
    headers: {
      "X-API-Key": "your-api-key-here",
    },
  }
);

const job = await response.json();
console.log(JSON.stringify(job));
