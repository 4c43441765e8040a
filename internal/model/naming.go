package model

import (
	"strings"
	"unicode"
)

// DefaultTableName derives a table name from a Go struct name: snake_case,
// with the last word pluralised (User -> users, PaymentEvent ->
// payment_events, Category -> categories, HTTPRequest -> http_requests).
func DefaultTableName(structName string) string {
	return Plural(SnakeCase(structName))
}

// SnakeCase converts a Go identifier to snake_case, keeping acronyms
// together (UserID -> user_id, HTTPServer -> http_server).
func SnakeCase(s string) string {
	runes := []rune(s)
	var b strings.Builder
	for i, r := range runes {
		if unicode.IsUpper(r) {
			if i > 0 {
				prev := runes[i-1]
				nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Plural returns the English plural of a lower-case word (of the last word
// of a snake_case name) by the regular rules: -s/-x/-z/-ch/-sh take -es, a
// consonant before -y becomes -ies, everything else takes -s. A word that
// already reads as a plural stays as it is: one ending in -s, unless it ends
// in -ss, -us or -is (address, status and analysis are singular) or is a
// known singular (alias, gas, ...). So CustomerStats is customer_stats, not
// customer_statses.
func Plural(s string) string {
	if s == "" {
		return s
	}
	word := s[strings.LastIndexByte(s, '_')+1:]
	switch {
	case alreadyPlural[word]:
		return s
	case singularS[word], strings.HasSuffix(s, "ss"), strings.HasSuffix(s, "us"):
		return s + "es"
	case strings.HasSuffix(s, "is") && len(word) > 2:
		return s[:len(s)-2] + "es" // analysis -> analyses, axis -> axes
	case strings.HasSuffix(s, "s"):
		return s // stats, users, news, series, categories
	case strings.HasSuffix(s, "x"), strings.HasSuffix(s, "z"),
		strings.HasSuffix(s, "ch"), strings.HasSuffix(s, "sh"):
		return s + "es"
	case strings.HasSuffix(s, "y") && len(s) > 1 && !strings.ContainsRune("aeiou", rune(s[len(s)-2])):
		return s[:len(s)-1] + "ies"
	}
	return s + "s"
}

// singularS lists common singular words that end in -s but not in -ss, -us
// or -is; alreadyPlural the plurals that end in -us or -is.
var (
	singularS     = map[string]bool{"alias": true, "atlas": true, "bias": true, "canvas": true, "gas": true, "lens": true, "chaos": true, "cosmos": true, "ethos": true}
	alreadyPlural = map[string]bool{"menus": true, "gurus": true, "emus": true, "haikus": true, "tutus": true}
)
