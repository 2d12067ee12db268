package identityhash

import "testing"

// Vectors from OPEN-BADGES.md 1.2 (verified there).
func TestVectors(t *testing.T) {
	for _, tc := range []struct{ id, salt, want string }{
		{"a@example.com", "Kosher", "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"},
		{"nobody@example.org", "deadsea", "sha256$ecf5409f3f4b91ab60cc5ef4c02aef7032354375e70cf4d8e43f6a1d29891942"},
		{"mayze", "", "sha256$7a1a1b3f"}, // prefix check below
	} {
		got, err := Sum("sha256", tc.id, tc.salt)
		if err != nil {
			t.Fatal(err)
		}
		if tc.id == "mayze" {
			if got[:15] != tc.want || got[len(got)-5:] != "c60c6" {
				t.Errorf("sha256(mayze) = %s", got)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("Sum(%q,%q) = %s, want %s", tc.id, tc.salt, got, tc.want)
		}
		if !Match(tc.want, tc.id, tc.salt) {
			t.Errorf("Match lower case failed")
		}
		upper := "SHA256$" + upperHex(tc.want[7:])
		if !Match(upper, tc.id, tc.salt) {
			t.Errorf("Match upper case failed for %s", upper)
		}
		if Match(tc.want, tc.id+"x", tc.salt) {
			t.Errorf("Match accepted a wrong identifier")
		}
	}
}

func upperHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 32
		}
	}
	return string(b)
}

func TestMD5AndMalformed(t *testing.T) {
	h, err := Sum("md5", "test@example.com", "")
	if err != nil || h != "md5$55502f40dc8b7c769880b10874abc9d0" {
		t.Fatalf("md5 = %s, %v", h, err)
	}
	if !Match(h, "test@example.com", "") {
		t.Error("md5 match")
	}
	for _, bad := range []string{"test@example.com", "sha256$zz", "sha1$" + h[4:], "md5$" + h[4:len(h)-1], ""} {
		if Match(bad, "test@example.com", "") {
			t.Errorf("Match(%q) = true", bad)
		}
	}
	if _, err := Sum("sha1", "a", ""); err == nil {
		t.Error("sha1 accepted")
	}
}
