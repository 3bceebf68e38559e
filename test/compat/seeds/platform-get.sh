curl "https://PLATFORM-URL-PLACEHOLDER/v1/api/jobs/{jobId}" \
  -H "Authorization: Bearer YOUR_API_KEY"
