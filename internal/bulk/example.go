package bulk

// ExampleCSV is a small file in the documented format, served to people as a starting point
// (/admin/bulk/example.csv) and shown in docs/BULK-CSV.md.
const ExampleCSV = "email,name,narrative,evidence_url,evidence_name,evidence_narrative,issued,expires\r\n" +
	"ada@example.org,Ada Lovelace,Wrote the first published program.,https://example.org/notes-g,Note G,,2026-11-02,\r\n" +
	"grace@example.org,Grace Hopper,,,,\"Built the first compiler;\r\nsee the attached report.\",2026-11-02,2029-11-02\r\n" +
	"alan@example.org,,,,,,,\r\n"
