package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/store"
)

func testBadgeClasses(t *testing.T, s *store.Store) {
	ctx := context.Background()
	img := &store.BadgeImage{ID: "ab12", MediaType: "image/png", Bytes: []byte{0x89, 'P', 0, 255}, CreatedAt: t0}
	bc := &store.BadgeClass{ID: "bc1", IssuerID: "iss", Name: "Zeta", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0}
	v1 := &store.BadgeClassVersion{BadgeClassID: "bc1", Version: 1, Fields: `{"name":"Zeta","b":1,"a":[]}`, ImageID: "ab12", CreatedAt: t0, CreatedBy: "user:1"}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertIssuer(ctx, &store.Issuer{ID: "iss", Name: "I", CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		if err := tx.PutBadgeImage(ctx, img); err != nil {
			return err
		}
		if err := tx.PutBadgeImage(ctx, img); err != nil { // the same bytes again: no error
			return err
		}
		if err := tx.InsertBadgeClass(ctx, bc); err != nil {
			return err
		}
		if err := tx.InsertBadgeClassVersion(ctx, v1); err != nil {
			return err
		}
		if err := tx.InsertBadgeClass(ctx, &store.BadgeClass{ID: "bc0", IssuerID: "iss", Name: "Alpha", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			return err
		}
		return tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc0", Version: 1, Fields: `{}`, CreatedAt: t0, CreatedBy: "cli"})
	})
	for name, fn := range map[string]func(tx *store.Tx) error{
		"duplicate class":   func(tx *store.Tx) error { return tx.InsertBadgeClass(ctx, bc) },
		"duplicate version": func(tx *store.Tx) error { return tx.InsertBadgeClassVersion(ctx, v1) },
	} {
		if err := s.Update(ctx, fn); !errors.Is(err, store.ErrDuplicate) {
			t.Errorf("%s: %v", name, err)
		}
	}
	for name, fn := range map[string]func(tx *store.Tx) error{
		"unknown issuer": func(tx *store.Tx) error {
			return tx.InsertBadgeClass(ctx, &store.BadgeClass{ID: "x", IssuerID: "nope", Name: "x", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0})
		},
		"unknown image": func(tx *store.Tx) error {
			return tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc1", Version: 9, Fields: `{}`, ImageID: "none", CreatedAt: t0, CreatedBy: "cli"})
		},
		"version 0": func(tx *store.Tx) error {
			return tx.InsertBadgeClassVersion(ctx, &store.BadgeClassVersion{BadgeClassID: "bc1", Version: 0, Fields: `{}`, CreatedAt: t0, CreatedBy: "cli"})
		},
		"bad media type": func(tx *store.Tx) error {
			return tx.PutBadgeImage(ctx, &store.BadgeImage{ID: "gif", MediaType: "image/gif", Bytes: []byte("x"), CreatedAt: t0})
		},
	} {
		if err := s.Update(ctx, fn); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	t1 := t0.Add(time.Hour)
	v2 := &store.BadgeClassVersion{BadgeClassID: "bc1", Version: 2, Fields: `{"name":"Beta"}`, ImageID: "ab12", CreatedAt: t1, CreatedBy: "user:2"}
	update(t, s, func(tx *store.Tx) error {
		if err := tx.InsertBadgeClassVersion(ctx, v2); err != nil {
			return err
		}
		return tx.SetBadgeClassVersion(ctx, "bc1", 2, "Beta", t1)
	})
	// A stale update (current version is no longer 1) changes nothing.
	if err := s.Update(ctx, func(tx *store.Tx) error { return tx.SetBadgeClassVersion(ctx, "bc1", 2, "Stale", t1) }); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stale SetBadgeClassVersion = %v", err)
	}
	view(t, s, func(tx *store.Tx) error {
		got, err := tx.BadgeImageByID(ctx, "ab12")
		if err != nil {
			return err
		}
		if d := cmp.Diff(img, got); d != "" {
			t.Errorf("BadgeImageByID (-want +got):\n%s", d)
		}
		if _, err := tx.BadgeImageByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BadgeImageByID(nope) = %v", err)
		}
		gbc, err := tx.BadgeClassByID(ctx, "bc1")
		if err != nil {
			return err
		}
		want := &store.BadgeClass{ID: "bc1", IssuerID: "iss", Name: "Beta", CurrentVersion: 2, CreatedAt: t0, UpdatedAt: t1}
		if d := cmp.Diff(want, gbc); d != "" {
			t.Errorf("BadgeClassByID (-want +got):\n%s", d)
		}
		if _, err := tx.BadgeClassByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BadgeClassByID(nope) = %v", err)
		}
		list, err := tx.ListBadgeClasses(ctx, "iss")
		if err != nil || len(list) != 2 || list[0].ID != "bc0" || list[1].ID != "bc1" {
			t.Errorf("ListBadgeClasses = %+v, %v", list, err)
		}
		cur, err := tx.ListCurrentBadgeClasses(ctx, "iss")
		if err != nil {
			return err
		}
		wantCur := []store.CurrentBadgeClass{
			{Class: &store.BadgeClass{ID: "bc0", IssuerID: "iss", Name: "Alpha", CurrentVersion: 1, CreatedAt: t0, UpdatedAt: t0},
				Version: &store.BadgeClassVersion{BadgeClassID: "bc0", Version: 1, Fields: `{}`, CreatedAt: t0, CreatedBy: "cli"}},
			{Class: want, Version: v2, ImageMediaType: "image/png"},
		}
		if d := cmp.Diff(wantCur, cur); d != "" {
			t.Errorf("ListCurrentBadgeClasses (-want +got):\n%s", d)
		}
		if mt, err := tx.BadgeImageMediaType(ctx, "ab12"); err != nil || mt != "image/png" {
			t.Errorf("BadgeImageMediaType = %q, %v", mt, err)
		}
		if _, err := tx.BadgeImageMediaType(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BadgeImageMediaType(nope) = %v", err)
		}
		if none, err := tx.ListCurrentBadgeClasses(ctx, "nope"); err != nil || len(none) != 0 {
			t.Errorf("ListCurrentBadgeClasses(nope) = %v, %v", none, err)
		}
		vs, err := tx.BadgeClassVersions(ctx, "bc1")
		if err != nil {
			return err
		}
		if d := cmp.Diff([]*store.BadgeClassVersion{v1, v2}, vs); d != "" {
			t.Errorf("BadgeClassVersions (-want +got):\n%s", d)
		}
		g1, err := tx.BadgeClassVersionByNumber(ctx, "bc1", 1)
		if err != nil || g1.Fields != v1.Fields {
			t.Errorf("BadgeClassVersionByNumber(1) = %+v, %v", g1, err)
		}
		if _, err := tx.BadgeClassVersionByNumber(ctx, "bc1", 3); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("BadgeClassVersionByNumber(3) = %v", err)
		}
		return nil
	})
}
