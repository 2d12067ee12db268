package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
	"github.com/rosettebadges/rosette/openbadges/bake"
	"github.com/rosettebadges/rosette/openbadges/did"
	"github.com/rosettebadges/rosette/openbadges/jsonld"
	"github.com/rosettebadges/rosette/openbadges/ob2"
	"github.com/rosettebadges/rosette/openbadges/ob3"
	"github.com/rosettebadges/rosette/openbadges/proof"
	"github.com/rosettebadges/rosette/openbadges/status"
)

// notices records the notifications QueueAward is asked for.
type notices struct {
	mu   sync.Mutex
	sent []AwardNotice
}

func (n *notices) QueueAward(_ context.Context, _ *store.Tx, an AwardNotice) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, an)
	return nil
}

type awardsFixture struct {
	badgeClassesFixture
	awards  *Awards
	km      *keys.Manager
	urls    links.URLs
	bc      *badge.BadgeClass
	notices *notices
	queue   *jobs.Queue
}

func newAwards(t testing.TB, newStore func(testing.TB) *store.Store) awardsFixture {
	t.Helper()
	f := newBadgeClasses(t, newStore)
	ctx := context.Background()
	fields := classFields("Welder")
	fields.Tags = []string{"welding", "safety"}
	fields.Alignments = []badge.Alignment{{Name: "ESCO welding", URL: "https://esco.example/welding", Framework: "ESCO", Code: "W1"}}
	fields.Credits = "2.5"
	fields.Expiry = badge.Expiry{Kind: badge.ExpiryDuration, Count: 2, Unit: "years"}
	bc, err := f.bcs.Create(ctx, f.users["owner"], f.issuer.ID, fields, testPNG(t, 8))
	if err != nil {
		t.Fatal(err)
	}
	n := &notices{}
	q := jobs.New(f.st, nil, f.clock, jobs.Options{})
	urls := links.URLs{Base: "https://badges.example.org"}
	aw := NewAwards(AwardsOptions{Store: f.st, Keys: f.svc.keys, Queue: q, URLs: urls, Clock: f.clock,
		Canonicalizer: jsonld.NewProcessor(jsonld.WithLoader(jsonld.NewLoader())), Notifier: n})
	return awardsFixture{badgeClassesFixture: f, awards: aw, km: f.svc.keys, urls: urls, bc: bc, notices: n, queue: q}
}

// resolver resolves the fixture issuer's verification methods from its stored public keys.
type resolver struct {
	f awardsFixture
}

func (r resolver) ResolveMethod(ctx context.Context, id string) (*did.VerificationMethod, error) {
	recs, err := r.f.km.PublicKeys(ctx, r.f.issuer.ID)
	if err != nil {
		return nil, err
	}
	for _, k := range recs {
		vm, err := r.f.urls.VerificationMethod(r.f.issuer.ID, k.ID)
		if err != nil {
			return nil, err
		}
		if vm == id {
			d, _ := r.f.urls.DID(r.f.issuer.ID)
			return did.NewMethod(vm, d, k.Public)
		}
	}
	return nil, fmt.Errorf("no method %s", id)
}

