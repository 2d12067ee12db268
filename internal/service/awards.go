package service

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/jobs"
	"github.com/rosettebadges/rosette/internal/keys"
	"github.com/rosettebadges/rosette/internal/links"
	"github.com/rosettebadges/rosette/internal/store"
	"github.com/rosettebadges/rosette/openbadges/proof"
)

// MaxBatch is the most awards one IssueBatch call records.
const MaxBatch = 1000

// AwardNotifier queues the email telling a recipient about an award, in the caller's
// transaction (*Notifications does).
type AwardNotifier interface {
	QueueAward(ctx context.Context, tx *store.Tx, n AwardNotice) error
}

// Awards is the awarding use case: it records awards, signs their OB 3.0 credentials once,
// serves their documents and revokes them. Issuing needs badge.ActAward on the badge
// class's issuer, revoking badge.ActRevoke, reading badge.ActView.
//
// Issuing follows DESIGN.md rule 2: the request is validated, the award is recorded with its
// unsigned credential and a signing job in one transaction, then signed and the signature
// stored. If the process dies in between, the job signs it later; signing is deterministic
// (Ed25519, the proof's created time is the recording time), so a second signature would be
// the same bytes, and only the first is stored.
type Awards struct {
	store        *store.Store
	keys         *keys.Manager
	queue        *jobs.Queue
	urls         links.URLs
	clock        badge.Clock
	logger       *slog.Logger
	canon        proof.Canonicalizer
	notifier     AwardNotifier
	badgeClasses *BadgeClasses
	statusLists  docCache // signed status lists by issuer, list and revocation state
}

// AwardsOptions are the dependencies of Awards. Notifier may be nil (no emails).
type AwardsOptions struct {
	Store         *store.Store
	Keys          *keys.Manager
	Queue         *jobs.Queue
	URLs          links.URLs
	Clock         badge.Clock
	Logger        *slog.Logger
	Canonicalizer proof.Canonicalizer // a jsonld.Processor in safe mode
	Notifier      AwardNotifier
}

// JobSignAwards is the kind of the job that signs recorded awards.
const JobSignAwards = "award.sign"

// NewAwards returns the awards service and registers its job handler on the queue.
func NewAwards(o AwardsOptions) *Awards {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	a := &Awards{store: o.Store, keys: o.Keys, queue: o.Queue, urls: o.URLs, clock: o.Clock, logger: o.Logger,
		canon: o.Canonicalizer, notifier: o.Notifier, badgeClasses: &BadgeClasses{store: o.Store, clock: o.Clock, logger: o.Logger}}
	if o.Queue != nil {
		o.Queue.Register(JobSignAwards, a.signJob)
	}
	return a
}

func (s *Awards) now() time.Time { return s.clock.Now().UTC().Truncate(time.Microsecond) }

// Issue awards a badge class to one recipient, signs the credential and returns the award.
// With req.Key set, a repeat returns the award first made with that key. Invalid
// (FieldErrors) for bad input; NotFound for no such badge class; Forbidden without ActAward.
func (s *Awards) Issue(ctx context.Context, actor *badge.User, req badge.AwardRequest) (*badge.Award, error) {
	out, err := s.IssueBatch(ctx, actor, []badge.AwardRequest{req})
	if err != nil {
		var items *BatchError
		if errors.As(err, &items) && len(items.Items) == 1 {
			return nil, items.Items[0].Err
		}
		return nil, err
	}
	return out[0], nil
}

// ItemError is the problem of one request of a batch.
type ItemError struct {
	Index int // from 0
	Err   error
}

func (e *ItemError) Error() string { return fmt.Sprintf("item %d: %v", e.Index+1, e.Err) }
func (e *ItemError) Unwrap() error { return e.Err }

// BatchError lists the requests of a batch that cannot be done; nothing of the batch was
// done. It is of kind Invalid; Unwrap gives each item's error (badge.FieldMessages reads them).
type BatchError struct{ Items []*ItemError }

func (e *BatchError) Error() string {
	return fmt.Sprintf("%d of the items cannot be done, so nothing was done", len(e.Items))
}

// Unwrap returns the items' errors.
func (e *BatchError) Unwrap() []error {
	out := make([]error, len(e.Items))
	for i, it := range e.Items {
		out[i] = it
	}
	return out
}

