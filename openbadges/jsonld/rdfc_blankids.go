package jsonld

// blankIDs numbers blank node labels. The labels our RDF builders make ("b" and a decimal
// number without leading zeros) are looked up in a slice, others in a map.
type blankIDs struct {
	byNumber []int32 // label "b<n>", n < maxNumberedLabel -> id+1 (0: none yet)
	byLabel  map[string]int32
}

// reset forgets every label, keeping the memory.
func (b *blankIDs) reset() {
	clear(b.byNumber)
	clear(b.byLabel)
}

// id returns the id of label, giving it next (and fresh = true) if it has none.
func (b *blankIDs) id(label string, next int32) (int32, bool) {
	if n, ok := builderLabelNumber(label); ok && n < maxNumberedLabel {
		if n >= len(b.byNumber) {
			b.byNumber = append(b.byNumber, make([]int32, n+1-len(b.byNumber))...)
		}
		if v := b.byNumber[n]; v > 0 {
			return v - 1, false
		}
		b.byNumber[n] = next + 1
		return next, true
	}
	if v, ok := b.byLabel[label]; ok {
		return v, false
	}
	if b.byLabel == nil {
		b.byLabel = map[string]int32{}
	}
	b.byLabel[label] = next
	return next, true
}

// maxNumberedLabel bounds the labels blankIDs looks up in its slice, so that one input label
// ("b999999") cannot make it large; others go to the map.
const maxNumberedLabel = 1 << 16

// builderLabelNumber parses "b<n>" (n decimal, no leading zero, below 1<<31).
func builderLabelNumber(l string) (int, bool) {
	if len(l) < 2 || len(l) > 11 || l[0] != 'b' || (l[1] == '0' && len(l) > 2) {
		return 0, false
	}
	n := 0
	for _, c := range []byte(l[1:]) {
		if c-'0' > 9 {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n < 1<<31
}