func TestAwards(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"IssueAndVerify": testAwardIssueAndVerify,
			"Idempotent":     testAwardIdempotent,
			"Batch":          testAwardBatch,
			"Matrix":         testAwardMatrix,
			"Revoke":         testAwardRevoke,
			"SigningJob":     testAwardSigningJob,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

func emailReq(bcID, email string) badge.AwardRequest {
	return badge.AwardRequest{BadgeClassID: bcID, Recipient: badge.Recipient{Identity: email, Name: "Ada Lovelace"}}
}

func testAwardIssueAndVerify(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	req := emailReq(f.bc.ID, " Ada@Example.org ")
	req.Narrative = "Welded a *bridge*."
	req.Evidence = []badge.Evidence{{URL: "https://example.org/bridge", Name: "Bridge"}, {Narrative: "Passed the test."}}
	req.Notify = true
	a, err := f.awards.Issue(ctx, f.users["awarder"], req)
	if err != nil {
		t.Fatal(err)
	}
	if !a.Signed || a.Recipient.Identity != "ada@example.org" || a.Recipient.Type != badge.RecipientEmail {
		t.Fatalf("award = %+v", a)
	}
	if want := a.IssuedAt.AddDate(2, 0, 0); !a.ExpiresAt.Equal(want) {
		t.Errorf("expires %v, want %v (2 years)", a.ExpiresAt, want)
	}
	p, err := f.awards.Public(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	// The credential is a valid OB 3.0 credential whose proof verifies with the issuer's key.
	cred, err := ob3.ParseCredential(p.Credential)
	if err != nil {
		t.Fatal(err)
	}
	if err := cred.Validate(); err != nil {
		t.Fatalf("credential does not validate: %v\n%s", err, p.Credential)
	}
	if cred.ID != f.urls.Award(a.ID) || !cred.CredentialSubject.Identifier[0].Matches("ada@example.org") {
		t.Errorf("id %s, identifier %+v", cred.ID, cred.CredentialSubject.Identifier)
	}
	if got := cred.CredentialSubject.Achievement.ID; got != f.urls.BadgeClassVersion(f.bc.ID, 1) {
		t.Errorf("achievement id %s", got)
	}
	issuerDID, _ := f.urls.DID(f.issuer.ID)
	results, err := proof.VerifyDataIntegrity(ctx, f.awards.canon, resolver{f}, p.Credential, issuerDID)
	if err != nil || len(results) != 1 || !results[0].Verified {
		t.Fatalf("proof: %+v, %v", results, err)
	}
	if cred.CredentialStatus == nil || cred.CredentialStatus.Type != status.TypeEntry {
		t.Errorf("credentialStatus = %+v", cred.CredentialStatus)
	}
	// The notification was queued once, with a claim link.
	if len(f.notices.sent) != 1 || !strings.HasPrefix(f.notices.sent[0].ClaimURL, f.urls.Base+"/claim/") ||
		f.notices.sent[0].BadgeName != "Welder" {
		t.Errorf("notices = %+v", f.notices.sent)
	}
	// The VC-JWT verifies and is the same on a second request.
	jwt, err := f.awards.CredentialJWT(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := proof.VerifyJWT(ctx, jwt, resolver{f}); err != nil {
		t.Fatalf("JWT: %v", err)
	}
	if again, _ := f.awards.CredentialJWT(ctx, a.ID); again != jwt {
		t.Error("second JWT differs")
	}
	// The OB 2.0 assertion parses, names the version and hashes the recipient.
	as, err := f.awards.Assertion(p)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ob2.ParseAssertion(as)
	if err != nil {
		t.Fatalf("%v\n%s", err, as)
	}
	if parsed.ID != f.urls.AwardAssertion(a.ID) || !parsed.Recipient.Matches("ada@example.org") {
		t.Errorf("assertion %s", as)
	}
	// Baked images carry the credential and the assertion.
	for _, tc := range []struct {
		kind bake.Kind
		want []byte
	}{{bake.OB3, p.Credential}, {bake.OB2, as}} {
		img, mt, err := f.awards.BakedImage(ctx, p, tc.kind, "png")
		if err != nil || mt != "image/png" {
			t.Fatalf("bake %s: %v %s", tc.kind, err, mt)
		}
		got, err := bake.Unbake(img)
		if err != nil || got.Kind != tc.kind || string(got.Payload) != string(tc.want) {
			t.Errorf("unbake %s: %v", tc.kind, err)
		}
	}
	if _, _, err := f.awards.BakedImage(ctx, p, bake.OB3, "svg"); !errors.Is(err, badge.NotFound) {
		t.Errorf("svg of a png badge: %v", err)
	}
}

func testAwardIdempotent(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	req := emailReq(f.bc.ID, "bob@example.org")
	req.Key = "k-1"
	a1, err := f.awards.Issue(ctx, f.users["awarder"], req)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := f.awards.Issue(ctx, f.users["owner"], req)
	if err != nil {
		t.Fatal(err)
	}
	if a1.ID != a2.ID {
		t.Errorf("same key gave two awards: %s, %s", a1.ID, a2.ID)
	}
	// A batch repeating a key inside itself makes one award.
	out, err := f.awards.IssueBatch(ctx, f.users["awarder"], []badge.AwardRequest{req, func() badge.AwardRequest {
		r := emailReq(f.bc.ID, "carol@example.org")
		r.Key = "k-2"
		return r
	}(), func() badge.AwardRequest { r := emailReq(f.bc.ID, "carol@example.org"); r.Key = "k-2"; return r }()})
	if err != nil {
		t.Fatal(err)
	}
	if out[0].ID != a1.ID || out[1].ID != out[2].ID {
		t.Errorf("batch ids %s %s %s", out[0].ID, out[1].ID, out[2].ID)
	}
	_, total, err := f.awards.ListForBadgeClass(ctx, f.users["viewer"], f.bc.ID, 10, 0)
	if err != nil || total != 2 {
		t.Errorf("total = %d, %v", total, err)
	}
}

func testAwardBatch(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	reqs := []badge.AwardRequest{emailReq(f.bc.ID, "a@example.org"), emailReq(f.bc.ID, "not an email"),
		{BadgeClassID: f.bc.ID, Recipient: badge.Recipient{Identity: "did:example:123"}},
		{BadgeClassID: f.bc.ID, Recipient: badge.Recipient{Identity: "+44 20 7946 0000"}}, emailReq("nope", "b@example.org")}
	_, err := f.awards.IssueBatch(ctx, f.users["awarder"], reqs)
	var be *BatchError
	if !errors.As(err, &be) || !errors.Is(err, badge.Invalid) || len(be.Items) != 1 || be.Items[0].Index != 1 {
		t.Fatalf("err = %v", err)
	}
	if msg := badge.FieldMessages(be.Items[0].Err)["recipient"]; msg == "" {
		t.Errorf("no recipient message: %v", be.Items[0].Err)
	}
	// Fixing row 2 leaves the unknown badge class of row 5.
	reqs[1] = emailReq(f.bc.ID, "c@example.org")
	_, err = f.awards.IssueBatch(ctx, f.users["awarder"], reqs)
	if !errors.As(err, &be) || len(be.Items) != 1 || be.Items[0].Index != 4 {
		t.Fatalf("err = %v", err)
	}
	if _, total, _ := f.awards.ListForBadgeClass(ctx, f.users["owner"], f.bc.ID, 10, 0); total != 0 {
		t.Fatalf("an invalid batch recorded %d awards", total)
	}
	out, err := f.awards.IssueBatch(ctx, f.users["awarder"], reqs[:4])
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range out {
		if !a.Signed {
			t.Errorf("award %d not signed", i)
		}
	}
	if out[2].Recipient.Type != badge.RecipientDID || out[3].Recipient.Identity != "+442079460000" {
		t.Errorf("recipients %+v %+v", out[2].Recipient, out[3].Recipient)
	}
	p, _ := f.awards.Public(ctx, out[2].ID)
	cred, _ := ob3.ParseCredential(p.Credential)
	if cred.CredentialSubject.ID != "did:example:123" {
		t.Errorf("DID subject %q", cred.CredentialSubject.ID)
	}
	list, total, err := f.awards.ListForBadgeClass(ctx, f.users["owner"], f.bc.ID, 2, 1)
	if err != nil || total != 4 || len(list) != 2 {
		t.Errorf("page: %d of %d, %v", len(list), total, err)
	}
}

func testAwardMatrix(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	a, err := f.awards.Issue(ctx, f.users["owner"], emailReq(f.bc.ID, "m@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"admin", "owner", "editor", "awarder", "viewer", "stranger"} {
		u := f.users[who]
		role := map[string]badge.Role{"owner": badge.RoleOwner, "editor": badge.RoleEditor, "awarder": badge.RoleAwarder, "viewer": badge.RoleViewer}[who]
		admin := who == "admin"
		_, err := f.awards.Issue(ctx, u, emailReq(f.bc.ID, who+"@example.org"))
		if got, want := err == nil, badge.Can(admin, role, badge.ActAward); got != want || (!want && !errors.Is(err, badge.Forbidden)) {
			t.Errorf("%s issue: %v", who, err)
		}
		_, err = f.awards.Get(ctx, u, a.ID)
		if got, want := err == nil, badge.Can(admin, role, badge.ActView); got != want {
			t.Errorf("%s get: %v", who, err)
		}
		_, err = f.awards.Revoke(ctx, u, a.ID, "test")
		if got, want := err == nil, badge.Can(admin, role, badge.ActRevoke); got != want {
			t.Errorf("%s revoke: %v", who, err)
		}
	}
}

func testAwardRevoke(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	var be *BatchError
	f := newAwards(t, newStore)
	out, err := f.awards.IssueBatch(ctx, f.users["awarder"], []badge.AwardRequest{emailReq(f.bc.ID, "a@example.org"), emailReq(f.bc.ID, "b@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.awards.Revoke(ctx, f.users["awarder"], out[1].ID, "  "); !errors.Is(err, badge.Invalid) {
		t.Errorf("revoke without reason: %v", err)
	}
	before, err := f.awards.StatusList(ctx, f.issuer.ID, 0) // cached until the next revocation
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := f.awards.StatusList(ctx, f.issuer.ID, 0); string(again) != string(before) {
		t.Error("the same status list differs between two calls")
	}
	f.clock.Advance(time.Hour)
	r, err := f.awards.Revoke(ctx, f.users["awarder"], out[1].ID, "Issued by mistake")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status(f.clock.Now()) != badge.AwardRevoked || r.RevocationReason != "Issued by mistake" {
		t.Errorf("revoked award %+v", r)
	}
	p, _ := f.awards.Public(ctx, out[1].ID)
	as, _ := f.awards.Assertion(p)
	var m map[string]any
	json.Unmarshal(as, &m)
	if m["revoked"] != true || m["revocationReason"] != "Issued by mistake" {
		t.Errorf("assertion %s", as)
	}
	// The status list has the second award's bit set and not the first's.
	doc, err := f.awards.StatusList(ctx, f.issuer.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	issuerDID, _ := f.urls.DID(f.issuer.ID)
	if res, err := proof.VerifyDataIntegrity(ctx, f.awards.canon, resolver{f}, doc, issuerDID); err != nil || !res[0].Verified {
		t.Fatalf("status list proof: %+v %v", res, err)
	}
	lc, err := status.ParseListCredential(doc)
	if err != nil {
		t.Fatal(err)
	}
	bits, err := status.DecodeBitstring(lc.EncodedList, 1, false)
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range out {
		p, _ := f.awards.Public(ctx, a.ID)
		cred, _ := ob3.ParseCredential(p.Credential)
		e, err := status.ParseEntry(mustJSON(t, cred.CredentialStatus))
		if err != nil {
			t.Fatal(err)
		}
		v, _ := bits.Get(e.StatusListIndex)
		if want := map[bool]int{false: 0, true: 1}[i == 1]; v != want {
			t.Errorf("award %d: bit %d = %d, want %d", i, e.StatusListIndex, v, want)
		}
	}
	for _, get := range []func(context.Context, string) ([]byte, error){f.awards.OB2RevocationList, f.awards.CredentialRevocationList} {
		b, err := get(ctx, f.issuer.ID)
		if err != nil || !strings.Contains(string(b), out[1].ID) || strings.Contains(string(b), out[0].ID) {
			t.Errorf("revocation list %s %v", b, err)
		}
	}
	// Bulk revocation by id and by recipient, all or nothing.
	more, err := f.awards.IssueBatch(ctx, f.users["awarder"], []badge.AwardRequest{emailReq(f.bc.ID, "c@example.org"),
		emailReq(f.bc.ID, "d@example.org"), emailReq(f.bc.ID, "e@example.org")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.awards.RevokeMany(ctx, f.users["awarder"], f.bc.ID, []string{more[0].ID, "", "nobody@example.org"}, "Course cancelled")
	if !errors.As(err, &be) || len(be.Items) != 1 || be.Items[0].Index != 2 {
		t.Fatalf("RevokeMany with an unknown recipient: %v", err)
	}
	if _, err := f.awards.RevokeMany(ctx, f.users["viewer"], f.bc.ID, []string{more[0].ID}, "x"); !errors.Is(err, badge.Forbidden) {
		t.Errorf("viewer RevokeMany: %v", err)
	}
	n, err := f.awards.RevokeMany(ctx, f.users["awarder"], f.bc.ID, []string{more[0].ID, " D@Example.org ", out[1].ID}, "Course cancelled")
	if err != nil || n != 2 {
		t.Fatalf("RevokeMany = %d, %v", n, err)
	}
	for i, a := range more {
		got, _ := f.awards.Get(ctx, f.users["owner"], a.ID)
		if revoked := got.Status(f.clock.Now()) == badge.AwardRevoked; revoked != (i < 2) {
			t.Errorf("award %d revoked = %v", i, revoked)
		}
	}
	// Revoking again changes nothing.
	again, err := f.awards.Revoke(ctx, f.users["owner"], out[1].ID, "other")
	if err != nil || again.RevocationReason != "Issued by mistake" {
		t.Errorf("second revoke: %+v %v", again, err)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// testAwardSigningJob records an award as a process that dies before signing would, and
// checks the signing job signs it once, with the same bytes as inline signing would give.
func testAwardSigningJob(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newAwards(t, newStore)
	reqs := []badge.AwardRequest{emailReq(f.bc.ID, "a@example.org")}
	reqs[0].Notify = true
	reqs[0], _ = reqs[0].Normalize(f.clock.Now())
	out := make([]*badge.Award, 1)
	if err := f.st.Update(ctx, func(tx *store.Tx) error {
		_, err := f.awards.record(ctx, tx, f.users["awarder"], reqs, out, f.awards.now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.awards.Public(ctx, out[0].ID); p.Credential != nil {
		t.Fatal("signed before the job ran")
	}
	f.clock.Advance(time.Minute)
	if ran, err := f.queue.WorkOne(ctx); err != nil || !ran {
		t.Fatalf("job: %v %v", ran, err)
	}
	p, _ := f.awards.Public(ctx, out[0].ID)
	if p.Credential == nil || len(f.notices.sent) != 1 {
		t.Fatalf("after the job: signed %v, %d notices", p.Credential != nil, len(f.notices.sent))
	}
	first := string(p.Credential)
	// Signing again (a second worker) stores nothing new and notifies no one again.
	if err := f.awards.sign(ctx, []string{out[0].ID}); err != nil {
		t.Fatal(err)
	}
	p, _ = f.awards.Public(ctx, out[0].ID)
	if string(p.Credential) != first || len(f.notices.sent) != 1 {
		t.Error("second signing changed something")
	}
}
