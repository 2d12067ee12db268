package bake_test

import (
	"encoding/base64"
	"hash/crc32"
)

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
func crc(b []byte) uint32 { return crc32.ChecksumIEEE(b) }
