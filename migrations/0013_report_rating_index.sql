-- The report's index (migration 0007) with the requester's ratings (issue
-- 18, migration 0011): the satisfaction figures read each closed ticket's
-- latest "rated" event before the period's end, its score and its place in the
-- log (seq, for two ratings written at the same instant), from the index
-- alone as the other figures do. Ratings are at most one or two events per
-- closed ticket, so the index grows by a few per cent; the two columns add
-- six bytes to each of its rows (rating, smallint; seq, integer). The
-- reports repeat this predicate word for word, so that the planner may use
-- it.
DROP INDEX events_report_idx;
CREATE INDEX events_report_idx ON events (ticket_id, at) INCLUDE (kind, actor_role, level_after, message_row, rating, seq)
    WHERE kind IN ('opened', 'classified', 'escalated', 'assigned', 'resolved', 'closed', 'reopened', 'rated')
       OR (kind = 'commented' AND actor_role IN ('mesa', 'especialista', 'sitio', 'proveedor'));

-- The closures by time: the satisfaction figures are of the tickets closed
-- in the period, some of them registered before it. One row per closed
-- ticket (closure is final), so the index is small and only closures write
-- it.
CREATE INDEX events_closed_idx ON events (at) INCLUDE (ticket_id) WHERE kind = 'closed';
