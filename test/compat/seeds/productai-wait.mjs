async function waitForJob(jobId, apiKey, timeout = 120000) {
const url = `https://api.productai.photo/v1/jobs/${jobId}`;
const start = Date.now();
while (Date.now() - start < timeout) {
const response = await fetch(url, {
headers: { "Authorization": `Bearer ${apiKey}` }
});
const job = await response.json();
if (job.status === "completed") return job.images;
if (job.status === "failed") throw new Error(job.error.message);
await new Promise(r => setTimeout(r, 3000));
}
throw new Error("Job timed out");
}
// Usage
const images = await waitForJob("job_abc123xyz", "YOUR_API_KEY");
images.forEach(img => console.log(img.url));
