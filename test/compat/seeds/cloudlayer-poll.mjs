async function waitForJob(jobId, apiKey, maxWaitMs = 60000) {
  const startTime = Date.now();
  const pollInterval = 1000; // 1 second

  while (Date.now() - startTime < maxWaitMs) {
    const response = await fetch(
      `https://api.cloudlayer.io/v2/jobs/${jobId}`,
      { headers: { "X-API-Key": apiKey } }
    );

    const job = await response.json();

    if (job.status === "completed") {
      return job;
    }

    if (job.status === "failed") {
      throw new Error(`Job ${jobId} failed`);
    }

    // Wait before polling again
    await new Promise((resolve) => setTimeout(resolve, pollInterval));
  }

  throw new Error(`Job ${jobId} timed out after ${maxWaitMs}ms`);
}

// Usage
const job = await waitForJob("job_abc123def456", "your-api-key-here");
console.log(`Completed in ${job.processTime}ms, size: ${job.size} bytes`);
