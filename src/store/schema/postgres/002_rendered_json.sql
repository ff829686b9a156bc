-- Each recording's API object, rendered when the recording is written (see the SQLite
-- migration of the same name). NULL means "render it on read".
ALTER TABLE recordings ADD COLUMN rendered TEXT;
