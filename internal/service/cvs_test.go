package service

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// cvFixture is an awards fixture with an earner who holds an award of this installation and
// two imported badges, and the CV, export and deletion services.
type cvFixture struct {
	awardsFixture
	acc      *Accounts
	cvs      *CVs
	earner   *badge.User
	award    *badge.Award
	items    map[string]*store.WalletItem // "award", "https" (imported, https id), "private" (urn id, private)
	renderer *textRenderer
}

// textRenderer stands in for the PDF renderer of internal/pdf in these tests: it writes the
// document's text, so the tests can check what was passed to it.
type textRenderer struct{}

func (textRenderer) RenderCV(_ context.Context, w io.Writer, doc *CVDocument) error {
	fmt.Fprintf(w, "%%PDF-test\n%s\n", doc.Title)
	for _, s := range doc.Sections {
		fmt.Fprintf(w, "## %s\n", s.Title)
		for _, b := range s.Badges {
			fmt.Fprintf(w, "%s | %s | qr=%s | %s\n", b.Name, b.IssuerName, b.VerifyURL, b.NoQRReason)
		}
	}
	return nil
}

type fixedSkills []CVSkill

func (f fixedSkills) SkillsOf(context.Context, int64) ([]CVSkill, error) { return f, nil }

func newCVFixture(t *testing.T, newStore func(testing.TB) *store.Store) cvFixture {
	t.Helper()
	ctx := context.Background()
	f := cvFixture{awardsFixture: newAwards(t, newStore), renderer: &textRenderer{}, items: map[string]*store.WalletItem{}}
	f.acc = NewAccounts(f.st, f.clock, nil, AccountsOptions{Hasher: NewPasswordHasher(cheapParams, 4)})
	var err error
	if f.earner, err = f.acc.CreateUser(ctx, "earner@example.org", "Ada Earner", pw, false); err != nil {
		t.Fatal(err)
	}
	if f.award, err = f.awards.Issue(ctx, f.users["awarder"], emailReq(f.bc.ID, "earner@example.org")); err != nil {
		t.Fatal(err)
	}
	now := f.clock.Now()
	png := testPNG(t, 4)
	for name, w := range map[string]*store.WalletItem{
		"award": {ID: "item-award", Source: "award", AwardID: f.award.ID, CredentialKey: "award:" + f.award.ID},
		"https": {ID: "item-https", Source: "import", Format: "ob3-json", CredentialKey: "k-https", Name: "Knots",
			IssuerName: "Harbour School", Credential: []byte(`{"id":"https://other.example/credentials/1","type":["VerifiableCredential"]}`),
			Image: png, ImageType: "image/png", IssuedAt: now.AddDate(-1, 0, 0), VerifyStatus: "verified"},
		"private": {ID: "item-private", Source: "import", Format: "ob3-jwt", CredentialKey: "k-private", Name: "Sailing",
			IssuerName: "Yacht Club", Credential: []byte("eyJhbGciOiJub25lIn0.eyJ2YyI6eyJpZCI6InVybjp1dWlkOjEyMyJ9fQ.")},
	} {
		w.UserID, w.State, w.Visibility, w.CreatedAt, w.UpdatedAt = f.earner.ID, "accepted", "private", now, now
		if w.VerifyStatus == "" {
			w.VerifyStatus = "unchecked"
		}
		w.VerifyReport = "{}"
		if err := f.st.Update(ctx, func(tx *store.Tx) error { return tx.InsertWalletItem(ctx, w) }); err != nil {
			t.Fatal(err)
		}
		f.items[name] = w
	}
	f.cvs = NewCVs(CVsOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock, Renderer: f.renderer,
		Skills: fixedSkills{{Name: "welding", Badges: 1}}})
	return f
}

func TestCVs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"SectionsOrder":   testCVSectionsOrder,
			"Sharing":         testCVSharing,
			"Document":        testCVDocument,
			"ConcurrentMoves": testCVConcurrentMoves,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

