package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/internal/store/storetest"
)

// recordingAwards is a batchIssuer for the unit tests of the job: it records every call,
// keeps one award per key (a second request with a key returns the first award, as
// service.Awards does), refuses (Invalid, the whole batch) requests whose recipient starts
// with "refuse", and lets a test fail or intercept a call with hook.
type recordingAwards struct {
	mu    sync.Mutex
	clock badge.Clock
	byKey map[string]*badge.Award
	calls [][]badge.AwardRequest
	hook  func(call int, reqs []badge.AwardRequest) error
}

func (r *recordingAwards) IssueBatch(ctx context.Context, actor *badge.User, reqs []badge.AwardRequest) ([]*badge.Award, error) {
	r.mu.Lock()
	r.calls = append(r.calls, append([]badge.AwardRequest(nil), reqs...))
	n, hook := len(r.calls), r.hook
	r.mu.Unlock()
	if actor == nil {
		return nil, badge.Errorf(badge.Unauthorized, "no actor")
	}
	if hook != nil {
		if err := hook(n, reqs); err != nil {
			return nil, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, q := range reqs {
		if strings.HasPrefix(q.Recipient.Identity, "refuse") {
			return nil, fmt.Errorf("row %d: %w", i, badge.FieldError(badge.Invalid, "recipient", "This recipient is refused.", nil))
		}
	}
	out := make([]*badge.Award, len(reqs))
	for i, q := range reqs {
		a, ok := r.byKey[q.Key]
		if !ok {
			a = &badge.Award{ID: fmt.Sprintf("a%d", len(r.byKey)+1), BadgeClassID: q.BadgeClassID, Recipient: q.Recipient,
				IssuedAt: q.IssuedAt, CreatedAt: r.clock.Now()}
			r.byKey[q.Key] = a
		}
		out[i] = a
	}
	return out, nil
}

func (r *recordingAwards) callSizes() []int {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []int
	for _, c := range r.calls {
		out = append(out, len(c))
	}
	return out
}

type bulkFixture struct {
	badgeClassesFixture
	bc     *badge.BadgeClass
	queue  *jobs.Queue
	awards *recordingAwards
	bulk   *Bulk
}

func newBulkFixture(t *testing.T, newStore func(testing.TB) *store.Store) *bulkFixture {
	t.Helper()
	f := &bulkFixture{badgeClassesFixture: newBadgeClasses(t, newStore)}
	var err error
	if f.bc, err = f.bcs.Create(context.Background(), f.users["owner"], f.issuer.ID, classFields("Bulk"), testPNG(t, 8)); err != nil {
		t.Fatal(err)
	}
	f.queue = jobs.New(f.st, nil, f.clock, jobs.Options{Workers: 1})
	f.awards = &recordingAwards{clock: f.clock, byKey: map[string]*badge.Award{}}
	f.bulk = NewBulk(f.st, f.queue, f.awards, f.clock, nil)
	f.bulk.chunk = 2
	f.bulk.existing = func(_ context.Context, _ string, keys []string) (map[string]bool, error) {
		f.awards.mu.Lock()
		defer f.awards.mu.Unlock()
		out := map[string]bool{}
		for _, k := range keys {
			if f.awards.byKey[k] != nil {
				out[k] = true
			}
		}
		return out, nil
	}
	f.bulk.Register()
	return f
}

// work runs due jobs until none is left.
func (f *bulkFixture) work(t *testing.T) {
	t.Helper()
	for {
		ran, err := f.queue.WorkOne(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !ran {
			return
		}
	}
}

func csvRows(emails ...string) []byte {
	return []byte("email,name\n" + strings.Join(emails, ",\n") + ",\n")
}

func TestBulk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, newStore func(testing.TB) *store.Store) {
		for name, f := range map[string]func(*testing.T, func(testing.TB) *store.Store){
			"Preview":     testBulkPreview,
			"Permissions": testBulkPermissions,
			"Confirm":     testBulkConfirm,
			"Job":         testBulkJob,
			"Reupload":    testBulkReupload,
			"Resume":      testBulkResume,
			"Refused":     testBulkRefused,
			"Cancel":      testBulkCancelRunning,
			"GiveUp":      testBulkGiveUp,
		} {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				f(t, newStore)
			})
		}
	})
}

