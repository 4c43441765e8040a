package dynamorm

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Cursors are opaque to users. Their form is
//
//	v1.<base64url(JSON payload)>[.<base64url(HMAC-SHA256 of the payload)>]
//
// The payload binds the cursor to the table, the index and a fingerprint of
// the query's expressions, so a cursor from another query is rejected rather
// than silently resuming somewhere else.
const cursorVersion = "v1"

type cursorPayload struct {
	Table string                       `json:"t"`
	Index string                       `json:"i,omitempty"`
	Query string                       `json:"q"`
	Key   map[string]map[string]string `json:"k"`
}

// encodeCursor returns the cursor that resumes r after key.
func encodeCursor(r *plan.Read, key map[string]types.AttributeValue, signKey []byte) (string, error) {
	p := cursorPayload{Table: r.Table, Index: r.Index, Query: fingerprint(r), Key: map[string]map[string]string{}}
	for name, av := range key {
		switch v := av.(type) {
		case *types.AttributeValueMemberS:
			p.Key[name] = map[string]string{"S": v.Value}
		case *types.AttributeValueMemberN:
			p.Key[name] = map[string]string{"N": v.Value}
		case *types.AttributeValueMemberB:
			p.Key[name] = map[string]string{"B": base64.StdEncoding.EncodeToString(v.Value)}
		default:
			return "", fmt.Errorf("dynamorm: key attribute %q has type %T, which cannot be a key", name, av)
		}
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	s := cursorVersion + "." + base64.RawURLEncoding.EncodeToString(raw)
	if len(signKey) > 0 {
		s += "." + base64.RawURLEncoding.EncodeToString(sign(signKey, raw))
	}
	return s, nil
}

func sign(key, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(payload)
	return m.Sum(nil)
}

// decodeCursor checks a cursor's form and signature and returns its payload.
func decodeCursor(s string, signKey []byte) (*cursorPayload, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: %s", core.ErrInvalidCursor, why)
	}
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 || parts[0] != cursorVersion {
		return nil, bad("not a dynamorm cursor (or one from an incompatible version)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, bad("malformed")
	}
	if len(signKey) > 0 {
		if len(parts) != 3 {
			return nil, bad("unsigned, but this DB signs cursors")
		}
		mac, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil || !hmac.Equal(mac, sign(signKey, raw)) {
			return nil, bad("signature does not match (altered, or signed with another key)")
		}
	}
	var p cursorPayload
	if err := json.Unmarshal(raw, &p); err != nil || p.Key == nil {
		return nil, bad("malformed")
	}
	return &p, nil
}

// startKey returns the ExclusiveStartKey of cursor for read r, rejecting a
// cursor from another table, index or query.
func startKey(cursor string, r *plan.Read, signKey []byte) (map[string]types.AttributeValue, error) {
	p, err := decodeCursor(cursor, signKey)
	if err != nil {
		return nil, err
	}
	if p.Table != r.Table || p.Index != r.Index {
		return nil, fmt.Errorf("%w: it belongs to table %q index %q, not table %q index %q", core.ErrInvalidCursor, p.Table, p.Index, r.Table, r.Index)
	}
	if p.Query != fingerprint(r) {
		return nil, fmt.Errorf("%w: it belongs to another query on table %q (different conditions or filters)", core.ErrInvalidCursor, r.Table)
	}
	key := make(map[string]types.AttributeValue, len(p.Key))
	for name, tv := range p.Key {
		switch {
		case hasKey(tv, "S"):
			key[name] = &types.AttributeValueMemberS{Value: tv["S"]}
		case hasKey(tv, "N"):
			key[name] = &types.AttributeValueMemberN{Value: tv["N"]}
		case hasKey(tv, "B"):
			b, err := base64.StdEncoding.DecodeString(tv["B"])
			if err != nil {
				return nil, fmt.Errorf("%w: malformed", core.ErrInvalidCursor)
			}
			key[name] = &types.AttributeValueMemberB{Value: b}
		default:
			return nil, fmt.Errorf("%w: malformed", core.ErrInvalidCursor)
		}
	}
	return key, nil
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// fingerprint identifies the query a cursor belongs to: its operation and
// expressions with placeholders resolved.
func fingerprint(r *plan.Read) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s|%s|%s|%s|%s|%v|", r.Operation, r.Table, r.Index, r.KeyCondition, r.Filter, r.Forward)
	names := make([]string, 0, len(r.Names))
	for k := range r.Names {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(h, "%s=%s|", k, r.Names[k])
	}
	vals := make([]string, 0, len(r.Values))
	for k := range r.Values {
		vals = append(vals, k)
	}
	sort.Strings(vals)
	for _, k := range vals {
		fmt.Fprintf(h, "%s=%s|", k, core.FormatValue(r.Values[k]))
	}
	if r.Segment != nil {
		fmt.Fprintf(h, "seg=%d/%d", *r.Segment, *r.Total)
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}
