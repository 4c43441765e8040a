package dynamorm

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// Cursors are opaque to users. Their forms are
//
//	v1.<base64url(JSON payload)>                      without a CursorKey
//	v2.<base64url(nonce | AES-256-GCM(JSON payload))>  with a CursorKey
//
// The payload binds the cursor to the table, the index, the tenant (of a
// tenant-scoped model's read) and a fingerprint of
// every condition of the query (key condition, filter, and the conditions
// evaluated on returned items), so a cursor from another query is rejected
// rather than silently resuming somewhere else. With a CursorKey the payload
// is encrypted and authenticated: clients can neither read the table, index
// and key values in it nor alter it. Without one, a cursor can be read and
// edited, so its key is checked against the query before it is sent: an
// altered or malformed cursor is ErrInvalidCursor, never a request that
// DynamoDB rejects.
const (
	cursorPlain     = "v1"
	cursorEncrypted = "v2"
)

type cursorPayload struct {
	Table string `json:"t"`
	Index string `json:"i,omitempty"`
	// Tenant is the tenant of a read of a tenant-scoped model: another
	// tenant's cursor is refused.
	Tenant string                       `json:"n,omitempty"`
	Query  string                       `json:"q"`
	Key    map[string]map[string]string `json:"k"`
}

// encodeCursor returns the cursor that resumes r after key.
func encodeCursor(r *plan.Read, key map[string]types.AttributeValue, cursorKey []byte) (string, error) {
	k, err := keyJSON(key)
	if err != nil {
		return "", err
	}
	p := cursorPayload{Table: r.Table, Index: r.Index, Tenant: r.Tenant, Query: fingerprint(r), Key: k}
	raw, err := json.Marshal(p)
	if err != nil {
		return "", err
	}
	return sealCursor(raw, cursorKey)
}

// keyJSON is key in a cursor's payload form.
func keyJSON(key map[string]types.AttributeValue) (map[string]map[string]string, error) {
	out := make(map[string]map[string]string, len(key))
	for name, av := range key {
		switch v := av.(type) {
		case *types.AttributeValueMemberS:
			out[name] = map[string]string{"S": v.Value}
		case *types.AttributeValueMemberN:
			out[name] = map[string]string{"N": v.Value}
		case *types.AttributeValueMemberB:
			out[name] = map[string]string{"B": base64.StdEncoding.EncodeToString(v.Value)}
		default:
			return nil, fmt.Errorf("key attribute %q has type %T, which cannot be a key", name, av)
		}
	}
	return out, nil
}

// checkedKey decodes a payload's key and checks that it can be a start
// key of r (see checkStartKey).
func checkedKey(pk map[string]map[string]string, r *plan.Read, m *model.Model) (map[string]types.AttributeValue, error) {
	key := make(map[string]types.AttributeValue, len(pk))
	for name, tv := range pk {
		av, ok := cursorValue(tv)
		if !ok {
			return nil, fmt.Errorf("%w: malformed value of key attribute %q", core.ErrInvalidCursor, name)
		}
		key[name] = av
	}
	if err := checkStartKey(r, r.KeyTypes(m), key); err != nil {
		return nil, fmt.Errorf("%w: %v", core.ErrInvalidCursor, err)
	}
	return key, nil
}

