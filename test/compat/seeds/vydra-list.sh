curl "https://vydra.app/api/v1/jobs?limit=10&status=completed" \
  -H "Authorization: Bearer YOUR_API_KEY"
