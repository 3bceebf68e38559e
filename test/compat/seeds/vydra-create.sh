curl -X POST https://vydra.app/api/v1/jobs \
  -H "Authorization: Bearer YOUR_API_KEY" \
  -H "Content-Type: application/json" \
  -d '{
    "workflow": "house-timelapse",
    "input": {
      "theme": "Cliffside Ocean Mansion"
    },
    "webhookUrl": "https://yourapp.com/webhook/vydra"
  }'
