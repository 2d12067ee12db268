package bake

import (
	"bytes"
	"compress/zlib"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// maxTextBytes bounds a decompressed (compressed iTXt) payload.
const maxTextBytes = 8 << 20

// pngChunk is one chunk of a PNG: its type, data, and byte span in the file.
type pngChunk struct {
	typ        string
	data       []byte
	start, end int
}

// pngChunks walks a PNG: signature, then length/type/data/CRC chunks, IHDR first and IEND
// last. Every CRC is checked.
func pngChunks(img []byte) ([]pngChunk, error) {
	if !bytes.HasPrefix(img, pngSignature) {
		return nil, fmt.Errorf("%w: no PNG signature", ErrNotImage)
	}
	var out []pngChunk
	for i := len(pngSignature); ; {
		if len(img)-i < 12 {
			return nil, fmt.Errorf("%w: PNG truncated at byte %d (no IEND)", ErrMalformed, i)
		}
		n := binary.BigEndian.Uint32(img[i:])
		if n > 1<<31-1 || uint64(n) > uint64(len(img)-i-12) {
			return nil, fmt.Errorf("%w: PNG chunk at byte %d claims %d bytes", ErrMalformed, i, n)
		}
		end := i + 12 + int(n)
		typ := img[i+4 : i+8]
		for _, c := range typ {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return nil, fmt.Errorf("%w: PNG chunk at byte %d has a bad type %q", ErrMalformed, i, typ)
			}
		}
		if crc32.ChecksumIEEE(img[i+4:end-4]) != binary.BigEndian.Uint32(img[end-4:]) {
			return nil, fmt.Errorf("%w: PNG chunk %s at byte %d has a bad CRC", ErrMalformed, typ, i)
		}
		c := pngChunk{typ: string(typ), data: img[i+8 : end-4], start: i, end: end}
		if len(out) == 0 && c.typ != "IHDR" {
			return nil, fmt.Errorf("%w: the first PNG chunk is %s, not IHDR", ErrMalformed, c.typ)
		}
		out = append(out, c)
		i = end
		if c.typ == "IEND" {
			if i != len(img) {
				return nil, fmt.Errorf("%w: %d bytes after IEND", ErrMalformed, len(img)-i)
			}
			return out, nil
		}
	}
}

// iTXt holds the fields of an iTXt chunk.
type iTXt struct {
	keyword, lang, translated string
	compressed                bool
	text                      []byte
}

func parseITXt(d []byte) (*iTXt, error) {
	kw, rest, ok := bytes.Cut(d, []byte{0})
	if !ok || len(rest) < 2 {
		return nil, fmt.Errorf("%w: truncated iTXt chunk", ErrMalformed)
	}
	t := &iTXt{keyword: string(kw), compressed: rest[0] == 1}
	if rest[0] > 1 || rest[1] != 0 {
		return nil, fmt.Errorf("%w: iTXt compression flag %d method %d", ErrMalformed, rest[0], rest[1])
	}
	lang, rest, ok := bytes.Cut(rest[2:], []byte{0})
	if !ok {
		return nil, fmt.Errorf("%w: iTXt language tag not terminated", ErrMalformed)
	}
	tr, text, ok := bytes.Cut(rest, []byte{0})
	if !ok {
		return nil, fmt.Errorf("%w: iTXt translated keyword not terminated", ErrMalformed)
	}
	t.lang, t.translated, t.text = string(lang), string(tr), text
	if t.compressed {
		zr, err := zlib.NewReader(bytes.NewReader(text))
		if err != nil {
			return nil, fmt.Errorf("%w: compressed iTXt: %v", ErrMalformed, err)
		}
		b, err := io.ReadAll(io.LimitReader(zr, maxTextBytes+1))
		if err != nil || len(b) > maxTextBytes {
			return nil, fmt.Errorf("%w: compressed iTXt is corrupt or too large", ErrMalformed)
		}
		t.text = b
	}
	return t, nil
}

// badgeKind returns the kind whose keyword is kw.
func badgeKind(kw string) (Kind, bool) {
	for _, k := range Kinds() {
		if kw == k.Keyword() {
			return k, true
		}
	}
	return "", false
}

// UnbakePNG extracts the badge from a PNG: the first iTXt chunk whose keyword is openbadges,
// openbadgecredential or clrcredential (a compressed one is read, though the specifications
// forbid writing it); failing that, a legacy tEXt chunk "openbadges" holding a hosted
// assertion URL. The payload must be a compact JWS, a JSON object or (OB 2.0) a URL.
func UnbakePNG(img []byte) (*Baked, error) {
	chunks, err := pngChunks(img)
	if err != nil {
		return nil, err
	}
	var legacy *Baked
	for _, c := range chunks {
		switch c.typ {
		case "iTXt":
			kw, _, _ := bytes.Cut(c.data, []byte{0})
			kind, ok := badgeKind(string(kw))
			if !ok {
				continue
			}
			t, err := parseITXt(c.data)
			if err != nil {
				return nil, err
			}
			if err := checkPayload(kind, t.text); err != nil {
				return nil, err
			}
			return &Baked{Kind: kind, Format: "png", Payload: bytes.Clone(t.text)}, nil
		case "tEXt":
			kw, text, _ := bytes.Cut(c.data, []byte{0})
			if string(kw) == OB2.Keyword() && legacy == nil {
				legacy = &Baked{Kind: OB2, Format: "png", Payload: bytes.Clone(text), Legacy: true}
			}
		}
	}
	if legacy != nil {
		if err := checkPayload(OB2, legacy.Payload); err != nil {
			return nil, err
		}
		return legacy, nil
	}
	return nil, ErrNotBaked
}

// PNG bakes payload into a PNG as one iTXt chunk (keyword of kind, uncompressed, empty
// language tag and translated keyword) placed right after IHDR. Every existing badge chunk
// (iTXt, tEXt or zTXt with any of the three keywords) is removed first, so re-baking replaces
// and never duplicates. All other chunks are copied byte for byte.
func PNG(img []byte, kind Kind, payload []byte) ([]byte, error) {
	if !kind.valid() {
		return nil, fmt.Errorf("%w: %q", ErrUnknownKind, kind)
	}
	if err := checkPayload(kind, payload); err != nil {
		return nil, err
	}
	chunks, err := pngChunks(img)
	if err != nil {
		return nil, err
	}
	data := make([]byte, 0, len(kind.Keyword())+5+len(payload))
	data = append(data, kind.Keyword()...)
	data = append(data, 0, 0, 0, 0, 0)
	data = append(data, payload...)
	if len(data) > 1<<31-1 {
		return nil, fmt.Errorf("%w: too large for a PNG chunk", ErrUnsafePayload)
	}
	out := make([]byte, 0, len(img)+len(data)+12)
	out = append(out, pngSignature...)
	for _, c := range chunks {
		if isBadgeText(c) {
			continue
		}
		out = append(out, img[c.start:c.end]...)
		if c.typ == "IHDR" {
			out = appendChunk(out, "iTXt", data)
		}
	}
	return out, nil
}

func isBadgeText(c pngChunk) bool {
	if c.typ != "iTXt" && c.typ != "tEXt" && c.typ != "zTXt" {
		return false
	}
	kw, _, _ := bytes.Cut(c.data, []byte{0})
	_, ok := badgeKind(string(kw))
	return ok
}

func appendChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

func base64URLDecode(s string) ([]byte, error) {
	return base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
}
