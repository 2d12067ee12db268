package service

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/store"
)

// DeletedAccountPseudonym is what replaces a deleted account's addresses and name in the
// audit log: stable (the same account always gets the same one) and naming nobody.
func DeletedAccountPseudonym(userID int64) string {
	return fmt.Sprintf("deleted account #%d", userID)
}

// scrubAuditTrail rewrites, in tx, every audit event that names the account u by an address
// or by its name, replacing them by DeletedAccountPseudonym(u.ID); the events themselves
// stay (what happened, when, and the "user:N" references, which name no one once the account
// is gone). The addresses are every address the account has now, every address an event
// about it ever recorded (removed ones included), and the same for every account merged into
// it, however long ago. An address is replaced in every event, wherever it appears in a text
// (case-insensitively); the name only in the events about the account ("user:N" subject)
// and only where it is a whole value, since a name is not unique to a person and a short one
// could be part of unrelated text. It runs before the account's rows are deleted.
func scrubAuditTrail(ctx context.Context, tx *store.Tx, u *store.User) error {
	addrs := map[string]bool{}
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			addrs[strings.ToLower(s)] = true
		}
	}
	add(u.Email)
	add(u.EmailKey)
	es, err := tx.UserEmails(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, e := range es {
		add(e.Email)
		add(e.EmailKey)
	}
	// The events about the account and the accounts merged into it name their addresses.
	seen := map[int64]bool{}
	var about []*store.AuditEvent
	for todo := []int64{u.ID}; len(todo) > 0; {
		id := todo[0]
		todo = todo[1:]
		if seen[id] {
			continue
		}
		seen[id] = true
		evs, err := tx.AuditEventsBySubject(ctx, fmt.Sprintf("user:%d", id))
		if err != nil {
			return err
		}
		about = append(about, evs...)
		for _, e := range evs {
			var d struct {
				Email       string          `json:"email"`
				MergedEmail string          `json:"merged_email"`
				MergedUser  json.RawMessage `json:"merged_user"`
			}
			if json.Unmarshal(e.Details, &d) != nil {
				continue
			}
			add(d.Email)
			add(d.MergedEmail)
			var merged int64
			if e.Action == "user.merge" && json.Unmarshal(d.MergedUser, &merged) == nil && merged != 0 {
				todo = append(todo, merged)
			}
		}
	}
	var needles []string
	for a := range addrs {
		needles = append(needles, a)
		// As JSON text may spell it (Go escapes <, > and &).
		if q, err := json.Marshal(a); err == nil {
			needles = append(needles, strings.Trim(string(q), `"`))
		}
	}
	mentioning, err := tx.AuditEventsMentioning(ctx, needles)
	if err != nil {
		return err
	}
	sc := auditScrubber{addrs: addrs, pseudonym: DeletedAccountPseudonym(u.ID)}
	named := sc
	named.name = strings.ToLower(strings.TrimSpace(u.Name))
	done := map[int64]bool{}
	for _, group := range []struct {
		evs []*store.AuditEvent
		sc  auditScrubber
	}{{about, named}, {mentioning, sc}} {
		for _, e := range group.evs {
			if done[e.ID] {
				continue
			}
			done[e.ID] = true
			actor, subject, details := group.sc.text(e.Actor), group.sc.text(e.Subject), group.sc.json(e.Details)
			if actor == e.Actor && subject == e.Subject && string(details) == string(e.Details) {
				continue
			}
			e.Actor, e.Subject, e.Details = actor, subject, details
			if err := tx.RewriteAuditEvent(ctx, e); err != nil {
				return badge.E(badge.Internal, "Could not scrub the audit log.", err)
			}
		}
	}
	return nil
}

// auditScrubber replaces a deleted account's addresses and name by its pseudonym.
type auditScrubber struct {
	addrs     map[string]bool // lower case
	name      string          // lower case; "" none
	pseudonym string
}

// text returns s with every address replaced (case-insensitively), and the pseudonym when
// s is the name.
func (sc auditScrubber) text(s string) string {
	if sc.name != "" && strings.ToLower(strings.TrimSpace(s)) == sc.name {
		return sc.pseudonym
	}
	for a := range sc.addrs {
		for i := 0; i+len(a) <= len(s); i++ {
			if strings.EqualFold(s[i:i+len(a)], a) {
				s = s[:i] + sc.pseudonym + s[i+len(a):]
				i += len(sc.pseudonym) - 1
			}
		}
	}
	return s
}

// jsonString matches a JSON string literal.
var jsonString = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// json returns the details with every string value (and key) scrubbed by text, the rest of
// the document byte for byte as it was.
func (sc auditScrubber) json(doc json.RawMessage) json.RawMessage {
	return jsonString.ReplaceAllFunc(doc, func(lit []byte) []byte {
		var s string
		if json.Unmarshal(lit, &s) != nil {
			return lit
		}
		t := sc.text(s)
		if t == s {
			return lit
		}
		q, err := json.Marshal(t)
		if err != nil {
			return lit
		}
		return q
	})
}
