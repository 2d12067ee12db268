package badge

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFieldErrors(t *testing.T) {
	cause := errors.New("disk")
	email := FieldError(Invalid, "email", "Email address is required.", nil)
	name := FieldError(Invalid, "name", "Name is required.", cause)
	tests := []struct {
		name string
		err  error
		want map[string]string
	}{
		{"nil", nil, nil},
		{"plain error", errors.New("x"), nil},
		{"error without field", E(Invalid, "bad", nil), nil},
		{"one field", email, map[string]string{"email": "Email address is required."}},
		{"wrapped", fmt.Errorf("ctx: %w", email), map[string]string{"email": "Email address is required."}},
		{"joined", errors.Join(email, E(Invalid, "no field", nil), fmt.Errorf("w: %w", name)),
			map[string]string{"email": "Email address is required.", "name": "Name is required."}},
		{"first per field wins", errors.Join(email, FieldError(Invalid, "email", "second", nil)),
			map[string]string{"email": "Email address is required."}},
		{"moved to another field", OnField(fmt.Errorf("w: %w", email), "work_email"),
			map[string]string{"work_email": "Email address is required."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, FieldMessages(tt.err)); d != "" {
				t.Errorf("FieldMessages (-want +got):\n%s", d)
			}
		})
	}
	if email.Field != "email" {
		t.Error("OnField changed its argument")
	}
	joined := errors.Join(email, name)
	if !errors.Is(joined, Invalid) || KindOf(joined) != Invalid || SafeMessage(joined) != "Email address is required." {
		t.Errorf("joined field errors: Is=%v KindOf=%s SafeMessage=%q", errors.Is(joined, Invalid), KindOf(joined), SafeMessage(joined))
	}
	if !errors.Is(name, cause) || !errors.Is(OnField(name, "x"), cause) {
		t.Error("a field error does not unwrap to its cause")
	}
	if got := OnField(cause, "x"); got != cause {
		t.Errorf("OnField of a plain error = %v", got)
	}
}
