package jsonld

import (
	"strconv"
	"strings"

	"github.com/rosettebadges/rosette/openbadges/internal/jsondec"
)

// jseg is one step of the JSON pointer of the value being expanded: the member idx of the
// object obj (member set), or the array index idx. It holds no pointer (the path stack is
// pooled, see expandedKey): a member's name is read from the Tree when a pointer is built.
type jseg struct {
	obj    jsondec.Ref
	idx    int32
	member bool
}

// pushMember appends the step to the member i of the object m to the current pointer and
// returns the length to truncate back to.
func (f *fastBuilder) pushMember(m jsondec.Ref, i int) int {
	n := len(f.path)
	f.path = append(f.path, jseg{obj: m, idx: int32(i), member: true})
	return n
}

// pushIndex appends the step to the array index i to the current pointer and returns the
// length to truncate back to.
func (f *fastBuilder) pushIndex(i int) int {
	n := len(f.path)
	f.path = append(f.path, jseg{idx: int32(i)})
	return n
}

// at returns the JSON pointer of the value being expanded ("" at the top level). Built only
// when a problem is reported.
func (f *fastBuilder) at() string {
	p := ""
	for _, s := range f.path {
		if s.member {
			k, _ := f.t.Member(s.obj, int(s.idx))
			p = ptr(p, k)
		} else {
			p += "/" + strconv.Itoa(int(s.idx))
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
