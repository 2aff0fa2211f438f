-- The requester's satisfaction with a closed ticket (issue 18): the score
-- of a "rated" event, 1 to 5; NULL on every other event. A later rating of
-- the same ticket replaces an earlier one in the reports; the log keeps both.
ALTER TABLE events ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5);
