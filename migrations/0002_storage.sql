-- Storage of the large columns. Every request writes its raw source, its
-- text and its notifications (text and HTML): tens of kilobytes a message.
-- PostgreSQL compresses such values with pglz by default, which costs more
-- CPU than anything else the intake asks of the database; lz4 compresses
-- about as well here at a fraction of the cost. A server built without lz4
-- keeps pglz: the migration says so and goes on.
--
-- A notification's HTML lives with its text, in messages, not in the
-- outbox: an outbox row is updated twice per delivery (claimed, marked),
-- and every update wrote the whole row again, HTML included (inline once
-- rows of a few kilobytes are kept whole, below). The outbox keeps only
-- the delivery state, a row of a few hundred bytes.
ALTER TABLE messages ADD COLUMN html_body text NOT NULL DEFAULT '';
UPDATE messages m SET html_body = o.html_body FROM outbox o WHERE o.message_row = m.id AND o.html_body <> '';
ALTER TABLE outbox DROP COLUMN html_body;

-- lz4 where the server has it (see the top).
DO $$
DECLARE
    col text;
BEGIN
    FOREACH col IN ARRAY ARRAY['messages.raw', 'messages.body', 'messages.full_text',
                               'messages.html_body', 'attachments.data'] LOOP
        BEGIN
            EXECUTE format('ALTER TABLE %I ALTER COLUMN %I SET COMPRESSION lz4',
                           split_part(col, '.', 1), split_part(col, '.', 2));
        EXCEPTION WHEN feature_not_supported THEN
            RAISE NOTICE 'lz4 is not available on this server; % keeps pglz', col;
        END;
    END LOOP;
END
$$;

-- The whole text part is stored only where it differs from the body (the
-- trimmed reply): a message we send, or a new request, is its body, and
-- writing it twice doubled the text written. Readers take the body when
-- full_text is empty.
COMMENT ON COLUMN messages.full_text IS 'the whole text part; empty when it is the body';

-- Answers first. A person who just wrote waits for the answer to that
-- message (the acknowledgement of a request, the result of a command, the
-- notice that a message was quarantined: the auto-replied ones), while the
-- other notifications inform people who are not waiting on this moment.
-- When a burst of mail fills the outbox, workers claim the answers before
-- the rest; otherwise everything is due at once and goes at once.
--
-- The index leaves next_attempt_at out, so that claiming a row (which
-- pushes its next attempt a lease ahead) and putting it back change no
-- indexed column: PostgreSQL then updates the row in place on its page
-- (a HOT update, room kept by the fill factor) instead of adding an entry
-- to every index of the table, entries each later claim had to step over
-- until a vacuum. A claim filters the rows not yet due as it reads: the
-- ones in flight, and those waiting for a retry.
DROP INDEX outbox_due_idx;
CREATE INDEX outbox_due_idx ON outbox ((auto_submitted <> 'auto-replied'), id) WHERE status = 'pending';
ALTER TABLE outbox SET (fillfactor = 50);

-- A message of a few kilobytes is kept whole in its row (compressed when
-- over 8 kB) instead of being cut into the TOAST table's 2 kB chunks, each
-- with its index entry: a request and its notifications are mostly that
-- size. Messages are written once; the outbox, updated twice per delivery,
-- holds no text (above).
ALTER TABLE messages SET (toast_tuple_target = 8160);