// Is makes errors.Is(err, badge.Invalid) hold.
func (e *BatchError) Is(target error) bool { return target == badge.Invalid }

// IssueBatch awards up to MaxBatch requests at once, all or nothing: if any request is
// invalid, a *BatchError lists each with its index and nothing is recorded. Requests whose
// Key was used before (within their issuer) return the award first made with it, unchanged.
// The awards are recorded in one transaction, then signed; the result is in request order.
func (s *Awards) IssueBatch(ctx context.Context, actor *badge.User, reqs []badge.AwardRequest) ([]*badge.Award, error) {
	if len(reqs) == 0 {
		return nil, badge.Errorf(badge.Invalid, "There is nothing to award.")
	}
	if len(reqs) > MaxBatch {
		return nil, badge.Errorf(badge.Invalid, "At most %d awards can be made in one request.", MaxBatch)
	}
	now := s.now()
	var bad []*ItemError
	for i := range reqs {
		r, err := reqs[i].Normalize(now)
		if err != nil {
			bad = append(bad, &ItemError{Index: i, Err: err})
			continue
		}
		reqs[i] = r
	}
	if len(bad) > 0 {
		return nil, &BatchError{Items: bad}
	}
	out := make([]*badge.Award, len(reqs))
	var fresh []*badge.Award
	err := s.store.Update(ctx, func(tx *store.Tx) error {
		var err error
		fresh, err = s.record(ctx, tx, actor, reqs, out, now)
		return err
	})
	if err != nil {
		var items *BatchError
		if errors.As(err, &items) {
			return nil, err
		}
		return nil, serviceErr(err)
	}
	// Sign at once; the job enqueued with the records is the safety net.
	if err := s.sign(ctx, ids(fresh)); err != nil {
		s.logger.WarnContext(ctx, "signing awards failed; the signing job will retry", "error", err)
	} else {
		for _, a := range fresh {
			a.Signed = true
		}
	}
	if len(fresh) > 0 {
		s.logger.InfoContext(ctx, "awards issued", "count", len(fresh), "issuer_id", fresh[0].IssuerID)
	}
	return out, nil
}

func ids(as []*badge.Award) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.ID
	}
	return out
}

// issuingContext is what recording an award of one badge class needs, loaded once per batch.
type issuingContext struct {
	issuer       *badge.Issuer
	version      *badge.BadgeClassVersion
	mediaType    string
	statusMethod string
}

