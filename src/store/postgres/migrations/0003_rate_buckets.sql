-- Creates rate_buckets: the request budget of each API key, shared by every API node on this database.

-- UNLOGGED: a bucket is a few seconds of state touched on every request; writing it to the WAL
-- would cost more than it is worth, and after a crash every key simply starts with a full bucket.
CREATE UNLOGGED TABLE rate_buckets (
  key     text COLLATE "C" PRIMARY KEY,
  tokens  double precision NOT NULL,
  at      timestamptz NOT NULL,
  allowed boolean NOT NULL
);

-- rate_refilled is a bucket's tokens at `now`: refilled at `rate` per second since `at` (never by
-- a clock stepping back), up to `burst` (domain/rateBucket.ts spendToken, for one statement).
CREATE FUNCTION rate_refilled(tokens float8, at timestamptz, now timestamptz, rate float8, burst float8) RETURNS float8
LANGUAGE sql IMMUTABLE AS $$
  SELECT least(burst, tokens + greatest(0, extract(epoch FROM now - at)::float8) * rate)
$$;