func testBulkPreview(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	var b strings.Builder
	b.WriteString("Email,Issued\r\n")
	for i := range 150 {
		switch i {
		case 50, 130:
			fmt.Fprintf(&b, "bad-%d,\r\n", i)
		default:
			fmt.Fprintf(&b, "u%d@example.org,2026-01-01\r\n", i)
		}
	}
	up, err := f.bulk.Upload(ctx, f.users["awarder"], f.bc.ID, `C:\Users\ada\list.csv`, []byte(b.String()), true)
	if err != nil {
		t.Fatal(err)
	}
	if up.State != BulkPreview || up.RowsTotal != 150 || up.RowsValid != 148 || up.RowsInvalid != 2 || up.Filename != "list.csv" ||
		!up.Notify || up.BadgeClassName != "Bulk" || up.IssuerName != "Acme" || len(up.FileSHA256) != 64 {
		t.Errorf("upload = %+v", up)
	}
	var lines []int
	for _, r := range up.Preview {
		lines = append(lines, r.Line)
	}
	if len(up.Preview) != 101 || lines[0] != 2 || lines[99] != 101 || lines[100] != 132 || up.Preview[50].Valid() || up.Preview[100].Valid() {
		t.Errorf("preview lines = %v", lines)
	}
	if d := cmp.Diff([]string{"email", "issued"}, up.Columns); d != "" {
		t.Errorf("columns (-want +got):\n%s", d)
	}
	got, err := f.bulk.Get(ctx, f.users["owner"], up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(up, got); d != "" {
		t.Errorf("Get (-upload +get):\n%s", d)
	}
	// A file that cannot be used changes nothing.
	if _, err := f.bulk.Upload(ctx, f.users["awarder"], f.bc.ID, "x.csv", []byte("mail,score\nx,1\n"), false); !errors.Is(err, badge.Invalid) ||
		!strings.Contains(badge.FieldMessages(err)["file"], `Unknown column "score"`) {
		t.Errorf("bad header: %v", err)
	}
	if _, list, err := f.bulk.ForBadgeClass(ctx, f.users["awarder"], f.bc.ID); err != nil || len(list) != 1 || list[0].ID != up.ID {
		t.Errorf("ForBadgeClass = %v, %v", list, err)
	}
	if _, err := f.bulk.Upload(ctx, f.users["awarder"], "nope", "x.csv", csvRows("a@example.org"), false); !errors.Is(err, badge.NotFound) {
		t.Errorf("missing badge class: %v", err)
	}
	if _, err := f.bulk.Get(ctx, f.users["awarder"], "nope"); !errors.Is(err, badge.NotFound) {
		t.Errorf("missing upload: %v", err)
	}
}

func testBulkPermissions(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	mine, err := f.bulk.Upload(ctx, f.users["owner"], f.bc.ID, "a.csv", csvRows("a@example.org"), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin", "owner", "editor", "awarder", "viewer", "stranger"} {
		u := f.users[name]
		want := badge.Can(u.IsAdmin, map[string]badge.Role{"owner": badge.RoleOwner, "editor": badge.RoleEditor,
			"awarder": badge.RoleAwarder, "viewer": badge.RoleViewer}[name], badge.ActAward)
		check := func(what string, err error) {
			t.Helper()
			if want && err != nil || !want && !errors.Is(err, badge.Forbidden) {
				t.Errorf("%s by %s: %v (allowed: %v)", what, name, err, want)
			}
		}
		up, err := f.bulk.Upload(ctx, u, f.bc.ID, "b.csv", csvRows(name+"@example.org"), false)
		check("Upload", err)
		_, _, err = f.bulk.ForBadgeClass(ctx, u, f.bc.ID)
		check("ForBadgeClass", err)
		_, err = f.bulk.Get(ctx, u, mine.ID)
		check("Get", err)
		if !want {
			_, err = f.bulk.Confirm(ctx, u, mine.ID, false)
			check("Confirm", err)
			_, err = f.bulk.Cancel(ctx, u, mine.ID)
			check("Cancel", err)
			continue
		}
		if _, err := f.bulk.Confirm(ctx, u, up.ID, false); err != nil {
			t.Errorf("Confirm by %s: %v", name, err)
		}
		if _, err := f.bulk.Cancel(ctx, u, up.ID); err != nil {
			t.Errorf("Cancel by %s: %v", name, err)
		}
	}
	if _, err := f.bulk.Upload(ctx, nil, f.bc.ID, "b.csv", csvRows("x@example.org"), false); !errors.Is(err, badge.Unauthorized) {
		t.Errorf("Upload without actor: %v", err)
	}
}

func testBulkConfirm(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	aw := f.users["awarder"]
	invalid, err := f.bulk.Upload(ctx, aw, f.bc.ID, "a.csv", csvRows("a@example.org", "nope"), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, invalid.ID, false); !errors.Is(err, badge.Invalid) || !strings.Contains(badge.SafeMessage(err), "1 row has errors") {
		t.Errorf("Confirm with invalid rows: %v", err)
	}
	up, err := f.bulk.Confirm(ctx, aw, invalid.ID, true)
	if err != nil || up.State != BulkQueued || !up.SkipInvalid || up.ConfirmedAt.IsZero() {
		t.Fatalf("Confirm skipping invalid rows = %+v, %v", up, err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, invalid.ID, true); !errors.Is(err, badge.Conflict) {
		t.Errorf("Confirm twice: %v", err)
	}
	none, err := f.bulk.Upload(ctx, aw, f.bc.ID, "n.csv", csvRows("x", "y"), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, none.ID, true); !errors.Is(err, badge.Invalid) {
		t.Errorf("Confirm with no valid row: %v", err)
	}
	if _, err := f.bulk.Cancel(ctx, aw, none.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, none.ID, true); !errors.Is(err, badge.Conflict) {
		t.Errorf("Confirm cancelled: %v", err)
	}
	if _, err := f.bulk.Cancel(ctx, aw, none.ID); !errors.Is(err, badge.Conflict) {
		t.Errorf("Cancel twice: %v", err)
	}
	counts, err := f.queue.Counts(ctx)
	if err != nil || counts["pending"] != 1 {
		t.Errorf("jobs = %v, %v; want one pending", counts, err)
	}
	f.work(t)
	got, err := f.bulk.Get(ctx, aw, invalid.ID)
	if err != nil || got.State != BulkDone || got.Issued != 1 || got.Failed != 1 || got.Preview != nil {
		t.Errorf("after the job: %+v, %v", got, err)
	}
	if _, err := f.bulk.Cancel(ctx, aw, invalid.ID); !errors.Is(err, badge.Conflict) {
		t.Errorf("Cancel done: %v", err)
	}
}

func testBulkJob(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	aw := f.users["awarder"]
	data := []byte("recipient,name,issued\nada@example.org,Ada,2026-01-02\nhttps://bob.example/,Bob,\n+44 20 7946 0000,,\nbad row,,\ndid:example:1,,\ncy@example.org,,\n")
	up, err := f.bulk.Upload(ctx, aw, f.bc.ID, "a.csv", data, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, up.ID, true); err != nil {
		t.Fatal(err)
	}
	var progress []int
	f.awards.hook = func(call int, _ []badge.AwardRequest) error {
		u, err := f.bulk.Get(ctx, aw, up.ID)
		if err != nil {
			return err
		}
		if u.State != BulkRunning {
			t.Errorf("state during call %d = %s", call, u.State)
		}
		progress = append(progress, u.Issued)
		f.clock.Advance(time.Second)
		return nil
	}
	f.work(t)
	if d := cmp.Diff([]int{2, 2, 1}, f.awards.callSizes()); d != "" {
		t.Errorf("chunks (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]int{0, 2, 4}, progress); d != "" {
		t.Errorf("issued before each chunk (-want +got):\n%s", d)
	}
	got, err := f.bulk.Get(ctx, aw, up.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != BulkDone || got.Issued != 5 || got.Skipped != 0 || got.Failed != 1 || got.Error != "" || got.Processed() != 6 {
		t.Errorf("done: %+v", got)
	}
	first := f.awards.calls[0]
	if first[0].Recipient != (badge.Recipient{Type: badge.RecipientEmail, Identity: "ada@example.org", Name: "Ada"}) ||
		!first[0].Notify || first[1].Notify || first[0].BadgeClassID != f.bc.ID || !strings.HasPrefix(first[0].Key, "csv:") ||
		!first[0].IssuedAt.Equal(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first chunk = %+v", first)
	}
	err = f.st.View(ctx, func(tx *store.Tx) error {
		_, err := tx.BulkUploadData(ctx, up.ID)
		return err
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("file kept after done: %v", err)
	}
}

func testBulkReupload(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	aw := f.users["awarder"]
	issue := func(data []byte) *BulkUpload {
		t.Helper()
		up, err := f.bulk.Upload(ctx, aw, f.bc.ID, "a.csv", data, false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.bulk.Confirm(ctx, aw, up.ID, false); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
		f.work(t)
		if up, err = f.bulk.Get(ctx, aw, up.ID); err != nil {
			t.Fatal(err)
		}
		return up
	}
	file := csvRows("a@example.org", "b@example.org", "c@example.org")
	if up := issue(file); up.Issued != 3 || up.Skipped != 0 {
		t.Errorf("first upload: %+v", up)
	}
	if up := issue(file); up.State != BulkDone || up.Issued != 0 || up.Skipped != 3 {
		t.Errorf("same file again: %+v", up)
	}
	if up := issue(csvRows("D@example.org", "A@Example.org", "b@example.org", "c@example.org")); up.Issued != 1 || up.Skipped != 3 {
		t.Errorf("longer file: %+v", up)
	}
	if len(f.awards.byKey) != 4 {
		t.Errorf("%d awards, want 4", len(f.awards.byKey))
	}
}

func testBulkResume(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	aw := f.users["awarder"]
	up, err := f.bulk.Upload(ctx, aw, f.bc.ID, "a.csv", csvRows("a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org"), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, up.ID, false); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(2 * time.Second)
	// The worker dies during the second chunk: the attempt fails after one chunk was issued.
	f.awards.hook = func(call int, _ []badge.AwardRequest) error {
		if call == 2 {
			return badge.Errorf(badge.Unavailable, "The database is busy.")
		}
		return nil
	}
	f.work(t)
	got, _ := f.bulk.Get(ctx, aw, up.ID)
	if got.State != BulkRunning || got.Issued != 2 {
		t.Fatalf("after the failed attempt: %+v", got)
	}
	f.awards.hook = nil
	f.clock.Advance(7 * time.Hour)
	f.work(t)
	got, _ = f.bulk.Get(ctx, aw, up.ID)
	if got.State != BulkDone || got.Issued != 5 || got.Skipped != 0 || got.Failed != 0 {
		t.Errorf("resumed: %+v", got)
	}
	if d := cmp.Diff([]int{2, 2, 2, 2, 1}, f.awards.callSizes()); d != "" {
		t.Errorf("calls (-want +got):\n%s", d)
	}
	if len(f.awards.byKey) != 5 {
		t.Errorf("%d awards, want 5", len(f.awards.byKey))
	}
}

func testBulkRefused(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	aw := f.users["awarder"]
	up, err := f.bulk.Upload(ctx, aw, f.bc.ID, "a.csv", csvRows("a@example.org", "refuse@example.org", "c@example.org"), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, up.ID, false); err != nil {
		t.Fatal(err)
	}
	f.work(t)
	got, _ := f.bulk.Get(ctx, aw, up.ID)
	if got.State != BulkDone || got.Issued != 2 || got.Failed != 1 || got.Error != "1 row was not issued. Line 3: This recipient is refused." {
		t.Errorf("done: %+v", got)
	}
}

func testBulkCancelRunning(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	aw := f.users["awarder"]
	up, err := f.bulk.Upload(ctx, aw, f.bc.ID, "a.csv", csvRows("a@example.org", "b@example.org", "c@example.org"), false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Confirm(ctx, aw, up.ID, false); err != nil {
		t.Fatal(err)
	}
	f.awards.hook = func(call int, _ []badge.AwardRequest) error {
		if call == 1 {
			_, err := f.bulk.Cancel(ctx, aw, up.ID)
			return err
		}
		return nil
	}
	f.work(t)
	got, _ := f.bulk.Get(ctx, aw, up.ID)
	if got.State != BulkCancelled || len(f.awards.calls) != 1 {
		t.Errorf("cancelled: %+v after %d calls", got, len(f.awards.calls))
	}
	// A queued upload cancelled before its job runs issues nothing.
	up2, _ := f.bulk.Upload(ctx, aw, f.bc.ID, "b.csv", csvRows("z@example.org"), false)
	if _, err := f.bulk.Confirm(ctx, aw, up2.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := f.bulk.Cancel(ctx, aw, up2.ID); err != nil {
		t.Fatal(err)
	}
	f.work(t)
	if len(f.awards.calls) != 1 {
		t.Errorf("%d calls after cancelling a queued upload", len(f.awards.calls))
	}
}

func testBulkGiveUp(t *testing.T, newStore func(testing.TB) *store.Store) {
	ctx := context.Background()
	f := newBulkFixture(t, newStore)
	aw := f.users["awarder"]
	// Forbidden (the uploader lost the awarder role): the upload fails at once.
	up, _ := f.bulk.Upload(ctx, aw, f.bc.ID, "a.csv", csvRows("a@example.org"), false)
	if _, err := f.bulk.Confirm(ctx, aw, up.ID, false); err != nil {
		t.Fatal(err)
	}
	f.awards.hook = func(int, []badge.AwardRequest) error {
		return badge.Errorf(badge.Forbidden, "You are not allowed to do this for this issuer.")
	}
	f.work(t)
	if got, _ := f.bulk.Get(ctx, aw, up.ID); got.State != BulkFailed || got.Error != "You are not allowed to do this for this issuer." {
		t.Errorf("forbidden: %+v", got)
	}
	// Unavailable on every attempt: failed after the last one.
	up, _ = f.bulk.Upload(ctx, aw, f.bc.ID, "b.csv", csvRows("b@example.org"), false)
	if _, err := f.bulk.Confirm(ctx, aw, up.ID, false); err != nil {
		t.Fatal(err)
	}
	f.awards.hook = func(int, []badge.AwardRequest) error { return badge.Errorf(badge.Unavailable, "Signing is down.") }
	for range bulkMaxAttempts {
		f.work(t)
		f.clock.Advance(7 * time.Hour)
	}
	got, _ := f.bulk.Get(ctx, aw, up.ID)
	if got.State != BulkFailed || !strings.Contains(got.Error, "repeated errors (Signing is down) with 0 badges issued") {
		t.Errorf("gave up: %+v", got)
	}
}