// sealCursor is the cursor form of payload raw: plain, or encrypted and
// authenticated under cursorKey. Iteration checkpoints use it too.
func sealCursor(raw, cursorKey []byte) (string, error) {
	if len(cursorKey) == 0 {
		return cursorPlain + "." + base64.RawURLEncoding.EncodeToString(raw), nil
	}
	aead := cursorAEAD(cursorKey)
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(raw)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	sealed := aead.Seal(nonce, nonce, raw, []byte(cursorEncrypted))
	return cursorEncrypted + "." + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// cursorAEAD is AES-256-GCM under a key derived from the DB's CursorKey.
func cursorAEAD(cursorKey []byte) cipher.AEAD {
	k := sha256.Sum256(append([]byte("dynamorm cursor v2\x00"), cursorKey...))
	block, err := aes.NewCipher(k[:])
	if err != nil {
		panic(err) // a 32-byte key is always valid
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// decodeCursor checks a cursor's form (and, with a CursorKey, decrypts and
// authenticates it) and returns its payload.
func decodeCursor(s string, cursorKey []byte) (*cursorPayload, error) {
	raw, err := openCursor(s, cursorKey)
	if err != nil {
		return nil, err
	}
	var p cursorPayload
	if err := json.Unmarshal(raw, &p); err != nil || p.Key == nil {
		return nil, fmt.Errorf("%w: malformed", core.ErrInvalidCursor)
	}
	return &p, nil
}

// openCursor checks a cursor's form (and, with a CursorKey, decrypts and
// authenticates it) and returns its payload's bytes.
func openCursor(s string, cursorKey []byte) ([]byte, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: %s", core.ErrInvalidCursor, why)
	}
	version, body, ok := strings.Cut(s, ".")
	if !ok || strings.Contains(body, ".") || (version != cursorPlain && version != cursorEncrypted) {
		return nil, bad("not a dynamorm cursor (or one from an incompatible version)")
	}
	raw, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil {
		return nil, bad("malformed")
	}
	switch {
	case len(cursorKey) > 0 && version != cursorEncrypted:
		return nil, bad("not encrypted, but this DB encrypts its cursors (session.Config.CursorKey)")
	case len(cursorKey) == 0 && version == cursorEncrypted:
		return nil, bad("encrypted, but this DB has no CursorKey to open it")
	case len(cursorKey) > 0:
		aead := cursorAEAD(cursorKey)
		if len(raw) < aead.NonceSize() {
			return nil, bad("malformed")
		}
		if raw, err = aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(cursorEncrypted)); err != nil {
			return nil, bad("it does not open with this DB's CursorKey (altered, or made with another key)")
		}
	}
	return raw, nil
}

// startKey returns the ExclusiveStartKey of cursor for read r, rejecting a
// cursor from another table, index or query, and one whose key cannot be a
// start key of r.
func startKey(cursor string, r *plan.Read, m *model.Model, cursorKey []byte) (map[string]types.AttributeValue, error) {
	p, err := decodeCursor(cursor, cursorKey)
	if err != nil {
		return nil, err
	}
	if p.Table != r.Table || p.Index != r.Index {
		return nil, fmt.Errorf("%w: it belongs to table %q index %q, not table %q index %q", core.ErrInvalidCursor, p.Table, p.Index, r.Table, r.Index)
	}
	if p.Tenant != r.Tenant {
		return nil, fmt.Errorf("%w: it belongs to a read of another tenant", core.ErrInvalidCursor)
	}
	if p.Query != fingerprint(r) {
		return nil, fmt.Errorf("%w: it belongs to another query on table %q (different conditions or filters)", core.ErrInvalidCursor, r.Table)
	}
	return checkedKey(p.Key, r, m)
}

// cursorValue decodes one key value of a payload: exactly one of S, N, B.
func cursorValue(tv map[string]string) (types.AttributeValue, bool) {
	if len(tv) != 1 {
		return nil, false
	}
	for t, v := range tv {
		switch t {
		case "S":
			return &types.AttributeValueMemberS{Value: v}, true
		case "N":
			_, _, err := big.ParseFloat(v, 10, 256, big.ToNearestEven)
			return &types.AttributeValueMemberN{Value: v}, err == nil
		case "B":
			b, err := base64.StdEncoding.DecodeString(v)
			return &types.AttributeValueMemberB{Value: b}, err == nil
		}
	}
	return nil, false
}

// checkStartKey refuses a start key DynamoDB would reject: other attributes
// than r's key attributes, values of another type than the keys store, or
// (for a Query) a key outside the key condition.
func checkStartKey(r *plan.Read, keyTypes []string, key map[string]types.AttributeValue) error {
	if len(key) != len(r.KeyAttrs) {
		return fmt.Errorf("its key has %d attributes, the read's keys are %s", len(key), strings.Join(r.KeyAttrs, ", "))
	}
	for i, name := range r.KeyAttrs {
		av, ok := key[name]
		if !ok {
			return fmt.Errorf("its key lacks attribute %q", name)
		}
		if want := keyTypes[i]; want != "" && attr.TypeName(av) != want {
			return fmt.Errorf("key attribute %q is %s in the cursor but %s in the table", name, attr.TypeName(av), want)
		}
	}
	for _, c := range r.KeyConds {
		if !expr.Match(c, key) {
			return fmt.Errorf("its key is outside the query's key condition on %q", c.Path[0])
		}
	}
	return nil
}

// fingerprint identifies the query a cursor belongs to: its operation,
// expressions with placeholders resolved, and the conditions evaluated on
// returned items.
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
	for _, c := range r.PostFilter {
		fmt.Fprintf(h, "post:%q %s", c.Path, c.Op)
		for _, v := range c.Values {
			fmt.Fprintf(h, " %s", core.FormatValue(v))
		}
		h.Write([]byte{'|'})
	}
	if r.Segment != nil {
		fmt.Fprintf(h, "seg=%d/%d", *r.Segment, *r.Total)
	}
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:12])
}
