package storetest

import (
	"context"
	"testing"

	"github.com/rosettebadges/rosette/internal/store"
)

// testUserNumbersNotReused checks that an account's number is never given to another one,
// even when the newest account is deleted (SQLite alone would reuse it: migration 00019).
// Old "user:N" references, in the audit log and created_by columns, must not come to name
// someone else.
func testUserNumbersNotReused(t *testing.T, s *store.Store) {
	ctx := context.Background()
	remove := func(u *store.User) {
		t.Helper()
		update(t, s, func(tx *store.Tx) error { return tx.DeleteUser(ctx, u.ID) })
	}
	a := addUser(t, s, "first@example.org")
	b := addUser(t, s, "second@example.org")
	remove(b)
	c := addUser(t, s, "third@example.org")
	if c.ID <= b.ID {
		t.Fatalf("after deleting the newest account (%d), a new one got %d", b.ID, c.ID)
	}
	remove(c)
	remove(a)
	d := addUser(t, s, "fourth@example.org")
	if d.ID <= c.ID {
		t.Fatalf("after deleting every account (the last %d), a new one got %d", c.ID, d.ID)
	}
	// Merging deletes the merged account: its number is not reused either.
	e := addUser(t, s, "fifth@example.org")
	update(t, s, func(tx *store.Tx) error { return tx.MergeUsers(ctx, d.ID, e.ID) })
	f := addUser(t, s, "sixth@example.org")
	if f.ID <= e.ID {
		t.Fatalf("after merging away the newest account (%d), a new one got %d", e.ID, f.ID)
	}
}
