package verify

// imageOf returns the URL (or data URI) of an image value: a string or an Image object.
func imageOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		return str(x, "id")
	case []any:
		if len(x) > 0 {
			return imageOf(x[0])
		}
	}
	return ""
}

// displayVC extracts what to show of an OB 3.0 / CLR / endorsement / plain credential.
func displayVC(o object) Display {
	var d Display
	d.Name, d.Description = str(o, "name"), str(o, "description")
	d.Image = imageOf(o["image"])
	switch is := o["issuer"].(type) {
	case string:
		d.IssuerID = is
	case map[string]any:
		d.IssuerID, d.IssuerName, d.IssuerURL = str(is, "id"), str(is, "name"), str(is, "url")
		d.IssuerImage = imageOf(is["image"])
	}
	d.Issued = orDefault(orDefault(str(o, "awardedDate"), str(o, "validFrom")), str(o, "issuanceDate"))
	d.Expires = orDefault(str(o, "validUntil"), str(o, "expirationDate"))
	subs := list(o["credentialSubject"])
	if len(subs) > 0 {
		s, _ := subs[0].(map[string]any)
		d.Recipient = orDefault(str(s, "name"), str(s, "id"))
		for _, iv := range list(s["identifier"]) {
			io, _ := iv.(map[string]any)
			if io == nil || d.Recipient != "" {
				continue
			}
			if h, _ := io["hashed"].(bool); h {
				d.Recipient = hiddenRecipient(str(io, "identityType"))
				d.RecipientHashed = true
			} else {
				d.Recipient = str(io, "identityHash")
			}
		}
		if c := str(s, "endorsementComment"); c != "" && d.Description == "" {
			d.Description = c
		}
		if a := obj(s, "achievement"); a != nil {
			d.Name = orDefault(str(a, "name"), d.Name)
			d.Description = orDefault(str(a, "description"), d.Description)
			if img := imageOf(a["image"]); img != "" {
				d.Image = img
			}
			if c := obj(a, "criteria"); c != nil {
				d.CriteriaURL, d.Criteria = str(c, "id"), str(c, "narrative")
			}
			d.AchievementType = str(a, "achievementType")
			d.Tags = stringList(a["tag"])
			d.Alignments, d.Skills = alignments(a["alignment"], "targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")
		}
		if img := imageOf(s["image"]); img != "" && d.Image == "" {
			d.Image = img
		}
		d.Narrative = str(s, "narrative")
	}
	d.Evidence = evidence(o["evidence"])
	return d
}

func alignments(v any, name, url, desc, fw, code string) ([]Alignment, []string) {
	var out []Alignment
	var names []string
	for _, x := range list(v) {
		m, _ := x.(map[string]any)
		if m == nil {
			continue
		}
		a := Alignment{Name: str(m, name), URL: str(m, url), Description: str(m, desc), Framework: str(m, fw), Code: str(m, code)}
		out = append(out, a)
		if a.Name != "" {
			names = append(names, a.Name)
		}
	}
	return out, names
}

func evidence(v any) []Evidence {
	var out []Evidence
	for _, x := range list(v) {
		switch m := x.(type) {
		case string:
			out = append(out, Evidence{ID: m})
		case map[string]any:
			out = append(out, Evidence{ID: str(m, "id"), Name: str(m, "name"), Description: str(m, "description"), Narrative: str(m, "narrative")})
		}
	}
	return out
}

// displayOB2 extracts what to show of an OB 0.5-2.0 assertion with its badge class and
// issuer (either may be nil when they could not be had).
func displayOB2(a, bc, is object) Display {
	var d Display
	if bc != nil {
		d.Name, d.Description = str(bc, "name"), str(bc, "description")
		d.Image = imageOf(bc["image"])
		switch c := bc["criteria"].(type) {
		case string:
			d.CriteriaURL = c
		case map[string]any:
			d.CriteriaURL, d.Criteria = str(c, "id"), str(c, "narrative")
		}
		d.Tags = stringList(bc["tags"])
		d.Alignments, d.Skills = alignments(bc["alignment"], "targetName", "targetUrl", "targetDescription", "targetFramework", "targetCode")
	}
	if img := imageOf(a["image"]); img != "" {
		d.Image = img
	}
	if is != nil {
		d.IssuerID, d.IssuerName, d.IssuerURL = str(is, "id"), str(is, "name"), orDefault(str(is, "url"), str(is, "origin"))
		d.IssuerImage = imageOf(is["image"])
	}
	switch rc := a["recipient"].(type) {
	case string: // OB 0.5
		if len(rc) > 7 && (rc[:7] == "sha256$" || rc[:4] == "md5$") {
			d.Recipient, d.RecipientHashed = hiddenRecipient("email"), true
		} else {
			d.Recipient = rc
		}
	case map[string]any:
		if h, _ := rc["hashed"].(bool); h {
			d.Recipient, d.RecipientHashed = hiddenRecipient(str(rc, "type")), true
		} else {
			d.Recipient = str(rc, "identity")
		}
	}
	issued := a["issuedOn"]
	if issued == nil {
		issued = a["issued_on"]
	}
	d.Issued = dateText(issued)
	d.Expires = dateText(a["expires"])
	d.Evidence = evidence(a["evidence"])
	d.Narrative = str(a, "narrative")
	return d
}

// hiddenRecipient says, for a person, whose badge it is when the recipient is a salted hash
// of an identifier of the given OB 2.0 or OB 3.0 type.
func hiddenRecipient(identityType string) string {
	what := map[string]string{"email": "an email address", "emailAddress": "an email address",
		"url": "a web address", "telephone": "a telephone number", "phoneNumber": "a telephone number",
		"sourcedId": "an identifier", "studentId": "a student id", "nationalIdentityNumber": "a national identity number",
		"name": "a name", "did": "a DID"}[identityType]
	if what == "" {
		what = "an identifier"
	}
	return "The holder of " + what + " (hidden: kept as a salted hash, which a verifier can check against the address you know)"
}
