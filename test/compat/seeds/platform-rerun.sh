curl -X POST "https://PLATFORM-URL-PLACEHOLDER/v1/api/jobs/{jobId}/rerun" \
  -H "Authorization: Bearer YOUR_API_KEY"
