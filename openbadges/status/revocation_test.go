package status_test

import (
	"net/http"
	"testing"

	"github.com/rosettebadges/rosette/openbadges/status"
)

func TestRevocationLists(t *testing.T) {
	ob2 := []byte(`{"@context":"https://w3id.org/openbadges/v2","id":"https://example.org/revocationList","type":"RevocationList","issuer":"https://example.org/issuer",
	  "revokedAssertions":["urn:uuid:1",{"id":"urn:uuid:2","revocationReason":"Misconduct"},{"uid":"abc123"},{"id":"urn:uuid:3","revoked":false}]}`)
	l, err := status.ParseOB2RevocationList(ob2)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id, uid string
		revoked bool
		reason  string
	}{
		{"urn:uuid:1", "", true, ""},
		{"urn:uuid:2", "", true, "Misconduct"},
		{"", "abc123", true, ""},
		{"urn:uuid:3", "", false, ""},
		{"urn:uuid:4", "", false, ""},
	} {
		r, reason := l.Lookup(tt.id, tt.uid)
		if r != tt.revoked || reason != tt.reason {
			t.Errorf("Lookup(%q, %q) = %v, %q", tt.id, tt.uid, r, reason)
		}
	}
	if _, err := status.ParseOB2RevocationList([]byte(`{"type":"Assertion","revokedAssertions":[]}`)); err == nil {
		t.Error("accepted a list without type RevocationList")
	}
	if _, err := status.ParseOB2RevocationList([]byte(`{"type":"RevocationList","revokedAssertions":[{"revocationReason":"x"}]}`)); err == nil {
		t.Error("accepted an entry without id or uid")
	}

	entries := []status.Revoked{{ID: "urn:uuid:1"}, {ID: "urn:uuid:2", Reason: "Misconduct"}}
	doc, err := status.NewOB2RevocationList("https://example.org/revocationList", "https://example.org/issuer", entries)
	if err != nil {
		t.Fatal(err)
	}
	back, err := status.ParseOB2RevocationList(doc)
	if err != nil {
		t.Fatal(err)
	}
	if r, reason := back.Lookup("urn:uuid:2", ""); !r || reason != "Misconduct" {
		t.Fatalf("round trip lost an entry: %s", doc)
	}

	vcrl, err := status.NewRevocationList("https://example.org/vcrl/1", "https://example.org/issuer", entries)
	if err != nil {
		t.Fatal(err)
	}
	v, err := status.ParseRevocationList(vcrl)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := v.Lookup("urn:uuid:1", ""); !r || v.Issuer != "https://example.org/issuer" {
		t.Fatalf("VCRL round trip: %s", vcrl)
	}
	empty, _ := status.NewRevocationList("https://example.org/vcrl/2", "", nil)
	if _, err := status.ParseRevocationList(empty); err != nil {
		t.Fatalf("empty list %s: %v", empty, err)
	}
	if _, err := status.ParseRevocationList([]byte(`{"id":"x"}`)); err == nil {
		t.Error("accepted a VCRL without revokedCredential")
	}
}

func TestHostedAssertionStatus(t *testing.T) {
	for _, tt := range []struct {
		code    int
		body    string
		want    status.HostedStatus
		wantErr bool
	}{
		{http.StatusGone, ``, status.HostedStatus{Revoked: true}, false},
		{http.StatusGone, `{"revoked":true,"revocationReason":"Issued in error"}`, status.HostedStatus{Revoked: true, Reason: "Issued in error"}, false},
		{http.StatusOK, `{"id":"x","revoked":true,"revocationReason":"r"}`, status.HostedStatus{Revoked: true, Reason: "r"}, false},
		{http.StatusOK, `{"id":"x","revoked":false}`, status.HostedStatus{}, false},
		{http.StatusOK, `{"id":"x"}`, status.HostedStatus{}, false},
		{http.StatusOK, `<html>`, status.HostedStatus{}, true},
		{http.StatusNotFound, ``, status.HostedStatus{}, true},
		{http.StatusInternalServerError, ``, status.HostedStatus{}, true},
	} {
		got, err := status.HostedAssertionStatus(tt.code, []byte(tt.body))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("HostedAssertionStatus(%d, %s) = %+v, %v", tt.code, tt.body, got, err)
		}
	}
}
