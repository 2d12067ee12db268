-- +goose Up
-- recipient_name_hidden: the earner chose not to show their name on the award's public page
-- (the signed credential is unchanged; only the page leaves the name out).
ALTER TABLE awards ADD COLUMN recipient_name_hidden INTEGER NOT NULL DEFAULT 0 CHECK (recipient_name_hidden IN (0, 1));

-- +goose Down
ALTER TABLE awards DROP COLUMN recipient_name_hidden;
