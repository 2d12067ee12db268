-- +goose Up
-- SQLite gives a new row of a table without AUTOINCREMENT the largest id + 1, so deleting the
-- newest account would hand its number to the next one, and old "user:N" references (the
-- audit log, created_by columns) would name someone else. id_floors keeps the largest id
-- ever deleted from a table; InsertUser numbers a new account above it. (PostgreSQL's
-- identity columns never reuse a number: its migration 00019 does nothing.)
CREATE TABLE id_floors (
    name    TEXT PRIMARY KEY,
    last_id INTEGER NOT NULL
) STRICT;

-- +goose StatementBegin
CREATE TRIGGER users_id_floor AFTER DELETE ON users BEGIN
    INSERT INTO id_floors (name, last_id) VALUES ('users', OLD.id)
    ON CONFLICT (name) DO UPDATE SET last_id = max(last_id, excluded.last_id);
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER users_id_floor;
DROP TABLE id_floors;
