package service

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"sort"
	"strings"
)

// Alignment is an alignment of a badge to a skill, standard or competency (OB 2.0
// BadgeClass "alignment", OB 3.0 Achievement "alignment").
type Alignment struct {
	TargetName string `json:"targetName"`
	TargetURL  string `json:"targetUrl"`
	Framework  string `json:"targetFramework"`
	Code       string `json:"targetCode"`
}

// CredentialSkills is what one credential says about skills: the keywords of its badge class
// or achievement and its alignments, as written (trimmed; empty ones dropped).
type CredentialSkills struct {
	Tags       []string
	Alignments []Alignment
}

// maxSkillCredential bounds the credential ExtractSkills reads (imports are bounded smaller).
const maxSkillCredential = 4 << 20

// ExtractSkills reads the tags and alignments of a credential, whatever its form: an OB 3.0
// credential (achievement "tag" and "alignment" of credentialSubject.achievement), an OB 2.0
// assertion with its badge class embedded (badge "tags" and "alignment"), an OB 2.0 badge
// class itself, or any of these as the payload of a compact JWS/JWT (a VC-JWT's "vc" claim,
// or the payload itself). Bytes that are none of these give no skills, never an error: a
// credential without skills is common, and the caller shows what there is. An OB 2.0
// assertion whose badge is only a URL gives none either (nothing is fetched here).
func ExtractSkills(credential []byte) CredentialSkills {
	var out CredentialSkills
	if len(credential) > maxSkillCredential {
		return out
	}
	doc := credentialDocument(credential)
	if doc == nil {
		return out
	}
	var holders []map[string]json.RawMessage
	if subj := object(doc["credentialSubject"]); subj != nil {
		holders = append(holders, object(subj["achievement"]))
	} else if arr := objects(doc["credentialSubject"]); len(arr) > 0 {
		for _, s := range arr {
			holders = append(holders, object(s["achievement"]))
		}
	}
	if b := object(doc["badge"]); b != nil {
		holders = append(holders, b)
	}
	if len(holders) == 0 && (hasType(doc, "BadgeClass") || hasType(doc, "Achievement")) {
		holders = append(holders, doc)
	}
	seenTag := map[string]bool{}
	seenAl := map[Alignment]bool{}
	for _, h := range holders {
		if h == nil {
			continue
		}
		for _, key := range []string{"tag", "tags"} {
			for _, t := range stringList(h[key]) {
				t = strings.Join(strings.Fields(t), " ")
				if t != "" && !seenTag[strings.ToLower(t)] {
					seenTag[strings.ToLower(t)] = true
					out.Tags = append(out.Tags, t)
				}
			}
		}
		var als []Alignment
		raw := bytes.TrimSpace(h["alignment"])
		if len(raw) > 0 && raw[0] == '{' {
			raw = append(append([]byte{'['}, raw...), ']')
		}
		if json.Unmarshal(raw, &als) != nil {
			// An alignment list with a member of the wrong shape: keep the good members.
			for _, m := range objects(h["alignment"]) {
				var a Alignment
				b, _ := json.Marshal(m)
				if json.Unmarshal(b, &a) == nil {
					als = append(als, a)
				}
			}
		}
		for _, a := range als {
			a = Alignment{TargetName: strings.TrimSpace(a.TargetName), TargetURL: strings.TrimSpace(a.TargetURL),
				Framework: strings.TrimSpace(a.Framework), Code: strings.TrimSpace(a.Code)}
			if (a.TargetName == "" && a.TargetURL == "") || seenAl[a] {
				continue
			}
			seenAl[a] = true
			out.Alignments = append(out.Alignments, a)
		}
	}
	return out
}

// credentialDocument returns the JSON object of a credential given as JSON or as a compact
// JWS (the payload, or its "vc" claim); nil if it is neither.
func credentialDocument(b []byte) map[string]json.RawMessage {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] != '{' {
		parts := strings.Split(string(b), ".")
		if len(parts) != 3 {
			return nil
		}
		payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
		if err != nil {
			return nil
		}
		doc := object(payload)
		if vc := object(doc["vc"]); vc != nil {
			return vc
		}
		return doc
	}
	return object(b)
}

