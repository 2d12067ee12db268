package web

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rosettebadges/rosette/internal/badge"
)

// newAwardSite is the issuer site with one badge class of Acme.
func newAwardSite(t *testing.T) (*issuerSite, *badge.BadgeClass) {
	t.Helper()
	is := newIssuerSite(t)
	var img bytes.Buffer
	png.Encode(&img, image.NewGray(image.Rect(0, 0, 4, 4)))
	bc, err := is.bcs.Create(context.Background(), is.users["owner"], is.issuer.ID,
		badge.BadgeClassFields{Name: "Welder", Description: "Welds.", CriteriaNarrative: "Weld."}, img.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return is, bc
}

func awardValues(key, recipient string) url.Values {
	return url.Values{"key": {key}, "recipient": {recipient}, "recipient_type": {"email"}, "recipient_name": {"Ada"},
		"narrative": {"Did it."}, "evidence_url_0": {"https://example.org/work"}, "evidence_name_0": {"Work"}}
}

// TestAwardPagePermissions checks each person against the award form, issuing, the list,
// an award's page and revocation.
func TestAwardPagePermissions(t *testing.T) {
	is, bc := newAwardSite(t)
	a, err := is.awards.Issue(context.Background(), is.users["owner"], badge.AwardRequest{BadgeClassID: bc.ID,
		Recipient: badge.Recipient{Identity: "first@example.org"}})
	if err != nil {
		t.Fatal(err)
	}
	const ok, see, forbidden, notFound = http.StatusOK, http.StatusSeeOther, http.StatusForbidden, http.StatusNotFound
	type want struct{ form, create, list, show, revoke int }
	for who, w := range map[string]want{
		"admin":    {ok, see, ok, ok, see},
		"owner":    {ok, see, ok, ok, see},
		"editor":   {forbidden, forbidden, ok, ok, forbidden},
		"awarder":  {ok, see, ok, ok, see},
		"viewer":   {forbidden, forbidden, ok, ok, forbidden},
		"stranger": {forbidden, forbidden, forbidden, forbidden, forbidden},
	} {
		wantStatus(t, who+" form", is.get(t, who, "/admin/badges/"+bc.ID+"/award"), w.form)
		wantStatus(t, who+" create", is.post(t, who, "/admin/badges/"+bc.ID+"/award", awardValues(newFormKey(), who+"@example.org")), w.create)
		wantStatus(t, who+" list", is.get(t, who, "/admin/badges/"+bc.ID+"/awards"), w.list)
		wantStatus(t, who+" show", is.get(t, who, "/admin/awards/"+a.ID), w.show)
		// A missing reason is refused before anything changes; then revoke for real.
		if w.revoke == see {
			wantStatus(t, who+" revoke without reason", is.post(t, who, "/admin/awards/"+a.ID+"/revoke", url.Values{"reason": {""}}), http.StatusUnprocessableEntity)
		}
		wantStatus(t, who+" revoke", is.post(t, who, "/admin/awards/"+a.ID+"/revoke", url.Values{"reason": {"Test by " + who}}), w.revoke)
	}
	wantStatus(t, "unknown badge class", is.get(t, "owner", "/admin/badges/nope/award"), notFound)
	wantStatus(t, "unknown award", is.get(t, "owner", "/admin/awards/nope"), notFound)
	wantStatus(t, "anonymous", get(t, &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		is.ts.URL+"/admin/badges/"+bc.ID+"/award"), see)
}

// TestAwardFlow awards through the form (twice with the same form key: one award), shows
// the award and its list, refuses bad input with field messages, and revokes.
func TestAwardFlow(t *testing.T) {
	is, bc := newAwardSite(t)
	form := is.get(t, "awarder", "/admin/badges/"+bc.ID+"/award")
	wantStatus(t, "form", form, http.StatusOK)
	m := regexp.MustCompile(`name="key" value="([^"]+)"`).FindStringSubmatch(form.body)
	if m == nil {
		t.Fatal("no form key")
	}
	key := m[1]
	r1 := is.post(t, "awarder", "/admin/badges/"+bc.ID+"/award", awardValues(key, "ada@example.org"))
	r2 := is.post(t, "awarder", "/admin/badges/"+bc.ID+"/award", awardValues(key, "ada@example.org"))
	wantStatus(t, "create", r1, http.StatusSeeOther)
	if l1, l2 := r1.location, r2.location; l1 != l2 || !strings.HasPrefix(l1, "/admin/awards/") {
		t.Fatalf("double submit went to %q and %q", l1, l2)
	}
	page := is.get(t, "awarder", r1.location)
	for _, want := range []string{"ada@example.org", "Welder", "Did it.", "https://example.org/work", "/credential.json", "Revoke this badge"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("award page lacks %q", want)
		}
	}
	list := is.get(t, "viewer", "/admin/badges/"+bc.ID+"/awards")
	if !strings.Contains(list.body, "ada@example.org") || !strings.Contains(list.body, "1 award.") {
		t.Errorf("list: %s", list.body)
	}
	bad := awardValues(newFormKey(), "not an email")
	bad.Set("issued", "yesterday")
	r := is.post(t, "awarder", "/admin/badges/"+bc.ID+"/award", bad)
	wantStatus(t, "bad form", r, http.StatusUnprocessableEntity)
	if !strings.Contains(r.body, "Issue date must be a date") || !strings.Contains(r.body, `value="not an email"`) {
		t.Errorf("bad form page: %s", r.body)
	}
	bad.Set("issued", "")
	r = is.post(t, "awarder", "/admin/badges/"+bc.ID+"/award", bad)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, `field-error`) {
		t.Errorf("bad recipient: %d", r.status)
	}
	id := strings.TrimPrefix(r1.location, "/admin/awards/")
	wantStatus(t, "revoke", is.post(t, "awarder", "/admin/awards/"+id+"/revoke", url.Values{"reason": {"Mistake"}}), http.StatusSeeOther)
	page = is.get(t, "awarder", "/admin/awards/"+id)
	if !strings.Contains(page.body, "Mistake") || strings.Contains(page.body, "Revoke this badge") || !strings.Contains(page.body, "revoked") {
		t.Errorf("revoked award page: %s", page.body)
	}
}

// TestAwardRevokeMany revokes by id and recipient from the awards list, all or nothing.
func TestAwardRevokeMany(t *testing.T) {
	is, bc := newAwardSite(t)
	ctx := context.Background()
	var ids []string
	for _, e := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		a, err := is.awards.Issue(ctx, is.users["owner"], badge.AwardRequest{BadgeClassID: bc.ID, Recipient: badge.Recipient{Identity: e}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	path := "/admin/badges/" + bc.ID + "/awards/revoke"
	wantStatus(t, "viewer", is.post(t, "viewer", path, url.Values{"awards": {ids[0]}, "reason": {"x"}}), http.StatusForbidden)
	r := is.post(t, "awarder", path, url.Values{"awards": {ids[0] + "\r\nnobody@example.org"}, "reason": {"Cancelled"}})
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Line 2: No award of this badge matches") {
		t.Fatalf("unknown line: %d %s", r.status, r.body)
	}
	r = is.post(t, "awarder", path, url.Values{"awards": {ids[0] + "\r\nB@example.org\r\n"}, "reason": {"Cancelled"}})
	wantStatus(t, "revoke many", r, http.StatusSeeOther)
	for i, id := range ids {
		a, err := is.awards.Get(ctx, is.users["owner"], id)
		if err != nil {
			t.Fatal(err)
		}
		if got := !a.RevokedAt.IsZero(); got != (i < 2) {
			t.Errorf("award %d revoked = %v", i, got)
		}
	}
}