// record stores the new awards of reqs with their unsigned credentials and a signing job,
// filling out in request order; it returns the new ones.
func (s *Awards) record(ctx context.Context, tx *store.Tx, actor *badge.User, reqs []badge.AwardRequest, out []*badge.Award, now time.Time) ([]*badge.Award, error) {
	classes := map[string]*issuingContext{}
	var bad []*ItemError
	for i, r := range reqs {
		if _, ok := classes[r.BadgeClassID]; ok {
			continue
		}
		ic, err := s.issuingContext(ctx, tx, actor, r.BadgeClassID)
		if errors.Is(err, badge.NotFound) {
			bad = append(bad, &ItemError{Index: i, Err: badge.FieldError(badge.NotFound, "badge_class", "There is no such badge class.", nil)})
			continue
		}
		if err != nil {
			return nil, err
		}
		classes[r.BadgeClassID] = ic
	}
	if len(bad) > 0 {
		return nil, &BatchError{Items: bad}
	}
	// Requests with a key used before return the earlier award.
	byIssuer := map[string][]string{}
	for _, r := range reqs {
		if r.Key != "" {
			iss := classes[r.BadgeClassID].issuer.ID
			byIssuer[iss] = append(byIssuer[iss], r.Key)
		}
	}
	known := map[string]*store.Award{}
	for iss, keys := range byIssuer {
		found, err := tx.AwardsByKeys(ctx, iss, keys)
		if err != nil {
			return nil, err
		}
		for k, a := range found {
			known[iss+"\x00"+k] = a
		}
	}
	var fresh []*badge.Award
	var rows []*store.Award
	inBatch := map[string]*badge.Award{}
	for i, r := range reqs {
		ic := classes[r.BadgeClassID]
		if r.Key != "" {
			k := ic.issuer.ID + "\x00" + r.Key
			if a, ok := known[k]; ok {
				aw, err := toAward(a)
				if err != nil {
					return nil, err
				}
				out[i] = aw
				continue
			}
			if a, ok := inBatch[k]; ok {
				out[i] = a
				continue
			}
		}
		a, row, err := s.newAward(ic, r, actorName(ctx, actor), now)
		if err != nil {
			return nil, err
		}
		if r.Key != "" {
			inBatch[ic.issuer.ID+"\x00"+r.Key] = a
		}
		out[i], fresh, rows = a, append(fresh, a), append(rows, row)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	// Status list indexes per issuer, then the documents that name them.
	perIssuer := map[string][]*store.Award{}
	for _, row := range rows {
		perIssuer[row.IssuerID] = append(perIssuer[row.IssuerID], row)
	}
	for iss, rs := range perIssuer {
		first, err := tx.NextStatusIndexes(ctx, iss, len(rs))
		if err != nil {
			return nil, err
		}
		for j, row := range rs {
			row.StatusIndex = first + int64(j)
		}
	}
	for i, row := range rows {
		ic := classes[row.BadgeClassID]
		c := &awardContext{urls: s.urls, award: fresh[i], salt: row.Salt, issuer: ic.issuer, version: ic.version,
			imageMediaType: ic.mediaType, statusMethod: row.StatusMethod, statusIndex: row.StatusIndex}
		doc, err := unsignedCredential(c)
		if err != nil {
			return nil, badge.E(badge.Internal, "The credential could not be built.", err)
		}
		row.UnsignedCredential = doc
	}
	if err := tx.InsertAwards(ctx, rows); err != nil {
		if errors.Is(err, store.ErrDuplicate) {
			return nil, badge.E(badge.Conflict, "Another request issued the same award at the same time; try again.", err)
		}
		return nil, err
	}
	for iss, rs := range perIssuer {
		payload := signPayload{IssuerID: iss}
		for _, row := range rs {
			payload.IDs = append(payload.IDs, row.ID)
		}
		if s.queue != nil {
			// The job runs only if inline signing did not finish (it then finds nothing to do).
			if _, _, err := s.queue.Enqueue(ctx, tx, JobSignAwards, payload, jobs.EnqueueOptions{
				UniqueKey: JobSignAwards + ":" + rs[0].ID, RunAt: now.Add(30 * time.Second)}); err != nil {
				return nil, err
			}
		}
	}
	actorID := actorName(ctx, actor)
	events := make([]*store.AuditEvent, len(fresh))
	for i, a := range fresh {
		details, err := json.Marshal(map[string]any{"issuer": a.IssuerID, "badge_class": a.BadgeClassID, "version": a.BadgeClassVersion})
		if err != nil {
			return nil, err
		}
		events[i] = &store.AuditEvent{At: now, Actor: actorID, Action: "award.issue", Subject: "award:" + a.ID, Details: details}
	}
	if err := tx.InsertAuditEvents(ctx, events); err != nil {
		return nil, badge.E(badge.Internal, "Could not record the audit events.", err)
	}
	return fresh, nil
}

// issuingContext loads the badge class's issuer and current version, checking ActAward.
func (s *Awards) issuingContext(ctx context.Context, tx *store.Tx, actor *badge.User, badgeClassID string) (*issuingContext, error) {
	bc, v, err := s.badgeClasses.load(ctx, tx, actor, badgeClassID, badge.ActAward)
	if err != nil {
		return nil, err
	}
	version, err := toVersion(v)
	if err != nil {
		return nil, err
	}
	iss, err := tx.IssuerByID(ctx, bc.IssuerID)
	if err != nil {
		return nil, err
	}
	method, err := tx.IssuerStatusMethod(ctx, bc.IssuerID)
	if err != nil {
		return nil, err
	}
	ic := &issuingContext{issuer: toIssuer(iss), version: version, statusMethod: method}
	if v.ImageID != "" {
		img, err := tx.BadgeImageByID(ctx, v.ImageID)
		if err != nil {
			return nil, err
		}
		ic.mediaType = img.MediaType
	}
	return ic, nil
}

// newAward makes the award and its row (documents and status index filled in later).
func (s *Awards) newAward(ic *issuingContext, r badge.AwardRequest, createdBy string, now time.Time) (*badge.Award, *store.Award, error) {
	issued := r.IssuedAt
	if issued.IsZero() {
		issued = now.Truncate(time.Second)
	}
	expires := r.ExpiresAt
	if expires.IsZero() {
		if t, ok := ic.version.Fields.Expiry.ExpiresAt(issued); ok {
			expires = t
		}
	}
	a := &badge.Award{ID: newAwardID(), IssuerID: ic.issuer.ID, BadgeClassID: ic.version.BadgeClassID,
		BadgeClassVersion: ic.version.Version, Recipient: r.Recipient, Narrative: r.Narrative, Evidence: r.Evidence,
		IssuedAt: issued, ExpiresAt: expires, CreatedAt: now, CreatedBy: createdBy}
	evidence, err := json.Marshal(r.Evidence)
	if err != nil {
		return nil, nil, err
	}
	if r.Evidence == nil {
		evidence = []byte("[]")
	}
	row := &store.Award{ID: a.ID, IssuerID: a.IssuerID, BadgeClassID: a.BadgeClassID, BadgeClassVersion: a.BadgeClassVersion,
		RecipientType: string(r.Recipient.Type), RecipientIdentity: r.Recipient.Identity, RecipientName: r.Recipient.Name,
		Salt: newSalt(), Narrative: r.Narrative, Evidence: string(evidence), IssuedAt: issued, ExpiresAt: expires,
		StatusMethod: ic.statusMethod, IdempotencyKey: r.Key, NotifyPending: r.Notify && r.Recipient.Type == badge.RecipientEmail,
		CreatedAt: now, CreatedBy: createdBy}
	return a, row, nil
}

// toAward converts a row.
func toAward(a *store.Award) (*badge.Award, error) {
	out := &badge.Award{ID: a.ID, IssuerID: a.IssuerID, BadgeClassID: a.BadgeClassID, BadgeClassVersion: a.BadgeClassVersion,
		Recipient: badge.Recipient{Type: badge.RecipientType(a.RecipientType), Identity: a.RecipientIdentity, Name: a.RecipientName},
		Narrative: a.Narrative, IssuedAt: a.IssuedAt, ExpiresAt: a.ExpiresAt, RevokedAt: a.RevokedAt,
		RevocationReason: a.RevocationReason, Signed: !a.SignedAt.IsZero(), CreatedAt: a.CreatedAt, CreatedBy: a.CreatedBy,
		RecipientNameHidden: a.RecipientNameHidden}
	if err := json.Unmarshal([]byte(a.Evidence), &out.Evidence); err != nil {
		return nil, badge.E(badge.Internal, "A stored award cannot be read.", err)
	}
	return out, nil
}

// loadAward returns the award row after checking action on its issuer.
func loadAward(ctx context.Context, tx *store.Tx, actor *badge.User, id string, action badge.Action) (*store.Award, error) {
	a, err := tx.AwardByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, badge.Errorf(badge.NotFound, "There is no such award.")
	}
	if err != nil {
		return nil, err
	}
	if _, err := check(ctx, tx, actor, a.IssuerID, action); err != nil {
		return nil, err
	}
	return a, nil
}

