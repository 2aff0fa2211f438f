-- What 0002 was changed to after it had shipped (stop 9 shipped it as it
-- now reads again; stop 10 shipped an edited copy under the same version).
-- A database migrated by the first copy never ran the edits, so they are
-- here, written to leave a database that ran the edited copy as it is.
-- Never edit a migration once it has shipped: add one.

-- A notification's HTML lives with its text, in messages, not in the
-- outbox: an outbox row is updated twice per delivery (claimed, marked),
-- and every update wrote the whole row again, HTML included (inline once
-- rows of a few kilobytes are kept whole, below). The outbox keeps only
-- the delivery state, a row of a few hundred bytes.
ALTER TABLE messages ADD COLUMN IF NOT EXISTS html_body text NOT NULL DEFAULT '';
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = 'outbox'::regclass AND attname = 'html_body' AND NOT attisdropped) THEN
        EXECUTE 'UPDATE messages m SET html_body = o.html_body FROM outbox o
                 WHERE o.message_row = m.id AND o.html_body <> ''''';
        EXECUTE 'ALTER TABLE outbox DROP COLUMN html_body';
    END IF;
END
$$;

-- lz4 where the server has it, as for the other large columns (0002).
DO $$
BEGIN
    ALTER TABLE messages ALTER COLUMN html_body SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'lz4 is not available on this server; messages.html_body keeps pglz';
END
$$;

-- The index of pending rows leaves next_attempt_at out, so that claiming a
-- row (which pushes its next attempt a lease ahead) and putting it back
-- change no indexed column: PostgreSQL then updates the row in place on
-- its page (a HOT update, room kept by the fill factor) instead of adding
-- an entry to every index of the table, entries each later claim had to
-- step over until a vacuum. A claim filters the rows not yet due as it
-- reads: the ones in flight, and those waiting for a retry. Answers to a
-- person's message still come first (0002).
DROP INDEX IF EXISTS outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox ((auto_submitted <> 'auto-replied'), id) WHERE status = 'pending';
ALTER TABLE outbox SET (fillfactor = 50);

-- A message of a few kilobytes is kept whole in its row (compressed when
-- over 8 kB) instead of being cut into the TOAST table's 2 kB chunks, each
-- with its index entry: a request and its notifications are mostly that
-- size. Messages are written once; the outbox, updated twice per delivery,
-- holds no text (above).
ALTER TABLE messages SET (toast_tuple_target = 8160);
