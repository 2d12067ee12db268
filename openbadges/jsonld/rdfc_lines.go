package jsonld

// Line templates. Every quad is serialized once, when the canonicalizer is built, with a hole
// after each "_:" where a blank node's label goes; the lines of the first-degree hashes and
// of the output are then copied from their templates with the labels of the moment ("a" and
// "z", or the canonical ones), instead of serializing and escaping the terms again each time.

// lineTemplate is quad's line in canonicalizer.tmplBuf, with up to three holes.
type lineTemplate struct {
	start, end int32
	obj        int32    // offset of the object in the line (holes empty)
	n          int8     // number of holes
	at         [3]int32 // offset of each hole in the line
	id         [3]int32 // blank node id of each hole
}

// addTemplate serializes quad i (whose blank node ids are c.qb[i]) as its template.
func (c *canonicalizer) addTemplate(i int) {
	q := &c.quads[i]
	b := c.tmplBuf
	t := lineTemplate{start: int32(len(b))}
	hole := func(id int32) {
		b = append(b, '_', ':')
		t.at[t.n] = int32(len(b)) - t.start
		t.id[t.n] = id
		t.n++
	}
	if id := c.qb[i][0]; id >= 0 {
		hole(id)
	} else {
		b = appendTerm(b, q.S)
	}
	b = append(b, ' ')
	b = appendTerm(b, q.P)
	b = append(b, ' ')
	t.obj = int32(len(b)) - t.start
	if id := c.qb[i][1]; id >= 0 {
		hole(id)
	} else {
		b = appendTerm(b, q.O)
	}
	b = append(b, ' ')
	if id := c.qb[i][2]; id >= 0 {
		hole(id)
		b = append(b, ' ')
	} else if q.G.Kind != TermNone {
		b = appendTerm(b, q.G)
		b = append(b, ' ')
	}
	b = append(b, '.', '\n')
	t.end = int32(len(b))
	c.tmplBuf = b
	c.tmpl[i] = t
}

// appendLine appends quad i's line with label(id) for each blank node, and returns where
// the line's object starts (from the line's start).
func (c *canonicalizer) appendLine(b []byte, i int32, label func(id int32) string) ([]byte, int) {
	t := &c.tmpl[i]
	line := c.tmplBuf[t.start:t.end]
	prev := int32(0)
	obj := int(t.obj)
	for h := range t.n {
		b = append(b, line[prev:t.at[h]]...)
		l := label(t.id[h])
		b = append(b, l...)
		if t.at[h] < t.obj {
			obj += len(l) // the subject's label
		}
		prev = t.at[h]
	}
	return append(b, line[prev:]...), obj
}
