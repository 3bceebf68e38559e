async function waitForJob(jobId, apiKey, maxWaitMs = 30 * 60 * 1000) {
  const startTime = Date.now();
  const pollInterval = 5000; // 5 seconds
  
  while (Date.now() - startTime < maxWaitMs) {
    const response = await fetch(`https://vydra.app/api/v1/jobs/${jobId}`, {
      headers: { 'Authorization': `Bearer ${apiKey}` }
    });
    
    const job = await response.json();
    
    console.log(`Status: ${job.status}, Progress: ${job.progress}%`);
    
    if (job.status === 'completed') {
      return job.output;
    }
    
    if (job.status === 'failed') {
      throw new Error(job.error?.message || 'Job failed');
    }
    
    // Wait before next poll
    await new Promise(resolve => setTimeout(resolve, pollInterval));
  }
  
  throw new Error('Job timed out');
}

// Usage
const output = await waitForJob('job-id', 'YOUR_API_KEY');
console.log('Video URL:', output.videoUrl);
