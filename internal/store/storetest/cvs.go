package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testCVs(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "cv@example.org")
	other := addUser(t, s, "cv2@example.org")
	a := &store.CV{ID: "cv1", UserID: u.ID, Title: "Welding jobs", CreatedAt: t0, UpdatedAt: t0}
	b := &store.CV{ID: "cv2", UserID: u.ID, Title: "Teaching", ShareToken: "tok-b", SharedAt: t0, CreatedAt: t0.Add(time.Second), UpdatedAt: t0}
	c := &store.CV{ID: "cv3", UserID: other.ID, Title: "Other's", CreatedAt: t0, UpdatedAt: t0}
	update(t, s, func(tx *store.Tx) error {
		for _, cv := range []*store.CV{a, b, c} {
			if err := tx.InsertCV(ctx, cv); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.CVByID(ctx, "cv2")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(b, got); diff != "" {
			t.Errorf("CVByID (-want +got):\n%s", diff)
		}
		got, err = tx.CVByShareToken(ctx, "tok-b")
		if err != nil || got.ID != "cv2" {
			t.Errorf("CVByShareToken = %v, %v", got, err)
		}
		if _, err := tx.CVByShareToken(ctx, ""); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("empty token: %v", err)
		}
		if _, err := tx.CVByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing cv: %v", err)
		}
		list, err := tx.CVsByUser(ctx, u.ID)
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].ID != "cv1" || list[1].ID != "cv2" {
			t.Errorf("CVsByUser = %v", list)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.LockCV(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LockCV of a missing CV: %v", err)
		}
		return tx.LockCV(ctx, "cv1")
	})
	// A token is one CV's only; clearing it makes the CV private again.
	if err := s.Update(ctx, func(tx *store.Tx) error {
		cp := *a
		cp.ShareToken = "tok-b"
		return tx.UpdateCV(ctx, &cp)
	}); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("duplicate token: %v", err)
	}
	update(t, s, func(tx *store.Tx) error {
		b.Title, b.ShareToken, b.SharedAt, b.UpdatedAt = "Teaching CV", "", time.Time{}, t0.Add(time.Hour)
		return tx.UpdateCV(ctx, b)
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.CVByID(ctx, "cv2")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(b, got); diff != "" {
			t.Errorf("after UpdateCV (-want +got):\n%s", diff)
		}
		if _, err := tx.CVByShareToken(ctx, "tok-b"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("old token still finds the CV: %v", err)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.UpdateCV(ctx, &store.CV{ID: "nope", UpdatedAt: t0}) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("update missing cv: %v", err)
	}

	// Sections come back in position order.
	secs := []*store.CVSection{
		{ID: "s1", CVID: "cv1", Position: 1, Kind: "text", Title: "About", Body: `{"text":"Hello"}`, CreatedAt: t0, UpdatedAt: t0},
		{ID: "s2", CVID: "cv1", Position: 0, Kind: "badges", Title: "Badges", Body: `{"items":["w1"]}`, CreatedAt: t0, UpdatedAt: t0},
		{ID: "s3", CVID: "cv1", Position: 2, Kind: "skills", Body: `{}`, CreatedAt: t0, UpdatedAt: t0},
	}
	update(t, s, func(tx *store.Tx) error {
		for _, sec := range secs {
			if err := tx.InsertCVSection(ctx, sec); err != nil {
				return err
			}
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error {
		return tx.InsertCVSection(ctx, &store.CVSection{ID: "bad", CVID: "cv1", Kind: "poems", Body: "{}", CreatedAt: t0, UpdatedAt: t0})
	}); err == nil {
		t.Error("a section of an unknown kind was accepted")
	}
	order := func() []string {
		var out []string
		view(t, s, func(tx *store.Tx) error {
			list, err := tx.CVSections(ctx, "cv1")
			for _, sec := range list {
				out = append(out, sec.ID)
			}
			return err
		})
		return out
	}
	if got := order(); !cmp.Equal(got, []string{"s2", "s1", "s3"}) {
		t.Errorf("sections = %v", got)
	}
	update(t, s, func(tx *store.Tx) error {
		secs[0].Position, secs[0].Title, secs[0].Body, secs[0].UpdatedAt = 5, "About me", `{"text":"Hi"}`, t0.Add(time.Minute)
		return tx.UpdateCVSection(ctx, secs[0])
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.CVSectionByID(ctx, "s1")
		if err != nil {
			return err
		}
		if diff := cmp.Diff(secs[0], got); diff != "" {
			t.Errorf("after UpdateCVSection (-want +got):\n%s", diff)
		}
		return nil
	})
	if got := order(); !cmp.Equal(got, []string{"s2", "s3", "s1"}) {
		t.Errorf("sections after move = %v", got)
	}
	update(t, s, func(tx *store.Tx) error { return tx.DeleteCVSection(ctx, "s3") })
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteCVSection(ctx, "s3") }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
	if got := order(); !cmp.Equal(got, []string{"s2", "s1"}) {
		t.Errorf("sections after delete = %v", got)
	}
	// Deleting a CV deletes its sections.
	update(t, s, func(tx *store.Tx) error { return tx.DeleteCV(ctx, "cv1") })
	view(t, s, func(tx *store.Tx) error {
		if _, err := tx.CVSectionByID(ctx, "s1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("section of a deleted CV: %v", err)
		}
		return nil
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteCV(ctx, "cv1") }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteCV: %v", err)
	}
}

func testAccountData(t *testing.T, s *store.Store) {
	ctx := context.Background()
	u := addUser(t, s, "leaving@example.org")
	stay := addUser(t, s, "staying@example.org")
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertCV(ctx, &store.CV{ID: "cvx", UserID: u.ID, Title: "T", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertCVSection(ctx, &store.CVSection{ID: "sx", CVID: "cvx", Kind: "text", Body: "{}", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertSession(ctx, &store.Session{TokenHash: "h-leaving", UserID: u.ID, CreatedAt: t0, LastSeenAt: t0, ExpiresAt: t0.Add(time.Hour)}); err != nil {
			return err
		}
		return tx.InsertWalletItem(ctx, &store.WalletItem{ID: "wx", UserID: u.ID, Source: "import", State: "accepted", CredentialKey: "k",
			VerifyStatus: "unchecked", VerifyReport: "{}", Visibility: "private", CreatedAt: t0, UpdatedAt: t0})
	})
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.AccountAddresses(ctx, u.ID)
		if err != nil {
			return err
		}
		want := []store.AccountAddress{{Email: "leaving@example.org", VerifiedAt: t0, CreatedAt: t0}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("AccountAddresses (-want +got):\n%s", diff)
		}
		if n, err := tx.CountAdmins(ctx); n != 0 || err != nil {
			t.Errorf("CountAdmins = %d, %v", n, err)
		}
		return nil
	})
	update(t, s, func(tx *store.Tx) error {
		if err := tx.LockUser(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.LockUser(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("LockUser of a missing user: %v", err)
		}
		return tx.DeleteUser(ctx, u.ID)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.DeleteUser(ctx, u.ID) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second DeleteUser: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		if _, err := tx.CVByID(ctx, "cvx"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CV of a deleted user: %v", err)
		}
		if _, err := tx.CVSectionByID(ctx, "sx"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("CV section of a deleted user: %v", err)
		}
		if _, err := tx.WalletItemByID(ctx, "wx"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("wallet item of a deleted user: %v", err)
		}
		if _, err := tx.SessionByTokenHash(ctx, "h-leaving"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session of a deleted user: %v", err)
		}
		if a, err := tx.AccountAddresses(ctx, u.ID); len(a) != 0 || err != nil {
			t.Errorf("addresses of a deleted user: %v, %v", a, err)
		}
		if _, err := tx.UserByID(ctx, stay.ID); err != nil {
			t.Errorf("the other user: %v", err)
		}
		return nil
	})
}
