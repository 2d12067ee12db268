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
// to the person who caused it, and the wrapped Cause for the log.
type Error struct {
	Kind    Kind
	Message string
	Cause   error
}

// E builds an *Error. The message must be safe to show to a user: no internals.
func E(kind Kind, message string, cause error) *Error {
	return &Error{Kind: kind, Message: message, Cause: cause}
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
