package web

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/rosettebadges/rosette/internal/badge"
	"github.com/rosettebadges/rosette/internal/service"
)

// memAccounts is an in-memory Accounts for handler tests: one setup token, plain-text
// passwords, a failure counter standing in for throttling, and the service's own field
// checks (service.CheckNewUser, service.CheckPassword). The real service is exercised by
// the end-to-end and browser tests in internal/cli.
type memAccounts struct {
	mu       sync.Mutex
	broken   error // when set, SetupNeeded fails with it
	token    string
	user     *badge.User
	password string
	sessions map[string]int64
	failures int
	next     int
}

func newMemAccounts() *memAccounts {
	return &memAccounts{token: "setup-token", sessions: map[string]int64{}}
}

func (m *memAccounts) SetupNeeded(context.Context) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.broken != nil {
		return false, m.broken
	}
	return m.user == nil, nil
}

func (m *memAccounts) CompleteSetup(_ context.Context, token, email, name, password string) (*badge.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.user != nil || token != m.token {
		return nil, badge.Errorf(badge.Forbidden, "This setup link is not valid.")
	}
	if err := service.CheckNewUser(email, name, password, true); err != nil { // the service's own rules
		return nil, err
	}
	m.user = &badge.User{ID: 1, Email: email, Name: name, IsAdmin: true}
	m.password = password
	u := *m.user
	return &u, nil
}

func (m *memAccounts) Login(_ context.Context, email, password, _ string) (*badge.User, *service.Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failures >= 3 {
		return nil, nil, badge.Errorf(badge.TooMany, "Too many attempts.")
	}
	if m.user == nil || email != m.user.Email || password != m.password {
		m.failures++
		return nil, nil, badge.Errorf(badge.Unauthorized, "Wrong email or password.")
	}
	m.next++
	tok := "session-" + strings.Repeat("x", m.next)
	m.sessions[tok] = m.user.ID
	u := *m.user
	return &u, &service.Session{Token: tok, ExpiresAt: time.Now().Add(time.Hour)}, nil
}

func (m *memAccounts) SessionUser(_ context.Context, token string) (*badge.User, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.sessions[token]; !ok {
		return nil, badge.Errorf(badge.Unauthorized, "Not signed in.")
	}
	u := *m.user
	return &u, nil
}

func (m *memAccounts) Logout(_ context.Context, token string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.sessions, token)
	return nil
}

func (m *memAccounts) ChangePassword(_ context.Context, _ int64, current, next, keep string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := service.CheckPassword(next); err != nil {
		return badge.OnField(err, "new_password")
	}
	if current != m.password {
		return badge.FieldError(badge.Unauthorized, "current_password", "Wrong password.", nil)
	}
	m.password = next
	for t := range m.sessions {
		if t != keep {
			delete(m.sessions, t)
		}
	}
	return nil
}
