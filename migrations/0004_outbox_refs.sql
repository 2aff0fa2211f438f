-- The outbox's ticket_id and event_id are no longer foreign keys.
--
-- They are copies kept for the worker: a notification's ticket is the
-- ticket of its message (messages.ticket_id, still checked, as is
-- outbox.message_row), and its event is one that the same transaction
-- appended to the log a moment before. Each check cost a probe of the
-- referenced table and a lock on the referenced row, six per request (three
-- notifications, two references each). That was 10% of the database's time
-- when a backlog is taken in, all of it on the critical path of a backlog:
-- the intake's transaction.
--
-- The columns stay as they were. The end-to-end invariant checks, after
-- every scenario, that each outbox row names its message's ticket and an
-- event of that ticket.
ALTER TABLE outbox DROP CONSTRAINT outbox_ticket_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_event_id_fkey;
