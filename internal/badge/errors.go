// Package badge is Rosette's domain: issuers, badge classes, awards, earners and the error
// kinds every layer shares. It does no I/O.
package badge

import (
	"errors"
	"fmt"
)

// Kind classifies an error for code: callers test it with errors.Is(err, badge.NotFound)
// and the HTTP edge maps it to a status. It is never shown to users on its own.
type Kind string

// The error kinds. Each is itself an error so that errors.Is(err, badge.Invalid) works.
const (
	Invalid      Kind = "invalid"      // the input is wrong; the message says how
	NotFound     Kind = "not_found"    // the thing does not exist (or may not be seen)
	Conflict     Kind = "conflict"     // the thing exists already, or changed meanwhile
	Unauthorized Kind = "unauthorized" // no valid credentials were given
	Forbidden    Kind = "forbidden"    // the caller may not do this
	TooMany      Kind = "too_many"     // throttled; try again later
	Unavailable  Kind = "unavailable"  // a dependency is down; try again later
	Internal     Kind = "internal"     // a bug or an unexpected failure
)

func (k Kind) Error() string { return string(k) }

// Error is the one error type of the service layer: a Kind for code, a Message safe to show
// to the person who caused it, the Field at fault when the error is about one input, and the
// wrapped Cause for the log.
type Error struct {
	Kind Kind
	// Field names the input at fault ("email", "name", "password", ...), so that a form can
	// show Message beside it; "" when the error is not about one field. Each service method
	// documents the field names it uses.
	Field   string
	Message string
	Cause   error
}

// E builds an *Error. The message must be safe to show to a user: no internals.
func E(kind Kind, message string, cause error) *Error {
	return &Error{Kind: kind, Message: message, Cause: cause}
}

// FieldError builds an *Error about one input, named field. Several of them (one per field)
// can be returned together with errors.Join; FieldMessages collects them.
func FieldError(kind Kind, field, message string, cause error) *Error {
	return &Error{Kind: kind, Field: field, Message: message, Cause: cause}
}

// OnField returns err with its first *Error moved to field (a copy; err is not changed), for
// a caller that knows which of its inputs a check was about. Other errors are returned as
// they are.
func OnField(err error, field string) error {
	var e *Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Field = field
	return &c
}

// FieldMessages returns the message of every *Error in err's tree that names a field, keyed
// by field (the first one found for a field wins). It looks through wrapping and through
// errors.Join. Nil when there are none.
func FieldMessages(err error) map[string]string {
	var out map[string]string
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*Error); ok && e.Field != "" {
			if out == nil {
				out = map[string]string{}
			}
			if _, seen := out[e.Field]; !seen {
				out[e.Field] = e.Message
			}
		}
		switch u := err.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
	return out
}

// Errorf builds an *Error without a cause, formatting its safe message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

func (e *Error) Error() string {
	if e.Cause == nil {
		return e.Message
	}
	return e.Message + ": " + e.Cause.Error()
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Cause }

// Is reports whether target is this error's kind, so errors.Is(err, badge.NotFound) works
// through any amount of wrapping.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// KindOf returns the kind of err: the kind of the first *Error in its chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// SafeMessage returns the message of the first *Error in err's chain, which may be shown to a
// user, or a generic message for anything else.
func SafeMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Something went wrong on our side. Please try again later."
}
