package service

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/ob2"
)

func TestBadgeClassPublic(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		ctx := context.Background()
		f := newBadgeClasses(t, newStore)
		svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>`)
		a, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, classFields("Zed"), svg)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, classFields("Alpha"), testPNG(t, 8))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.bcs.Update(ctx, f.users["editor"], b.ID, classFields("Beta"), nil); err != nil {
			t.Fatal(err)
		}
		iss, list, err := f.bcs.PublicList(ctx, f.issuer.ID)
		if err != nil || iss.ID != f.issuer.ID {
			t.Fatal(iss, err)
		}
		var got []string
		for _, p := range list {
			got = append(got, p.Class.Fields.Name+"/"+p.ImageMediaType+"/"+p.Issuer.Name)
		}
		if d := cmp.Diff([]string{"Beta/image/png/Acme", "Zed/image/svg+xml/Acme"}, got); d != "" {
			t.Errorf("PublicList (-want +got):\n%s", d)
		}
		if _, _, err := f.bcs.PublicList(ctx, "nope"); !errors.Is(err, badge.NotFound) {
			t.Errorf("PublicList(nope) = %v", err)
		}
		cur, err := f.bcs.Public(ctx, b.ID, 0)
		if err != nil || cur.Version.Version != 2 || cur.Version.Fields.Name != "Beta" || cur.Class.Version != 2 || cur.ImageMediaType != "image/png" {
			t.Errorf("Public(current) = %+v, %v", cur, err)
		}
		v1, err := f.bcs.Public(ctx, b.ID, 1)
		if err != nil || v1.Version.Version != 1 || v1.Version.Fields.Name != "Alpha" || v1.Class.Version != 2 {
			t.Errorf("Public(1) = %+v, %v", v1, err)
		}
		for _, v := range []int{3, -1} {
			if _, err := f.bcs.Public(ctx, b.ID, v); !errors.Is(err, badge.NotFound) {
				t.Errorf("Public(version %d) = %v", v, err)
			}
		}
		if _, err := f.bcs.Public(ctx, "nope", 0); !errors.Is(err, badge.NotFound) {
			t.Errorf("Public(nope) = %v", err)
		}
		_ = a
	})
}

func TestOB2BadgeClass(t *testing.T) {
	u := links.URLs{Base: "https://badges.example"}
	full := &badge.BadgeClassVersion{BadgeClassID: "bc1", Version: 3, ImageID: "ab12",
		Fields: badge.BadgeClassFields{Name: "Go", Description: "Knows Go.", CriteriaNarrative: "Pass *the* exam.",
			CriteriaURL: "https://x.org/c", Tags: []string{"go", "tests"},
			Alignments: []badge.Alignment{{Name: "Prog", URL: "https://f.org/p", Framework: "F", Code: "C1"}, {Name: "Two", URL: "https://f.org/2"}}}}
	tests := []struct {
		name      string
		v         *badge.BadgeClassVersion
		mediaType string
		want      string
	}{
		{"full", full, "image/svg+xml",
			`{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"https://badges.example/badges/bc1/versions/3",` +
				`"name":"Go","description":"Knows Go.","image":"https://badges.example/images/ab12.svg",` +
				`"criteria":{"id":"https://x.org/c","narrative":"Pass *the* exam."},"issuer":"https://badges.example/issuers/iss",` +
				`"alignment":[{"targetName":"Prog","targetUrl":"https://f.org/p","targetFramework":"F","targetCode":"C1"},` +
				`{"targetName":"Two","targetUrl":"https://f.org/2"}],"tags":["go","tests"]}`},
		{"narrative only", &badge.BadgeClassVersion{BadgeClassID: "bc2", Version: 1, ImageID: "cd",
			Fields: badge.BadgeClassFields{Name: "N", Description: "D", CriteriaNarrative: "Do it."}}, "image/png",
			`{"@context":"https://w3id.org/openbadges/v2","type":"BadgeClass","id":"https://badges.example/badges/bc2/versions/1",` +
				`"name":"N","description":"D","image":"https://badges.example/images/cd.png","criteria":{"narrative":"Do it."},` +
				`"issuer":"https://badges.example/issuers/iss"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := OB2BadgeClass(u, "iss", tt.v, tt.mediaType)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, string(b)); d != "" {
				t.Errorf("document (-want +got):\n%s", d)
			}
			c, err := ob2.ParseBadgeClass(b)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Validate(); err != nil {
				t.Errorf("OB 2.0 validation: %v", err)
			}
			if c.Issuer == nil || !c.Issuer.Ref || !strings.HasSuffix(c.Issuer.ID, "/issuers/iss") {
				t.Errorf("issuer = %+v", c.Issuer)
			}
		})
	}
}