func object(raw json.RawMessage) map[string]json.RawMessage {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	return m
}

func objects(raw json.RawMessage) []map[string]json.RawMessage {
	var ms []json.RawMessage
	if json.Unmarshal(raw, &ms) != nil {
		return nil
	}
	var out []map[string]json.RawMessage
	for _, m := range ms {
		if o := object(m); o != nil {
			out = append(out, o)
		}
	}
	return out
}

// stringList reads a string or a list of strings (JSON-LD allows both); other members are
// skipped.
func stringList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []json.RawMessage
	if json.Unmarshal(raw, &many) != nil {
		return nil
	}
	var out []string
	for _, m := range many {
		if json.Unmarshal(m, &one) == nil {
			out = append(out, one)
		}
	}
	return out
}

func hasType(doc map[string]json.RawMessage, t string) bool {
	for _, v := range stringList(doc["type"]) {
		if v == t {
			return true
		}
	}
	return false
}

// SkillBadge is a badge that evidences a skill.
type SkillBadge struct {
	ItemID     string
	Name       string
	IssuerName string
}

// Skill is one skill of an earner, merged across issuers: the keywords with the same name
// (ignoring case) and the alignments with the same targetUrl (or, without one, the same
// name) are one skill. URL, Framework and Code come from its alignments (the first that has
// each).
type Skill struct {
	Name      string
	URL       string
	Framework string
	Code      string
	Badges    []SkillBadge
}

// SkillSource is one badge and what its credential says about skills, for MergeSkills.
type SkillSource struct {
	Badge  SkillBadge
	Skills CredentialSkills
}

// MergeSkills merges the skills of several badges: one Skill per distinct skill (see Skill),
// each listing the badges that evidence it (once each, in the order given). Skills come
// most-evidenced first, then by name.
func MergeSkills(sources []SkillSource) []Skill {
	var skills []*Skill
	byURL := map[string]*Skill{}
	byName := map[string]*Skill{}
	add := func(sk *Skill, b SkillBadge) {
		for _, have := range sk.Badges {
			if have.ItemID == b.ItemID {
				return
			}
		}
		sk.Badges = append(sk.Badges, b)
	}
	find := func(name, url string) *Skill {
		if url != "" {
			if sk := byURL[url]; sk != nil {
				return sk
			}
		}
		key := strings.ToLower(name)
		if sk := byName[key]; sk != nil && (url == "" || sk.URL == "" || sk.URL == url) {
			if url != "" && sk.URL == "" {
				sk.URL = url
				byURL[url] = sk
			}
			return sk
		}
		sk := &Skill{Name: name, URL: url}
		skills = append(skills, sk)
		if url != "" {
			byURL[url] = sk
		}
		if _, taken := byName[key]; !taken && key != "" {
			byName[key] = sk
		}
		return sk
	}
	// Alignments with a URL first, so that a keyword naming the same skill joins it.
	for _, withURL := range []bool{true, false} {
		for _, src := range sources {
			for _, a := range src.Skills.Alignments {
				if (a.TargetURL != "") != withURL {
					continue
				}
				name := a.TargetName
				if name == "" {
					name = a.TargetURL
				}
				sk := find(name, a.TargetURL)
				if sk.Framework == "" {
					sk.Framework = a.Framework
				}
				if sk.Code == "" {
					sk.Code = a.Code
				}
				add(sk, src.Badge)
			}
		}
	}
	for _, src := range sources {
		for _, t := range src.Skills.Tags {
			add(find(t, ""), src.Badge)
		}
	}
	out := make([]Skill, len(skills))
	for i, sk := range skills {
		out[i] = *sk
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Badges) != len(out[j].Badges) {
			return len(out[i].Badges) > len(out[j].Badges)
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	return out
}