func sectionIDs(t *testing.T, f cvFixture, cvID string) []string {
	t.Helper()
	c, err := f.cvs.Get(context.Background(), f.earner, cvID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, s := range c.Sections {
		if s.Position != i {
			t.Errorf("section %s at position %d, index %d", s.ID, s.Position, i)
		}
		out = append(out, s.ID)
	}
	return out
}

func testCVSectionsOrder(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	if _, err := f.cvs.Create(ctx, f.earner, "  "); !hasField(err, "title") {
		t.Errorf("empty title: %v", err)
	}
	c, err := f.cvs.Create(ctx, f.earner, " Welding jobs ")
	if err != nil || c.Title != "Welding jobs" || c.Shared() {
		t.Fatalf("Create = %+v, %v", c, err)
	}
	add := func(in SectionInput) string {
		t.Helper()
		s, err := f.cvs.AddSection(ctx, f.earner, c.ID, in)
		if err != nil {
			t.Fatalf("AddSection(%+v): %v", in, err)
		}
		return s.ID
	}
	badges := add(SectionInput{Kind: SectionBadges, Items: []string{"item-https", "item-award", "item-https"}})
	text := add(SectionInput{Kind: SectionText, Title: "About me", Text: "Welder,\r\nten years."})
	links := add(SectionInput{Kind: SectionLinks, Links: []CVLink{{Label: "Portfolio", URL: "https://ada.example"}}})
	if got, want := sectionIDs(t, f, c.ID), []string{badges, text, links}; !cmp.Equal(got, want) {
		t.Fatalf("order = %v, want %v", got, want)
	}
	full, _ := f.cvs.Get(ctx, f.earner, c.ID)
	if got := full.Sections[0].Items; !cmp.Equal(got, []string{"item-https", "item-award"}) {
		t.Errorf("badge items = %v (duplicates dropped, order kept)", got)
	}
	if full.Sections[1].Text != "Welder,\nten years." || full.Sections[1].Title != "About me" {
		t.Errorf("text section = %+v", full.Sections[1])
	}

	for _, tc := range []struct {
		name  string
		delta int
		id    string
		want  []string
	}{
		{"last down stays", 1, links, []string{badges, text, links}},
		{"first up stays", -1, badges, []string{badges, text, links}},
		{"middle up", -1, text, []string{text, badges, links}},
		{"first down", 1, text, []string{badges, text, links}},
		{"last up", -1, links, []string{badges, links, text}},
	} {
		if err := f.cvs.MoveSection(ctx, f.earner, c.ID, tc.id, tc.delta); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := sectionIDs(t, f, c.ID); !cmp.Equal(got, tc.want) {
			t.Errorf("%s: order = %v, want %v", tc.name, got, tc.want)
		}
	}
	if err := f.cvs.MoveSection(ctx, f.earner, c.ID, text, 2); !hasKind(err, badge.Invalid) {
		t.Errorf("move by 2: %v", err)
	}
	if err := f.cvs.RemoveSection(ctx, f.earner, c.ID, badges); err != nil {
		t.Fatal(err)
	}
	if got := sectionIDs(t, f, c.ID); !cmp.Equal(got, []string{links, text}) {
		t.Errorf("after remove: %v", got)
	}
	skills := add(SectionInput{Kind: SectionSkills})
	if got := sectionIDs(t, f, c.ID); !cmp.Equal(got, []string{links, text, skills}) {
		t.Errorf("after add: %v", got)
	}
	// Editing keeps the kind and position.
	if err := f.cvs.EditSection(ctx, f.earner, c.ID, text, SectionInput{Kind: SectionLinks, Title: "Me", Text: "New"}); err != nil {
		t.Fatal(err)
	}
	full, _ = f.cvs.Get(ctx, f.earner, c.ID)
	if s := full.Sections[1]; s.Kind != SectionText || s.Text != "New" || s.Title != "Me" || s.Position != 1 {
		t.Errorf("edited = %+v", s)
	}

	// Bad input changes nothing.
	stranger, err := f.acc.CreateUser(ctx, "stranger@example.org", "", pw, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		in    SectionInput
		field string
	}{
		{"kind", SectionInput{Kind: "poem"}, "kind"},
		{"foreign item", SectionInput{Kind: SectionBadges, Items: []string{"nope"}}, "items"},
		{"link scheme", SectionInput{Kind: SectionLinks, Links: []CVLink{{Label: "x", URL: "javascript:alert(1)"}}}, "links"},
		{"text control", SectionInput{Kind: SectionText, Text: "a\x00b"}, "text"},
		{"long title", SectionInput{Kind: SectionText, Title: strings.Repeat("t", 201)}, "title"},
	} {
		if _, err := f.cvs.AddSection(ctx, f.earner, c.ID, tc.in); !hasField(err, tc.field) {
			t.Errorf("%s: %v, want an error on %q", tc.name, err, tc.field)
		}
	}
	// Another earner's badge cannot be put in a CV.
	if _, err := f.cvs.AddSection(ctx, stranger, c.ID, SectionInput{Kind: SectionText}); !hasKind(err, badge.NotFound) {
		t.Errorf("stranger adds to the CV: %v", err)
	}
	sc, err := f.cvs.Create(ctx, stranger, "Mine")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cvs.AddSection(ctx, stranger, sc.ID, SectionInput{Kind: SectionBadges, Items: []string{"item-award"}}); !hasField(err, "items") {
		t.Errorf("someone else's wallet item: %v", err)
	}
	for name, err := range map[string]error{
		"get":                   func() error { _, err := f.cvs.Get(ctx, stranger, c.ID); return err }(),
		"rename":                f.cvs.Rename(ctx, stranger, c.ID, "x"),
		"delete":                f.cvs.Delete(ctx, stranger, c.ID),
		"move":                  f.cvs.MoveSection(ctx, stranger, c.ID, text, 1),
		"remove":                f.cvs.RemoveSection(ctx, stranger, c.ID, text),
		"share":                 func() error { _, err := f.cvs.Share(ctx, stranger, c.ID); return err }(),
		"section of another CV": f.cvs.EditSection(ctx, f.earner, sc.ID, text, SectionInput{}),
	} {
		if !hasKind(err, badge.NotFound) {
			t.Errorf("%s: %v, want NotFound", name, err)
		}
	}
	if got := sectionIDs(t, f, c.ID); !cmp.Equal(got, []string{links, text, skills}) {
		t.Errorf("after refused changes: %v", got)
	}
	if err := f.cvs.Rename(ctx, f.earner, c.ID, "Jobs"); err != nil {
		t.Fatal(err)
	}
	list, err := f.cvs.List(ctx, f.earner)
	if err != nil || len(list) != 1 || list[0].Title != "Jobs" {
		t.Errorf("List = %+v, %v", list, err)
	}
	if err := f.cvs.Delete(ctx, f.earner, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cvs.Get(ctx, f.earner, c.ID); !hasKind(err, badge.NotFound) {
		t.Errorf("deleted CV: %v", err)
	}
}

func testCVSharing(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	c, err := f.cvs.Create(ctx, f.earner, "Shared")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.cvs.SharedDocument(ctx, ""); !hasKind(err, badge.NotFound) {
		t.Errorf("empty token: %v", err)
	}
	tok, err := f.cvs.Share(ctx, f.earner, c.ID)
	if err != nil || len(tok) < 43 {
		t.Fatalf("Share = %q, %v", tok, err)
	}
	again, err := f.cvs.Share(ctx, f.earner, c.ID)
	if err != nil || again != tok {
		t.Errorf("sharing twice changed the token: %q, %v", again, err)
	}
	doc, err := f.cvs.SharedDocument(ctx, tok)
	if err != nil || doc.Title != "Shared" || doc.ShareURL != f.urls.Base+"/cv/"+tok || doc.OwnerName != "Ada Earner" {
		t.Fatalf("SharedDocument = %+v, %v", doc, err)
	}
	if err := f.cvs.StopSharing(ctx, f.earner, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cvs.SharedDocument(ctx, tok); !hasKind(err, badge.NotFound) {
		t.Errorf("old token after stop sharing: %v", err)
	}
	if err := f.cvs.SharedPDF(ctx, tok, io.Discard); !hasKind(err, badge.NotFound) {
		t.Errorf("old token PDF: %v", err)
	}
	tok2, err := f.cvs.Share(ctx, f.earner, c.ID)
	if err != nil || tok2 == tok {
		t.Fatalf("re-share = %q (old %q), %v", tok2, tok, err)
	}
	if _, err := f.cvs.SharedDocument(ctx, tok); !hasKind(err, badge.NotFound) {
		t.Errorf("old token after re-share: %v", err)
	}
	if _, err := f.cvs.SharedDocument(ctx, tok2); err != nil {
		t.Errorf("new token: %v", err)
	}
	// Safeguarding: with sharing turned off, the link stops working and nothing can be shared.
	allowed := false
	guarded := NewCVs(CVsOptions{Store: f.st, URLs: f.urls, Clock: f.clock,
		SharingAllowed: func(context.Context, int64) (bool, error) { return allowed, nil }})
	if _, err := guarded.SharedDocument(ctx, tok2); !hasKind(err, badge.NotFound) {
		t.Errorf("shared link with sharing off: %v", err)
	}
	if _, err := guarded.Share(ctx, f.earner, c.ID); !hasKind(err, badge.Forbidden) {
		t.Errorf("share with sharing off: %v", err)
	}
	allowed = true
	if _, err := guarded.SharedDocument(ctx, tok2); err != nil {
		t.Errorf("shared link with sharing back on: %v", err)
	}
	// Without a renderer, PDFs are Unavailable.
	bare := NewCVs(CVsOptions{Store: f.st, URLs: f.urls, Clock: f.clock})
	if err := bare.SharedPDF(ctx, tok2, io.Discard); !hasKind(err, badge.Unavailable) {
		t.Errorf("PDF without a renderer: %v", err)
	}
}

func testCVDocument(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	c, err := f.cvs.Create(ctx, f.earner, "Doc")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []SectionInput{
		{Kind: SectionBadges, Items: []string{"item-award", "item-https", "item-private"}},
		{Kind: SectionSkills},
		{Kind: SectionContact, Lines: []string{" ada@example.org ", "", "+44 1234"}},
	} {
		if _, err := f.cvs.AddSection(ctx, f.earner, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := f.cvs.Document(ctx, f.earner, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Sections) != 3 || doc.Sections[0].Title != "Badges" || doc.Sections[1].Title != "Skills" {
		t.Fatalf("sections = %+v", doc.Sections)
	}
	bs := doc.Sections[0].Badges
	if len(bs) != 3 {
		t.Fatalf("badges = %+v", bs)
	}
	// The award: its name, issuer, dates, image and public page from this installation.
	if b := bs[0]; b.Name != "Welder" || b.IssuerName != "Acme" || b.VerifyURL != f.urls.Award(f.award.ID) ||
		b.ImageType != "image/png" || len(b.Image) == 0 || !b.IssuedAt.Equal(f.award.IssuedAt) || b.Status != "verified" {
		t.Errorf("award badge = %+v", b)
	}
	if b := bs[1]; b.VerifyURL != "https://other.example/credentials/1" || b.ImageType != "image/png" || b.NoQRReason != "" {
		t.Errorf("https badge = %+v", b)
	}
	if b := bs[2]; b.VerifyURL != "" || b.NoQRReason == "" || b.Image != nil {
		t.Errorf("private badge = %+v", b)
	}
	// Made public in a wallet with public pages, it gets that page.
	withPages := NewCVs(CVsOptions{Store: f.st, Awards: f.awards, URLs: f.urls, Clock: f.clock,
		PublicItemURL: func(_ context.Context, _ int64, id string) (string, error) {
			return f.urls.Base + "/wallet/public/" + id, nil
		}})
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE wallet_items SET visibility = 'public' WHERE id = 'item-private'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	doc2, err := withPages.Document(ctx, f.earner, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b := doc2.Sections[0].Badges[2]; b.VerifyURL != f.urls.Base+"/wallet/public/item-private" || b.NoQRReason != "" {
		t.Errorf("public private badge = %+v", b)
	}
	if n := doc2.Sections[1].Note; n == "" {
		t.Error("no note for skills without a skill source")
	}
	if got := doc.Sections[1].Skills; len(got) != 1 || got[0].Name != "welding" {
		t.Errorf("skills = %+v", got)
	}
	if got := doc.Sections[2].Lines; !cmp.Equal(got, []string{"ada@example.org", "+44 1234"}) {
		t.Errorf("contact = %q", got)
	}
	// A revoked award says so.
	if _, err := f.awards.Revoke(ctx, f.users["awarder"], f.award.ID, "Mistake"); err != nil {
		t.Fatal(err)
	}
	doc, _ = f.cvs.Document(ctx, f.earner, c.ID)
	if got := doc.Sections[0].Badges[0].Status; got != "revoked" {
		t.Errorf("revoked award status %q", got)
	}
	// The PDF goes through the renderer; a shared CV's image is served, others' are not.
	var pdf strings.Builder
	if err := f.cvs.PDF(ctx, f.earner, c.ID, &pdf); err != nil || !strings.Contains(pdf.String(), "Welder | Acme | qr="+f.urls.Award(f.award.ID)) {
		t.Errorf("PDF = %q, %v", pdf.String(), err)
	}
	tok, _ := f.cvs.Share(ctx, f.earner, c.ID)
	if img, typ, err := f.cvs.SharedBadgeImage(ctx, tok, "item-https"); err != nil || typ != "image/png" || len(img) == 0 {
		t.Errorf("shared image: %s, %v", typ, err)
	}
	if _, _, err := f.cvs.SharedBadgeImage(ctx, tok, "item-private"); !hasKind(err, badge.NotFound) {
		t.Errorf("image of a badge without one: %v", err)
	}
	// A badge that leaves the wallet leaves the CV, with a note.
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM wallet_items WHERE id = 'item-https'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	doc, _ = f.cvs.Document(ctx, f.earner, c.ID)
	if s := doc.Sections[0]; len(s.Badges) != 2 || s.Note == "" {
		t.Errorf("after removal: %d badges, note %q", len(s.Badges), s.Note)
	}
}

func hasKind(err error, k badge.Kind) bool { return err != nil && badge.KindOf(err) == k }

func hasField(err error, field string) bool {
	_, ok := badge.FieldMessages(err)[field]
	return ok
}

func TestParseCVLinks(t *testing.T) {
	got, err := ParseCVLinks("Portfolio | https://ada.example/p\n\n  https://git.example/ada  \r\nBlog|http://blog.example")
	want := []CVLink{{"Portfolio", "https://ada.example/p"}, {"git.example", "https://git.example/ada"}, {"Blog", "http://blog.example"}}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ParseCVLinks = %v, %v", got, err)
	}
	if back, err := ParseCVLinks(FormatCVLinks(got)); err != nil || !cmp.Equal(back, want) {
		t.Errorf("round trip = %v, %v", back, err)
	}
	for _, bad := range []string{"x | ftp://a.example", "javascript:alert(1)", "Label | ", "https://", "a | https://a.example/\x00"} {
		if _, err := ParseCVLinks(bad); !hasField(err, "links") {
			t.Errorf("ParseCVLinks(%q) = %v", bad, err)
		}
	}
	if _, err := ParseCVLinks(strings.Repeat("https://a.example\n", maxCVLinks+1)); !hasField(err, "links") {
		t.Errorf("too many links: %v", err)
	}
}

func FuzzParseCVLinks(f *testing.F) {
	f.Add("Portfolio | https://ada.example/p\nhttps://b.example")
	f.Add("x|y|z\n\r\n|")
	f.Fuzz(func(t *testing.T, s string) {
		links, err := ParseCVLinks(s)
		if err != nil {
			return
		}
		for _, l := range links {
			if _, err := checkCVLink(l); err != nil {
				t.Fatalf("accepted link %+v fails the check: %v", l, err)
			}
		}
	})
}

func TestCredentialHTTPSID(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"id":"https://a.example/c/1"}`, "https://a.example/c/1"},
		{`{"id":"urn:uuid:1"}`, ""},
		{`{"id":"http://a.example/c/1"}`, ""},
		{`{"id":7}`, ""},
		{"eyJhbGciOiJub25lIn0.eyJ2YyI6eyJpZCI6Imh0dHBzOi8vYS5leGFtcGxlL3YifX0.sig", "https://a.example/v"}, // {"vc":{"id":"https://a.example/v"}}
		{"eyJhbGciOiJub25lIn0.eyJqdGkiOiJodHRwczovL2EuZXhhbXBsZS9qIn0.", "https://a.example/j"},            // {"jti":"https://a.example/j"}
		{"not a credential", ""},
		{"", ""},
	} {
		if got := CredentialHTTPSID([]byte(tc.in)); got != tc.want {
			t.Errorf("CredentialHTTPSID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzCredentialHTTPSID(f *testing.F) {
	f.Add([]byte(`{"id":"https://a.example/c/1"}`))
	f.Add([]byte("eyJhbGciOiJub25lIn0.eyJ2YyI6eyJpZCI6Imh0dHBzOi8vYS5leGFtcGxlL3YifX0.sig"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if id := CredentialHTTPSID(b); id != "" && !strings.HasPrefix(id, "https://") {
			t.Fatalf("id %q is not https", id)
		}
	})
}

// testCVConcurrentMoves moves sections from many goroutines at once: the positions stay
// 0, 1, 2, ... (the CV row is locked while its sections change).
func testCVConcurrentMoves(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newCVFixture(t, newStore)
	c, err := f.cvs.Create(ctx, f.earner, "Busy")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < 4; i++ {
		s, err := f.cvs.AddSection(ctx, f.earner, c.ID, SectionInput{Kind: SectionText, Text: fmt.Sprint(i)})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, s.ID)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- f.cvs.MoveSection(ctx, f.earner, c.ID, ids[i%4], []int{-1, 1}[i%2])
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	got := sectionIDs(t, f, c.ID) // checks the positions
	sort.Strings(got)
	want := append([]string(nil), ids...)
	sort.Strings(want)
	if !cmp.Equal(got, want) {
		t.Errorf("sections after concurrent moves = %v", got)
	}
}
