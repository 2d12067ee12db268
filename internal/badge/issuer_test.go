package badge

import (
	"errors"
	"strings"
	"testing"
)

// TestCanMatrix walks every role (and site admin, and no role) x every action against the
// table written out by hand.
func TestCanMatrix(t *testing.T) {
	// columns: view, edit_issuer, manage_staff, design_badge, award, revoke, view_reports, manage_keys
	want := map[string]string{
		"admin":   "11111111",
		"owner":   "11111111",
		"editor":  "11010010",
		"awarder": "10001110",
		"viewer":  "10000010",
		"":        "00000000",
		"janitor": "00000000",
	}
	actions := Actions()
	if len(actions) != 8 {
		t.Fatalf("%d actions, the table has 8", len(actions))
	}
	for who, row := range want {
		for i, a := range actions {
			admin := who == "admin"
			role := Role(who)
			if admin {
				role = ""
			}
			got := Can(admin, role, a)
			if got != (row[i] == '1') {
				t.Errorf("Can(admin=%v, %q, %s) = %v", admin, role, a, got)
			}
		}
	}
	for _, r := range Roles() {
		if Can(false, r, "fly") || Can(true, r, "fly") {
			t.Errorf("unknown action allowed for %s", r)
		}
	}
}

func TestParseRole(t *testing.T) {
	for _, r := range Roles() {
		if got, err := ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	if _, err := ParseRole("Owner"); !errors.Is(err, Invalid) {
		t.Errorf("ParseRole(Owner) = %v", err)
	}
}

func TestIssuerFieldsNormalize(t *testing.T) {
	ok := IssuerFields{Name: "  Acme Academy ", Website: "https://acme.example", Email: "Badges@ACME.example",
		LogoURL: "https://acme.example/logo.png", LinkedInOrg: "1337", Description: " d "}
	got, err := ok.Normalize()
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Acme Academy" || got.Email != "Badges@acme.example" || got.Description != "d" {
		t.Errorf("Normalize = %+v", got)
	}
	tests := []struct {
		f     IssuerFields
		field string
	}{
		{IssuerFields{}, "name"},
		{IssuerFields{Name: "   "}, "name"},
		{IssuerFields{Name: strings.Repeat("x", 201)}, "name"},
		{IssuerFields{Name: "a\x01b"}, "name"},
		{IssuerFields{Name: "A", Description: strings.Repeat("x", 4001)}, "description"},
		{IssuerFields{Name: "A", Website: "acme.example"}, "website"},
		{IssuerFields{Name: "A", Website: "ftp://acme.example"}, "website"},
		{IssuerFields{Name: "A", Website: "javascript:alert(1)"}, "website"},
		{IssuerFields{Name: "A", Website: "https://u:p@acme.example"}, "website"},
		{IssuerFields{Name: "A", Email: "nope"}, "email"},
		{IssuerFields{Name: "A", Email: "a@b"}, "email"},
		{IssuerFields{Name: "A", LogoURL: "file:///etc/passwd"}, "logo"},
		{IssuerFields{Name: "A", LinkedInOrg: "acme"}, "linkedin_org"},
		{IssuerFields{Name: "A", LinkedInOrg: "12a"}, "linkedin_org"},
		{IssuerFields{Name: "A", LinkedInOrg: "123456789012345678901"}, "linkedin_org"},
	}
	for _, tt := range tests {
		_, err := tt.f.Normalize()
		msgs := FieldMessages(err)
		if !errors.Is(err, Invalid) || len(msgs) != 1 || msgs[tt.field] == "" {
			t.Errorf("Normalize(%+v) = %v (%v); want Invalid on %s only", tt.f, err, msgs, tt.field)
			continue
		}
		if SafeMessage(err) != msgs[tt.field] {
			t.Errorf("message %q vs %q", SafeMessage(err), msgs[tt.field])
		}
	}
}

func TestIssuerFieldsAllProblemsAtOnce(t *testing.T) {
	_, err := IssuerFields{Website: "x", Email: "y", LinkedInOrg: "z", LogoURL: "ftp://l"}.Normalize()
	msgs := FieldMessages(err)
	for _, f := range []string{"name", "website", "email", "linkedin_org", "logo"} {
		if msgs[f] == "" {
			t.Errorf("no message for %s: %v", f, msgs)
		}
	}
	if KindOf(err) != Invalid {
		t.Errorf("kind %s", KindOf(err))
	}
}

func FuzzIssuerFieldsNormalize(f *testing.F) {
	f.Add("Acme", "https://acme.example", "a@acme.example", "42", "https://acme.example/l.png")
	f.Add(" ", "acme", "x", "a1", "data:image/png;base64,AA")
	f.Fuzz(func(t *testing.T, name, website, email, linkedin, logo string) {
		got, err := IssuerFields{Name: name, Website: website, Email: email, LinkedInOrg: linkedin, LogoURL: logo}.Normalize()
		if err != nil {
			if !errors.Is(err, Invalid) || len(FieldMessages(err)) == 0 {
				t.Fatalf("error %v is not an Invalid field error", err)
			}
			return
		}
		again, err := got.Normalize()
		if err != nil || again != got {
			t.Fatalf("not idempotent: %+v -> %+v, %v", got, again, err)
		}
	})
}

func TestIssuerStatusMethod(t *testing.T) {
	for m, ok := range map[StatusMethod]bool{"": true, StatusBitstring: true, Status1EdTech: true, "crl": false, "Bitstring": false} {
		got, err := IssuerFields{Name: "Acme", StatusMethod: m}.Normalize()
		if ok != (err == nil) || (ok && got.StatusMethod != m) {
			t.Errorf("status method %q: %+v, %v", m, got, err)
		}
		if !ok && FieldMessages(err)["status_method"] == "" {
			t.Errorf("status method %q: error not on its field: %v", m, err)
		}
	}
}
