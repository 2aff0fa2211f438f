-- How many attempts at a notification handed the whole message to the
-- SMTP server and never got its reply to the end of the data (a timeout,
-- or the connection lost while waiting): the server may have delivered
-- it. The worker sends such a row again once; if that attempt is
-- unconfirmed too, the row is taken as sent (mailout/outbox_deliver.go),
-- so that a server that hangs after the final dot gets at most two copies.
-- Not indexed, so marking it keeps the update in place (0005).
ALTER TABLE outbox ADD COLUMN unconfirmed integer NOT NULL DEFAULT 0;
