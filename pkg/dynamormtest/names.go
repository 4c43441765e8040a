package dynamormtest

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
)

// maxTableName is DynamoDB's limit on table name length.
const maxTableName = 255

// maxNameInPrefix bounds how much of the test's name UniqueName keeps when
// it makes a prefix, leaving room for the table names after it.
const maxNameInPrefix = 60

// UniqueName returns a table name unique to this call: base, the test's
// name and a random suffix, joined by "_", within DynamoDB's 3..255
// characters of [a-zA-Z0-9_.-] (other characters become "_"; a long test
// name is shortened).
func UniqueName(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("dynamormtest: random name: %v", err)
	}
	suffix := "_" + hex.EncodeToString(b[:])
	prefix := sanitize(base)
	if prefix == "" {
		prefix = "t"
	}
	name := sanitize(t.Name())
	room := maxTableName - len(suffix)
	if len(prefix) > room/2 {
		prefix = prefix[:room/2]
	}
	room = min(room-len(prefix)-1, maxNameInPrefix)
	if len(name) > room {
		name = name[:room]
	}
	if name != "" {
		prefix += "_" + name
	}
	return prefix + suffix
}

// sanitize maps every character outside [a-zA-Z0-9_.-] to '_'.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
			return r
		default:
			return '_'
		}
	}, s)
}
