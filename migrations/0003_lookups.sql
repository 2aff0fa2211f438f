-- Lookups by many keys at once, planned as index probes whatever the
-- table statistics say.
--
-- The intake asks, once per batch, which of the Message-IDs its messages
-- cite belong to a ticket, and which of the notifications it is about to
-- queue are queued already: "column = ANY (hundreds of keys)". Without
-- statistics on the column, PostgreSQL guesses that each key matches half a
-- percent of the table, so a few hundred keys look like the whole table and
-- it reads all of it, in parallel, instead of probing the index a few
-- hundred times: 40 ms for a batch at 40,000 messages, growing with the
-- table, where the probes take a fraction of a millisecond. Statistics come
-- from ANALYZE, which autovacuum runs about once a minute at best: a new
-- database that takes in a backlog (the first start on a mailbox that has
-- been filling up) has none for as long as it matters.
--
-- Each lookup runs in a function that turns sequential scans off for its
-- own query (SET applies to the function call alone). It only steers the
-- planner: with an index on the column, a sequential scan is never the
-- better plan for these keys.
CREATE FUNCTION ticketd_threaded_ids(ids text[]) RETURNS SETOF text
    LANGUAGE sql STABLE
    SET enable_seqscan = off
AS $$
    SELECT DISTINCT message_id FROM messages WHERE message_id = ANY (ids) AND ticket_id IS NOT NULL
$$;

CREATE FUNCTION ticketd_outbox_keys_taken(keys text[]) RETURNS SETOF text
    LANGUAGE sql STABLE
    SET enable_seqscan = off
AS $$
    SELECT dedup_key FROM outbox WHERE dedup_key = ANY (keys)
$$;
