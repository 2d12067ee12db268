package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testBulkUploads(t *testing.T, s *store.Store) {
	ctx := context.Background()
	data := []byte("email\r\nada@example.org\r\n\x00\xff")
	u := &store.BulkUpload{ID: "up1", IssuerID: "iss", BadgeClassID: "bc1", CreatedBy: 7, Filename: "list é.csv", FileSHA256: "ab",
		Data: data, RowsTotal: 3, RowsValid: 2, RowsInvalid: 1, State: "preview", Notify: true, CreatedAt: t0, UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIssuer(ctx, &store.Issuer{ID: "iss", Name: "I", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		for _, id := range []string{"bc1", "bc2"} {
			if err := tx.InsertBadgeClass(ctx, &store.BadgeClass{ID: id, IssuerID: "iss", Name: id, CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0}); err != nil {
				return err
			}
		}
		if err := tx.InsertBulkUpload(ctx, u); err != nil {
			return err
		}
		later := *u
		later.ID, later.CreatedAt, later.Notify = "up2", t0.Add(time.Minute), false
		if err := tx.InsertBulkUpload(ctx, &later); err != nil {
			return err
		}
		other := *u
		other.ID, other.BadgeClassID = "up3", "bc2"
		return tx.InsertBulkUpload(ctx, &other)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertBulkUpload(ctx, u) }); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate id: %v", err)
	}
	want := *u
	want.Data = nil
	get := func(id string) *store.BulkUpload {
		t.Helper()
		var got *store.BulkUpload
		view(t, s, func(tx *store.Tx) error {
			var err error
			got, err = tx.BulkUploadByID(ctx, id)
			return err
		})
		return got
	}
	if d := cmp.Diff(&want, get("up1")); d != "" {
		t.Errorf("BulkUploadByID (-want +got):\n%s", d)
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.BulkUploadData(ctx, "up1")
		if err != nil || string(got) != string(data) {
			t.Errorf("BulkUploadData = %q, %v", got, err)
		}
		if _, err := tx.BulkUploadByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BulkUploadByID(missing) = %v", err)
		}
		list, err := tx.ListBulkUploads(ctx, "bc1", 10)
		if err != nil || len(list) != 2 || list[0].ID != "up2" || list[1].ID != "up1" || list[0].Data != nil {
			t.Errorf("ListBulkUploads = %+v, %v", list, err)
		}
		if list, _ := tx.ListBulkUploads(ctx, "bc1", 1); len(list) != 1 {
			t.Errorf("limit 1: %d", len(list))
		}
		return nil
	})
	// Transitions: only from the allowed states.
	t1, t2, t3 := t0.Add(time.Hour), t0.Add(2*time.Hour), t0.Add(3*time.Hour)
	wrong := func(name string, fn func(tx *store.Tx) error) {
		t.Helper()
		if err := s.Update(ctx, fn); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	wrong("start from preview", func(tx *store.Tx) error { return tx.StartBulkUpload(ctx, "up1", t1) })
	wrong("progress in preview", func(tx *store.Tx) error { return tx.SetBulkUploadProgress(ctx, "up1", 1, 0, 0, t1) })
	wrong("finish from preview", func(tx *store.Tx) error { return tx.FinishBulkUpload(ctx, "up1", "done", "", 0, 0, 0, t1) })
	wrong("confirm missing", func(tx *store.Tx) error { return tx.ConfirmBulkUpload(ctx, "nope", false, t1) })
	update(t, s, func(tx *store.Tx) error { return tx.ConfirmBulkUpload(ctx, "up1", true, t1) })
	wrong("confirm twice", func(tx *store.Tx) error { return tx.ConfirmBulkUpload(ctx, "up1", false, t1) })
	if got := get("up1"); got.State != "queued" || !got.SkipInvalid || !got.ConfirmedAt.Equal(t1) || !got.UpdatedAt.Equal(t1) {
		t.Errorf("after confirm: %+v", got)
	}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.StartBulkUpload(ctx, "up1", t1); err != nil {
			return err
		}
		return tx.SetBulkUploadProgress(ctx, "up1", 500, 20, 1, t2)
	})
	if got := get("up1"); got.State != "running" || got.Issued != 500 || got.Skipped != 20 || got.Failed != 1 || !got.UpdatedAt.Equal(t2) {
		t.Errorf("after progress: %+v", got)
	}
	// A resumed job starts again from zero.
	update(t, s, func(tx *store.Tx) error { return tx.StartBulkUpload(ctx, "up1", t2) })
	if got := get("up1"); got.State != "running" || got.Issued != 0 || got.Skipped != 0 {
		t.Errorf("after restart: %+v", got)
	}
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.FinishBulkUpload(ctx, "up1", "running", "", 0, 0, 0, t3) }); err == nil {
		t.Error("finish in state running accepted")
	}
	update(t, s, func(tx *store.Tx) error { return tx.FinishBulkUpload(ctx, "up1", "done", "", 2, 0, 1, t3) })
	if got := get("up1"); got.State != "done" || got.Issued != 2 || got.Failed != 1 || !got.UpdatedAt.Equal(t3) {
		t.Errorf("after finish: %+v", got)
	}
	view(t, s, func(tx *store.Tx) error {
		if _, err := tx.BulkUploadData(ctx, "up1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("data kept after done: %v", err)
		}
		return nil
	})
	wrong("cancel done", func(tx *store.Tx) error { return tx.CancelBulkUpload(ctx, "up1", t3) })
	wrong("start done", func(tx *store.Tx) error { return tx.StartBulkUpload(ctx, "up1", t3) })
	// Failure keeps its message; cancel from preview drops the data.
	update(t, s, func(tx *store.Tx) error {
		if err := tx.ConfirmBulkUpload(ctx, "up3", false, t1); err != nil {
			return err
		}
		if err := tx.FinishBulkUpload(ctx, "up3", "failed", "Line 2: refused", 0, 0, 3, t2); err != nil {
			return err
		}
		return tx.CancelBulkUpload(ctx, "up2", t2)
	})
	if got := get("up3"); got.State != "failed" || got.Error != "Line 2: refused" || got.Failed != 3 {
		t.Errorf("failed: %+v", got)
	}
	if got := get("up2"); got.State != "cancelled" {
		t.Errorf("cancelled: %+v", got)
	}
	wrong("confirm cancelled", func(tx *store.Tx) error { return tx.ConfirmBulkUpload(ctx, "up2", false, t3) })
	view(t, s, func(tx *store.Tx) error {
		if _, err := tx.BulkUploadData(ctx, "up2"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("data kept after cancel: %v", err)
		}
		return nil
	})
	// ExistingAwardKeys: awards rows written as the awards migration (00005) defines them.
	update(t, s, func(tx *store.Tx) error {
		var at any = t0
		if tx.Dialect() == store.SQLite {
			at = t0.Format("2006-01-02T15:04:05.000000Z")
		}
		for i, key := range []any{"csv:a", "csv:b", nil} {
			_, err := tx.ExecContext(ctx, `INSERT INTO awards (id, issuer_id, badge_class_id, badge_class_version, recipient_type,
				recipient_identity, salt, issued_at, status_method, status_index, idempotency_key, unsigned_credential, created_at, created_by)
				VALUES ($1, 'iss', 'bc1', 1, 'email', 'a@example.org', 's', $2, 'bitstring', $3, $4, $5, $2, 'user:1')`,
				"aw"+string(rune('0'+i)), at, i, key, []byte("{}"))
			if err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.ExistingAwardKeys(ctx, "iss", []string{"csv:a", "csv:x", "csv:b"})
		if d := cmp.Diff(map[string]bool{"csv:a": true, "csv:b": true}, got); err != nil || d != "" {
			t.Errorf("ExistingAwardKeys: %v (-want +got):\n%s", err, d)
		}
		if got, err := tx.ExistingAwardKeys(ctx, "other", []string{"csv:a"}); err != nil || len(got) != 0 {
			t.Errorf("ExistingAwardKeys of another issuer = %v, %v", got, err)
		}
		if got, err := tx.ExistingAwardKeys(ctx, "iss", nil); err != nil || len(got) != 0 {
			t.Errorf("ExistingAwardKeys(nil) = %v, %v", got, err)
		}
		many := make([]string, 1000)
		for i := range many {
			many[i] = "csv:" + string(rune('a'+i%26)) + string(rune('0'+i/26%10)) + string(rune('0'+i/260))
		}
		many[999] = "csv:b"
		if got, err := tx.ExistingAwardKeys(ctx, "iss", many); err != nil || !got["csv:b"] {
			t.Errorf("ExistingAwardKeys(1000 keys) = %v, %v", got, err)
		}
		return nil
	})
}
