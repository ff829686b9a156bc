-- Each recording's API object, rendered when the recording is written, so that a page is
-- assembled from stored text instead of encoded again on every read. NULL means "render it
-- on read" (rows written before this migration).
ALTER TABLE recordings ADD COLUMN rendered TEXT;
