package model

import (
	"fmt"
	"strings"
)

// TagKey is the struct tag key dynamorm reads.
const TagKey = "dynamorm"

// tag is the parsed form of one `dynamorm:"..."` struct tag.
type tag struct {
	skip      bool   // "-"
	attr      string // attr:NAME
	pk, sk    bool   // table keys
	omitEmpty bool
	set       bool
	version   bool
	ttl       bool
	createdAt bool
	updatedAt bool
	unixTime  bool
	ulid      bool
	counter   bool
	encrypted bool
	unique    string // unique or unique:NAME: the constraint's name ("" when not unique)
	caseFold  bool   // casefold: the unique value is compared case-insensitively
	indexes   []IndexRole
}

// uniqueOwnName marks a field tagged plain "unique": its constraint is
// named after the field.
const uniqueOwnName = "\x00"

// IndexRole says that a field is a key of a secondary index.
type IndexRole struct {
	Name  string // index name
	Local bool   // an LSI (the field is its sort key)
	SK    bool   // the sort key of a GSI (false: the partition key)
}

// parseTag parses the options of a dynamorm tag. Options are separated by
// commas. "index:NAME" may be followed by "pk" or "sk", which then names the
// field's role in that index (the partition key when neither follows); any
// other "pk" or "sk" is the table's key.
func parseTag(s string) (tag, error) {
	var t tag
	if s == "" {
		return t, nil
	}
	if s == "-" || isRelationTag(s) { // a relationship is not stored (relation.go)
		t.skip = true
		return t, nil
	}
	parts := strings.Split(s, ",")
	for i := 0; i < len(parts); i++ {
		opt := strings.TrimSpace(parts[i])
		name, arg, hasArg := strings.Cut(opt, ":")
		switch name {
		case "pk":
			t.pk = true
		case "sk":
			t.sk = true
		case "omitempty":
			t.omitEmpty = true
		case "set":
			t.set = true
		case "version":
			t.version = true
		case "ttl":
			t.ttl = true
		case "created_at":
			t.createdAt = true
		case "updated_at":
			t.updatedAt = true
		case "unixtime":
			t.unixTime = true
		case "ulid":
			t.ulid = true
		case "counter":
			t.counter = true
		case "unique":
			t.unique = arg
			if !hasArg {
				t.unique = uniqueOwnName
			} else if arg == "" {
				return t, fmt.Errorf(`option "unique" needs a constraint name after the colon, as in unique:email (or plain unique)`)
			}
		case "casefold":
			t.caseFold = true
		case "encrypted":
			t.encrypted = true
		case "attr":
			if arg == "" {
				return t, fmt.Errorf(`option "attr" needs a name, as in attr:my_name`)
			}
			t.attr = arg
		case "index", "lsi":
			if arg == "" {
				return t, fmt.Errorf("option %q needs an index name, as in %s:my-index", name, name)
			}
			role := IndexRole{Name: arg, Local: name == "lsi"}
			if !role.Local && i+1 < len(parts) {
				switch strings.TrimSpace(parts[i+1]) {
				case "pk":
					i++
				case "sk":
					role.SK = true
					i++
				}
			}
			t.indexes = append(t.indexes, role)
		case "":
			return t, fmt.Errorf("empty option in tag %q", s)
		default:
			return t, fmt.Errorf("unknown option %q (known: pk, sk, index:NAME,pk|sk, lsi:NAME, attr:NAME, omitempty, set, version, ttl, created_at, updated_at, unixtime, ulid, counter, unique, unique:NAME, casefold, encrypted, -)", opt)
		}
		if hasArg && name != "attr" && name != "index" && name != "lsi" && name != "unique" {
			return t, fmt.Errorf("option %q takes no argument", name)
		}
	}
	return t, nil
}
