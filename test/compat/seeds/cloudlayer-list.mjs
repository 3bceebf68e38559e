const response = await fetch(
  "https://api.cloudlayer.io/v2/jobs?limit=10",
  {
    headers: {
      "X-API-Key": "your-api-key-here",
    },
  }
);

const jobs = await response.json();

for (const job of jobs) {
  console.log(`${job.id} | ${job.type} | ${job.status} | ${job.processTime}ms`);
}
