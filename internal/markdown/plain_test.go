package markdown

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainText(t *testing.T) {
	tests := []struct {
		name, src string
		max       int
		want      string
	}{
		{"paragraphs", "Complete **all** the\n*modules*.\n\nPass the `quiz`.", 0, "Complete all the\nmodules.\nPass the quiz."},
		{"list and heading", "# Steps\n- Read [the guide](https://x.example/g)\n- Write <b>it</b> & more", 0, "Steps\n• Read the guide\n• Write <b>it</b> & more"},
		{"cut at a word", "one two three four five six", 12, "one two…"},
		{"short stays", "Zoë Ångström", 600, "Zoë Ångström"},
		{"empty", "", 10, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.src, tt.max); got != tt.want {
				t.Errorf("PlainText(%q, %d) = %q, want %q", tt.src, tt.max, got, tt.want)
			}
		})
	}
}

func FuzzPlainText(f *testing.F) {
	f.Add("# a\n- b **c** [d](https://e)\n\n1. f", 20)
	f.Add("<script>x</script>&amp;", 3)
	f.Fuzz(func(t *testing.T, src string, max int) {
		max = max % 2000
		got := PlainText(src, max)
		if !utf8.ValidString(got) && utf8.ValidString(src) {
			t.Errorf("invalid UTF-8 from valid input")
		}
		if max > 0 && utf8.RuneCountInString(got) > max+1 {
			t.Errorf("%d runes > max %d", utf8.RuneCountInString(got), max)
		}
		if !strings.Contains(src, "<") && strings.Contains(got, "<") {
			t.Errorf("a tag of Render left: %q", got)
		}
	})
}
