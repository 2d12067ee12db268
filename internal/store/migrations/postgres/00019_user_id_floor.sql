-- +goose Up
-- Nothing to do: users.id is an identity column, which never reuses a number. (SQLite's
-- migration 00019 keeps deleted accounts' numbers from being reused.)
SELECT 1;

-- +goose Down
SELECT 1;
