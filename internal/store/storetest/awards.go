package storetest

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testAwards(t *testing.T, s *store.Store) {
	ctx := context.Background()
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIssuer(ctx, &store.Issuer{ID: "iss", Name: "I", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertBadgeClass(ctx, &store.BadgeClass{ID: "bc", IssuerID: "iss", Name: "B", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		return tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc", Version: 1, Fields: `{}`, CreatedAt: t0, CreatedBy: "cli"})
	})
	method := ""
	view(t, s, func(tx *store.Tx) (err error) { method, err = tx.IssuerStatusMethod(ctx, "iss"); return err })
	if method != "bitstring" {
		t.Errorf("default status method %q", method)
	}
	newAward := func(id string, i int64, key string) *store.Award {
		return &store.Award{ID: id, IssuerID: "iss", BadgeClassID: "bc", BadgeClassVersion: 1, RecipientType: "email",
			RecipientIdentity: id + "@example.org", RecipientName: "N " + id, Salt: "s", Narrative: "n", Evidence: `[{"url":"https://e.org"}]`,
			IssuedAt: t0, StatusMethod: "bitstring", StatusIndex: i, IdempotencyKey: key,
			UnsignedCredential: []byte(`{"id":"` + id + `"}`), NotifyPending: true,
			CreatedAt: t0.Add(time.Duration(i) * time.Second), CreatedBy: "user:1"}
	}
	a1 := newAward("a1", 0, "k1")
	a1.ExpiresAt = t0.AddDate(1, 0, 0)
	a2 := newAward("a2", 1, "")
	a3 := newAward("a3", 2, "")
	update(t, s, func(tx *store.Tx) error {
		for _, a := range []*store.Award{a1, a2, a3} {
			if err := tx.InsertAwards(ctx, []*store.Award{a}); err != nil {
				return err
			}
		}
		return nil
	})
	var got *store.Award
	view(t, s, func(tx *store.Tx) (err error) { got, err = tx.AwardByID(ctx, "a1"); return err })
	if d := cmp.Diff(a1, got); d != "" {
		t.Errorf("AwardByID (-want +got):\n%s", d)
	}
	for name, fn := range map[string]func(tx *store.Tx) error{
		"same key":          func(tx *store.Tx) error { return tx.InsertAwards(ctx, []*store.Award{newAward("a4", 9, "k1")}) },
		"same status index": func(tx *store.Tx) error { return tx.InsertAwards(ctx, []*store.Award{newAward("a5", 1, "")}) },
		"same id":           func(tx *store.Tx) error { return tx.InsertAwards(ctx, []*store.Award{newAward("a1", 10, "")}) },
	} {
		if err := s.Update(ctx, fn); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("%s: %v", name, err)
		}
	}
	view(t, s, func(tx *store.Tx) error {
		m, err := tx.AwardsByKeys(ctx, "iss", []string{"k1", "k9"})
		if err != nil || len(m) != 1 || m["k1"].ID != "a1" || m["k1"].UnsignedCredential != nil {
			return fmt.Errorf("AwardsByKeys: %v %v", m, err)
		}
		list, total, err := tx.AwardsOfBadgeClass(ctx, "bc", 2, 0)
		if err != nil || total != 3 || len(list) != 2 || list[0].ID != "a3" || list[1].ID != "a2" {
			return fmt.Errorf("AwardsOfBadgeClass: %d %v", total, err)
		}
		match, err := tx.AwardsMatching(ctx, "bc", []string{"a1", "a3@example.org", "nobody"})
		if err != nil || len(match) != 2 {
			return fmt.Errorf("AwardsMatching: %d %v", len(match), err)
		}
		byID, err := tx.AwardsByIDs(ctx, []string{"a3", "a1", "zz"})
		if err != nil || len(byID) != 2 {
			return fmt.Errorf("AwardsByIDs: %d %v", len(byID), err)
		}
		return nil
	})
	// Signing stores once; the JWT needs a signature; notification is taken once.
	update(t, s, func(tx *store.Tx) error {
		if ok, err := tx.SetAwardJWT(ctx, "a1", "jwt"); err != nil || ok {
			return fmt.Errorf("JWT before signing: %v %v", ok, err)
		}
		if stored, err := tx.SetAwardCredentials(ctx, map[string][]byte{"a1": []byte(`{"signed":1}`)}, t0); err != nil || !stored["a1"] {
			return fmt.Errorf("SetAwardCredentials: %v %v", stored, err)
		}
		stored, err := tx.SetAwardCredentials(ctx, map[string][]byte{"a1": []byte(`{"signed":3}`), "a3": []byte(`{"signed":"a3"}`)}, t0)
		if err != nil || !cmp.Equal(stored, map[string]bool{"a3": true}) {
			return fmt.Errorf("SetAwardCredentials: %v %v", stored, err)
		}
		if a3, err := tx.AwardByID(ctx, "a3"); err != nil || string(a3.Credential) != `{"signed":"a3"}` || !a3.SignedAt.Equal(t0) {
			return fmt.Errorf("a3 after SetAwardCredentials: %v", err)
		}
		if ok, err := tx.SetAwardJWT(ctx, "a1", "jwt"); err != nil || !ok {
			return fmt.Errorf("SetAwardJWT: %v %v", ok, err)
		}
		if ok, err := tx.SetAwardJWT(ctx, "a1", "other"); err != nil || ok {
			return fmt.Errorf("second SetAwardJWT: %v %v", ok, err)
		}
		if ok, err := tx.TakeAwardNotification(ctx, "a1", "h1"); err != nil || !ok {
			return fmt.Errorf("TakeAwardNotification: %v %v", ok, err)
		}
		if ok, err := tx.TakeAwardNotification(ctx, "a1", "h2"); err != nil || ok {
			return fmt.Errorf("second TakeAwardNotification: %v %v", ok, err)
		}
		if ok, err := tx.RevokeAward(ctx, "a2", t0.Add(time.Hour), "why"); err != nil || !ok {
			return fmt.Errorf("RevokeAward: %v %v", ok, err)
		}
		if ok, err := tx.RevokeAward(ctx, "a2", t0.Add(2*time.Hour), "again"); err != nil || ok {
			return fmt.Errorf("second RevokeAward: %v %v", ok, err)
		}
		return nil
	})
	view(t, s, func(tx *store.Tx) error {
		a, err := tx.AwardByID(ctx, "a1")
		if err != nil || string(a.Credential) != `{"signed":1}` || a.CredentialJWT != "jwt" || !a.SignedAt.Equal(t0) ||
			a.NotifyPending || a.ClaimTokenHash != "h1" {
			return fmt.Errorf("signed award: %+v %v", a, err)
		}
		if c, err := tx.AwardByClaimHash(ctx, "h1"); err != nil || c.ID != "a1" {
			return fmt.Errorf("AwardByClaimHash: %v", err)
		}
		r, err := tx.RevokedAwards(ctx, "iss")
		want := []store.RevokedAward{{ID: "a2", StatusMethod: "bitstring", StatusIndex: 1, RevokedAt: t0.Add(time.Hour), Reason: "why"}}
		if err != nil || !cmp.Equal(r, want) {
			return fmt.Errorf("RevokedAwards: %v %v", r, err)
		}
		return nil
	})
	// The hot-path reads outside a transaction: the same data in one query.
	ctx2 := context.Background()
	if c, err := s.ReadAwardCredential(ctx2, "a1"); err != nil || string(c) != `{"signed":1}` {
		t.Errorf("ReadAwardCredential: %s %v", c, err)
	}
	if c, err := s.ReadAwardCredential(ctx2, "a2"); err != nil || c != nil {
		t.Errorf("ReadAwardCredential of an unsigned award: %s %v", c, err)
	}
	if _, err := s.ReadAwardCredential(ctx2, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReadAwardCredential(nope): %v", err)
	}
	for _, id := range []string{"a1", "a2"} {
		var full *store.Award
		var iss *store.Issuer
		var ver *store.BadgeClassVersion
		view(t, s, func(tx *store.Tx) (err error) {
			if full, err = tx.AwardByID(ctx, id); err != nil {
				return err
			}
			if iss, err = tx.IssuerByID(ctx, "iss"); err != nil {
				return err
			}
			ver, err = tx.BadgeClassVersionByNumber(ctx, "bc", 1)
			return err
		})
		full.UnsignedCredential, full.CredentialJWT = nil, ""
		p, err := s.ReadPublicAward(ctx2, id)
		if err != nil {
			t.Fatalf("ReadPublicAward(%s): %v", id, err)
		}
		if d := cmp.Diff(&store.PublicAward{Award: full, Issuer: iss, Version: ver, ImageMediaType: ""}, p); d != "" {
			t.Errorf("ReadPublicAward(%s) (-want +got):\n%s", id, d)
		}
	}
	if _, err := s.ReadPublicAward(ctx2, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReadPublicAward(nope): %v", err)
	}
	// The state of an award page, in a few columns.
	for id, want := range map[string]store.AwardState{
		"a1": {Signed: true, IssuedAt: t0, ExpiresAt: t0.AddDate(1, 0, 0), IssuerUpdatedAt: t0},
		"a2": {RevokedAt: t0.Add(time.Hour), IssuedAt: t0, IssuerUpdatedAt: t0},
	} {
		got, err := s.ReadAwardState(ctx2, id)
		if err != nil || !cmp.Equal(*got, want) {
			t.Errorf("ReadAwardState(%s) = %+v, %v; want %+v", id, got, err, want)
		}
	}
	if _, err := s.ReadAwardState(ctx2, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReadAwardState(nope): %v", err)
	}
	// With an image, its media type comes along.
	update(t, s, func(tx *store.Tx) error {
		if err := tx.PutBadgeImage(ctx, &store.BadgeImage{ID: "img1", MediaType: "image/svg+xml", Bytes: []byte("<svg/>"), CreatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc", Version: 2, Fields: `{}`, ImageID: "img1", CreatedAt: t0, CreatedBy: "cli"}); err != nil {
			return err
		}
		a := newAward("a6", 6, "")
		a.BadgeClassVersion = 2
		return tx.InsertAwards(ctx, []*store.Award{a})
	})
	if p, err := s.ReadPublicAward(ctx2, "a6"); err != nil || p.Version.ImageID != "img1" || p.ImageMediaType != "image/svg+xml" || p.Award.Credential != nil {
		t.Errorf("ReadPublicAward with an image: %+v %v", p, err)
	}

	// The earner's choice to hide their name: set, read back (full and summary rows), unset.
	for _, hidden := range []bool{true, false} {
		update(t, s, func(tx *store.Tx) error {
			if ok, err := tx.SetAwardRecipientNameHidden(ctx, "a2", hidden); err != nil || !ok {
				return fmt.Errorf("SetAwardRecipientNameHidden(%v): %v %v", hidden, ok, err)
			}
			if ok, err := tx.SetAwardRecipientNameHidden(ctx, "nope", hidden); err != nil || ok {
				return fmt.Errorf("SetAwardRecipientNameHidden(nope): %v %v", ok, err)
			}
			return nil
		})
		view(t, s, func(tx *store.Tx) error {
			a, err := tx.AwardByID(ctx, "a2")
			if err != nil || a.RecipientNameHidden != hidden {
				return fmt.Errorf("hidden %v: AwardByID: %+v %v", hidden, a, err)
			}
			list, _, err := tx.AwardsOfBadgeClass(ctx, "bc", 10, 0)
			if err != nil || len(list) != 4 || list[2].ID != "a2" || list[2].RecipientNameHidden != hidden || list[1].RecipientNameHidden {
				return fmt.Errorf("hidden %v: AwardsOfBadgeClass: %v", hidden, err)
			}
			if st, err := s.ReadAwardState(ctx, "a2"); err != nil || st.RecipientNameHidden != hidden {
				return fmt.Errorf("hidden %v: ReadAwardState: %+v %v", hidden, st, err)
			}
			return nil
		})
	}
}

// testAwardBatches inserts awards and audit events by the thousand (several multi-row
// statements) and reads them back.
func testAwardBatches(t *testing.T, s *store.Store) {
	ctx := context.Background()
	const n = 1500
	var as []*store.Award
	var es []*store.AuditEvent
	for i := range n {
		id := fmt.Sprintf("b%04d", i)
		as = append(as, &store.Award{ID: id, IssuerID: "iss", BadgeClassID: "bc", BadgeClassVersion: 1, RecipientType: "email",
			RecipientIdentity: id + "@example.org", Salt: "s", Evidence: "[]", IssuedAt: t0, StatusMethod: "bitstring",
			StatusIndex: int64(i), IdempotencyKey: "key-" + id, UnsignedCredential: []byte("{}"), CreatedAt: t0, CreatedBy: "cli"})
		es = append(es, &store.AuditEvent{At: t0, Actor: "cli", Action: "award.issue", Subject: "award:" + id, Details: []byte(`{"n":1}`)})
	}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIssuer(ctx, &store.Issuer{ID: "iss", Name: "I", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertBadgeClass(ctx, &store.BadgeClass{ID: "bc", IssuerID: "iss", Name: "B", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc", Version: 1, Fields: `{}`, CreatedAt: t0, CreatedBy: "cli"}); err != nil {
			return err
		}
		if err := tx.InsertAwards(ctx, as); err != nil {
			return err
		}
		return tx.InsertAuditEvents(ctx, es)
	})
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.InsertAwards(ctx, as[n-1:]) }); !errors.Is(err, store.ErrDuplicate) {
		t.Errorf("inserting an award again: %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		_, total, err := tx.AwardsOfBadgeClass(ctx, "bc", 1, 0)
		if err != nil || total != n {
			return fmt.Errorf("total %d, %v", total, err)
		}
		events, err := tx.ListAuditEvents(ctx, 0, n+10)
		if err != nil || len(events) != n {
			return fmt.Errorf("%d audit events, %v", len(events), err)
		}
		return nil
	})
}

// testStatusCounters reserves status indexes from concurrent transactions: every index is
// handed out once.
func testStatusCounters(t *testing.T, s *store.Store) {
	ctx := context.Background()
	update(t, s, func(tx *store.Tx) error {
		return tx.InsertIssuer(ctx, &store.Issuer{ID: "iss", Name: "I", CreatedAt: t0, UpdatedAt: t0})
	})
	var mu sync.Mutex
	var firsts []int64
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Update(ctx, func(tx *store.Tx) error {
				first, err := tx.NextStatusIndexes(ctx, "iss", 3)
				if err == nil {
					mu.Lock()
					firsts = append(firsts, first)
					mu.Unlock()
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	sort.Slice(firsts, func(i, j int) bool { return firsts[i] < firsts[j] })
	for i, f := range firsts {
		if f != int64(3*i) {
			t.Fatalf("reserved firsts %v", firsts)
		}
	}
}
