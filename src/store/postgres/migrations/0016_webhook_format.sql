-- Adds jobs.webhook_format and webhook_deliveries.format: the payload shape a job's webhooks carry.

-- NULL is Longrun's own `{type, timestamp, data}`; otherwise a compatibility dialect's name
-- (`vydra`, `productai`), set by that dialect's create. It was `metadata.webhookPayload`, which is
-- the user's to write; a column keeps the choice out of the user's hands. A delivery keeps the
-- format of its job so each attempt adds that format's headers (productai's signature) without
-- a read of the job per attempt.
ALTER TABLE jobs ADD COLUMN webhook_format text;
ALTER TABLE webhook_deliveries ADD COLUMN format text;
