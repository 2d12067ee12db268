package jsonld

import (
	"errors"
	"fmt"
	"strings"
)

// Problem is one JSON-LD safe-mode finding: something the processor would otherwise drop or
// leave relative, so that it would not be covered by a signature. Code is the event code used
// by jsonld.js (for example "invalid property", "relative @type reference").
type Problem struct {
	Path    string // JSON pointer into the input document, where known
	Term    string // the term, key or value at fault
	Code    string
	Message string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	if p.Term != "" {
		fmt.Fprintf(&b, " (%q)", p.Term)
	}
	return b.String()
}

// SafeModeError is returned when a document fails JSON-LD safe mode; no output is produced.
type SafeModeError struct {
	Problems []Problem
}

// ErrSafeMode matches every *SafeModeError with errors.Is.
var ErrSafeMode = errors.New("jsonld: safe mode violation")

func (e *SafeModeError) Error() string {
	if len(e.Problems) == 0 {
		return "jsonld: safe mode violation"
	}
	s := "jsonld: safe mode violation: " + e.Problems[0].String()
	if n := len(e.Problems) - 1; n > 0 {
		s += fmt.Sprintf(" (and %d more)", n)
	}
	return s
}

// Is reports ErrSafeMode.
func (e *SafeModeError) Is(target error) bool { return target == ErrSafeMode }

// ErrInvalidInput is wrapped by errors about malformed JSON-LD (not a safe-mode matter):
// invalid contexts, keyword misuse, invalid values.
var ErrInvalidInput = errors.New("jsonld: invalid JSON-LD")

// problem codes (jsonld.js event codes).
const (
	codeInvalidProperty   = "invalid property"
	codeRelativeType      = "relative @type reference"
	codeRelativeID        = "relative @id reference"
	codeRelativeSubject   = "relative subject reference"
	codeRelativeObject    = "relative object reference"
	codeRelativePredicate = "relative predicate reference"
	codeRelativeGraph     = "relative graph reference"
	codeBlankPredicate    = "blank node predicate"

	codeEmptyObject     = "empty object"
	codeFreeFloating    = "free-floating scalar"
	codeOnlyID          = "object with only @id"
	codeOnlyValue       = "object with only @value"
	codeOnlyList        = "object with only @list"
	codeOnlyLanguage    = "object with only @language"
	codeInvalidLanguage = "invalid @language value"
	codeNullID          = "null @id value"
	codeNullValue       = "null @value value"
	codeReservedTerm    = "reserved term"
	codeReservedID      = "reserved @id value"
	codeRelativeVocab   = "relative @vocab reference"
)