func TestIssuerLogoAndStatusMethod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		ctx := context.Background()
		f := newBadgeClasses(t, newStore)
		if f.issuer.StatusMethod != badge.StatusBitstring {
			t.Errorf("default status method = %q", f.issuer.StatusMethod)
		}
		img, err := f.svc.StoreLogo(ctx, f.users["owner"], f.issuer.ID, []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><image href="https://evil.example/x.png"/><circle r="4"/></svg>`))
		if err != nil {
			t.Fatal(err)
		}
		if s := string(img.Bytes); strings.Contains(s, "script") || strings.Contains(s, "onload") || strings.Contains(s, "evil.example") {
			t.Errorf("logo not sanitized: %s", s)
		}
		stored, err := f.bcs.Image(ctx, img.ID)
		if err != nil || stored.MediaType != "image/svg+xml" {
			t.Errorf("Image(logo) = %+v, %v", stored, err)
		}
		for _, who := range []string{"awarder", "viewer", "stranger"} { // owners and editors edit the profile
			if _, err := f.svc.StoreLogo(ctx, f.users[who], f.issuer.ID, testPNG(t, 4)); !errors.Is(err, badge.Forbidden) && !errors.Is(err, badge.NotFound) {
				t.Errorf("StoreLogo by %s = %v", who, err)
			}
		}
		if _, err := f.svc.StoreLogo(ctx, f.users["owner"], "", testPNG(t, 4)); !errors.Is(err, badge.Forbidden) {
			t.Errorf("StoreLogo for a new issuer by a non-admin = %v", err)
		}
		if _, err := f.svc.StoreLogo(ctx, f.users["admin"], "", testPNG(t, 4)); err != nil {
			t.Errorf("StoreLogo for a new issuer by an admin = %v", err)
		}
		if _, err := f.svc.StoreLogo(ctx, f.users["owner"], f.issuer.ID, []byte("GIF89a")); badge.FieldMessages(err)["logo"] == "" {
			t.Errorf("StoreLogo(GIF) = %v", err)
		}
		u := links.URLs{Base: "https://badges.example"}
		iss, err := f.svc.Update(ctx, f.users["owner"], f.issuer.ID, badge.IssuerFields{Name: "Acme",
			LogoURL: u.Image(img.ID, img.MediaType), StatusMethod: badge.Status1EdTech})
		if err != nil {
			t.Fatal(err)
		}
		got, _, err := f.svc.Get(ctx, f.users["viewer"], iss.ID)
		if err != nil || got.StatusMethod != badge.Status1EdTech || got.LogoURL != "https://badges.example/images/"+img.ID+".svg" {
			t.Errorf("after update: %+v, %v", got, err)
		}
		// An update that does not name the status method keeps it.
		if kept, err := f.svc.Update(ctx, f.users["owner"], f.issuer.ID, badge.IssuerFields{Name: "Acme"}); err != nil || kept.StatusMethod != badge.Status1EdTech {
			t.Errorf("update without status method: %+v, %v", kept, err)
		}
		if _, err := f.svc.Update(ctx, f.users["owner"], f.issuer.ID, badge.IssuerFields{Name: "Acme", StatusMethod: "crl"}); badge.FieldMessages(err)["status_method"] == "" {
			t.Errorf("status method crl: %v", err)
		}
	})
}
