package jsonld

import (
	"strconv"
	"strings"
)

// jseg is one step of the JSON pointer of the value being expanded: a member key, or an
// array index (idx >= 0).
type jseg struct {
	key string
	idx int
}

// push appends a step to the current pointer and returns the length to truncate back to.
func (f *fastBuilder) push(key string, idx int) int {
	n := len(f.path)
	f.path = append(f.path, jseg{key, idx})
	return n
}

// at returns the JSON pointer of the value being expanded ("" at the top level). Built only
// when a problem is reported.
func (f *fastBuilder) at() string {
	p := ""
	for _, s := range f.path {
		if s.idx >= 0 {
			p += "/" + strconv.Itoa(s.idx)
		} else {
			p = ptr(p, s.key)
		}
	}
	return p
}

func ptr(path, key string) string {
	if strings.ContainsAny(key, "~/") {
		key = strings.ReplaceAll(strings.ReplaceAll(key, "~", "~0"), "/", "~1")
	}
	return path + "/" + key
}