// Get returns the award (ActView on its issuer).
func (s *Awards) Get(ctx context.Context, actor *badge.User, id string) (*badge.Award, error) {
	var out *badge.Award
	err := s.store.View(ctx, func(tx *store.Tx) error {
		a, err := loadAward(ctx, tx, actor, id, badge.ActView)
		if err != nil {
			return err
		}
		out, err = toAward(a)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	return out, nil
}

// ListForBadgeClass returns a page of the badge class's awards, newest first, and their
// total (ActView on its issuer). limit is 1..200 (default 50), offset >= 0.
func (s *Awards) ListForBadgeClass(ctx context.Context, actor *badge.User, badgeClassID string, limit, offset int) ([]*badge.Award, int, error) {
	if limit <= 0 {
		limit = 50
	}
	limit, offset = min(limit, 200), max(offset, 0)
	var out []*badge.Award
	var total int
	err := s.store.View(ctx, func(tx *store.Tx) error {
		if _, _, err := s.badgeClasses.load(ctx, tx, actor, badgeClassID, badge.ActView); err != nil {
			return err
		}
		rows, n, err := tx.AwardsOfBadgeClass(ctx, badgeClassID, limit, offset)
		if err != nil {
			return err
		}
		total = n
		for _, r := range rows {
			a, err := toAward(r)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, 0, serviceErr(err)
	}
	return out, total, nil
}

// Revoke revokes the award with a reason (ActRevoke on its issuer), with an audit event. The
// status lists, the OB 2.0 assertion and the public page show it at once. Revoking a revoked
// award changes nothing and returns it as it is.
func (s *Awards) Revoke(ctx context.Context, actor *badge.User, id, reason string) (*badge.Award, error) {
	reason, err := badge.NormalizeRevocationReason(reason)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out *badge.Award
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		a, err := loadAward(ctx, tx, actor, id, badge.ActRevoke)
		if err != nil {
			return err
		}
		done, err := tx.RevokeAward(ctx, id, now, reason)
		if err != nil {
			return err
		}
		if done {
			a.RevokedAt, a.RevocationReason = now, reason
			if err := RecordAudit(ctx, tx, now, actorName(ctx, actor), "award.revoke", "award:"+id,
				map[string]any{"issuer": a.IssuerID, "reason": reason}); err != nil {
				return err
			}
		}
		out, err = toAward(a)
		return err
	})
	if err != nil {
		return nil, serviceErr(err)
	}
	s.logger.InfoContext(ctx, "award revoked", "award_id", id)
	return out, nil
}

// MaxRevokeMany is the most awards one RevokeMany call names.
const MaxRevokeMany = 10000

// RevokeMany revokes, with one reason, every award of the badge class named in refs by its
// id or its recipient (an email address, URL, telephone number or DID; every award of the
// badge class to that recipient), with an audit event each (ActRevoke on its issuer). All or
// nothing: a ref that matches no award of the badge class makes a *BatchError naming it
// (index into refs), and nothing is revoked. Blank refs are skipped. It returns how many
// awards it revoked (those revoked already are left as they are).
func (s *Awards) RevokeMany(ctx context.Context, actor *badge.User, badgeClassID string, refs []string, reason string) (int, error) {
	reason, err := badge.NormalizeRevocationReason(reason)
	if err != nil {
		return 0, err
	}
	type ref struct {
		index int
		keys  []string
	}
	var want []ref
	var lookup []string
	for i, r := range refs {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		keys := []string{r}
		if rec, err := (badge.Recipient{Identity: r}).Normalize(); err == nil && rec.Identity != r {
			keys = append(keys, rec.Identity)
		}
		want = append(want, ref{index: i, keys: keys})
		lookup = append(lookup, keys...)
	}
	if len(want) == 0 {
		return 0, badge.FieldError(badge.Invalid, "awards", "Name at least one award: its id or its recipient.", nil)
	}
	if len(want) > MaxRevokeMany {
		return 0, badge.FieldError(badge.Invalid, "awards", fmt.Sprintf("At most %d awards can be revoked at once.", MaxRevokeMany), nil)
	}
	now := s.now()
	revoked := 0
	err = s.store.Update(ctx, func(tx *store.Tx) error {
		if _, _, err := s.badgeClasses.load(ctx, tx, actor, badgeClassID, badge.ActRevoke); err != nil {
			return err
		}
		found, err := tx.AwardsMatching(ctx, badgeClassID, lookup)
		if err != nil {
			return err
		}
		matched := map[string]bool{}
		for _, a := range found {
			matched[a.ID], matched[a.RecipientIdentity] = true, true
		}
		var bad []*ItemError
		for _, r := range want {
			ok := false
			for _, k := range r.keys {
				ok = ok || matched[k]
			}
			if !ok {
				bad = append(bad, &ItemError{Index: r.index, Err: badge.FieldError(badge.NotFound, "awards",
					fmt.Sprintf("No award of this badge matches %q.", strings.TrimSpace(refs[r.index])), nil)})
			}
		}
		if len(bad) > 0 {
			return &BatchError{Items: bad}
		}
		actorID := actorName(ctx, actor)
		for _, a := range found {
			done, err := tx.RevokeAward(ctx, a.ID, now, reason)
			if err != nil {
				return err
			}
			if !done {
				continue
			}
			revoked++
			if err := RecordAudit(ctx, tx, now, actorID, "award.revoke", "award:"+a.ID,
				map[string]any{"issuer": a.IssuerID, "reason": reason, "bulk": true}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		var items *BatchError
		if errors.As(err, &items) {
			return 0, err
		}
		return 0, serviceErr(err)
	}
	s.logger.InfoContext(ctx, "awards revoked", "badge_class_id", badgeClassID, "count", revoked)
	return revoked, nil
}
