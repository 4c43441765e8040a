package tenant

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/keyenc"
)

func TestValidate(t *testing.T) {
	for _, id := range []string{"a", "acme", "A-b_c.9", strings.Repeat("x", MaxLen)} {
		if err := Validate(id); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", id, err)
		}
	}
	for _, id := range []string{"", strings.Repeat("x", MaxLen+1), "a#b", "a$b", "a b", "a/b", "é", "a*", "a\x00", "{a}"} {
		err := Validate(id)
		if !errors.Is(err, errs.ErrValidation) {
			t.Errorf("Validate(%q) = %v, want ErrValidation", id, err)
		}
	}
}

// TestPrefixIsInjective checks, over random ids with a fixed seed, that no
// tenant's key prefix begins a key of another tenant, and that Owner gives
// the id back.
func TestPrefixIsInjective(t *testing.T) {
	const chars = "ab.-_0Z"
	r := rand.New(rand.NewPCG(17, 17))
	ids := map[string]bool{}
	for len(ids) < 300 {
		n := 1 + r.IntN(6)
		var sb strings.Builder
		for range n {
			sb.WriteByte(chars[r.IntN(len(chars))])
		}
		ids[sb.String()] = true
	}
	for a := range ids {
		key := Prefix(a) + "ORDER#" + a
		if got, ok := Owner(key); !ok || got != a {
			t.Fatalf("Owner(%q) = %q, %v; want %q", key, got, ok, a)
		}
		for b := range ids {
			if a != b && strings.HasPrefix(key, Prefix(b)) {
				t.Fatalf("the key %q of tenant %q begins with the prefix %q of tenant %q", key, a, Prefix(b), b)
			}
		}
	}
}

// TestPrefixNotComposable checks that no key composed of literals and
// encoded components (what a model without tenancy stores) begins with a
// tenant's prefix.
func TestPrefixNotComposable(t *testing.T) {
	for _, v := range []string{"$tacme", "$tacme#x", "t", "$", "acme#"} {
		enc := string(keyenc.AppendString(nil, v))
		if _, ok := Owner(enc); ok || strings.Contains(enc, Mark) {
			t.Errorf("the encoding %q of %q contains the tenant mark", enc, v)
		}
		num, err := keyenc.Append(nil, &types.AttributeValueMemberN{Value: "-12.5"})
		if err != nil || strings.Contains(string(num), Mark) {
			t.Errorf("number encoding %q, %v", num, err)
		}
	}
	if !keyenc.Reserved('$') {
		t.Fatal("template literals may contain '$', so a literal could begin with the tenant mark")
	}
	for _, k := range []string{"", "$t", "$t#", "$tacme", "acme#x", "$ta b#x"} {
		if id, ok := Owner(k); ok {
			t.Errorf("Owner(%q) = %q, want none", k, id)
		}
	}
}

func TestScope(t *testing.T) {
	ctx := context.Background()
	if s := FromContext(ctx); s.Set() {
		t.Fatalf("background scope %+v is set", s)
	}
	if _, err := FromContext(ctx).Require("Order"); !errors.Is(err, errs.ErrTenantRequired) {
		t.Fatalf("Require without a tenant = %v, want ErrTenantRequired", err)
	}
	a := With(ctx, "a")
	if id, err := FromContext(a).Require("Order"); err != nil || id != "a" {
		t.Fatalf("Require in tenant a = %q, %v", id, err)
	}
	if id, _ := FromContext(With(a, "b")).Require("Order"); id != "b" {
		t.Fatalf("With over another tenant = %q, want b (an unbound context may change tenant)", id)
	}
	if _, err := FromContext(With(ctx, "a b")).Require("Order"); !errors.Is(err, errs.ErrValidation) {
		t.Fatalf("invalid id: %v, want ErrValidation", err)
	}
	sys := System(a, "export")
	if s := FromContext(sys); !s.System || s.ID != "" || s.Reason != "export" {
		t.Fatalf("system scope = %+v", s)
	}
	if _, err := FromContext(sys).Require("Order"); err != nil {
		t.Fatalf("Require in the system scope = %v", err)
	}
	if s := FromContext(With(sys, "c")); s.System || s.ID != "c" {
		t.Fatalf("With inside the system scope = %+v, want tenant c only", s)
	}
	if _, err := FromContext(System(ctx, "")).Require("Order"); !errors.Is(err, errs.ErrValidation) {
		t.Fatalf("system scope without a reason: %v", err)
	}
}

func TestBind(t *testing.T) {
	ctx := Bind(context.Background(), "a")
	if s := FromContext(ctx); s.ID != "a" || !s.Bound || s.Err != nil {
		t.Fatalf("bound scope = %+v", s)
	}
	for name, c := range map[string]context.Context{
		"With another tenant":    With(ctx, "b"),
		"System":                 System(ctx, "export"),
		"Bind a context of b":    Bind(With(context.Background(), "b"), "a"),
		"Bind the system scope":  Bind(System(context.Background(), "x"), "a"),
		"Bind another tenant":    Bind(ctx, "b"),
		"Bind over a bad tenant": Bind(With(context.Background(), "#"), "a"),
	} {
		_, err := FromContext(c).Require("Order")
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if name != "Bind over a bad tenant" && !errors.Is(err, errs.ErrCrossTenant) {
			t.Errorf("%s: %v, want ErrCrossTenant", name, err)
		}
	}
	if id, err := FromContext(With(ctx, "a")).Require("Order"); err != nil || id != "a" {
		t.Fatalf("With the bound tenant again = %q, %v", id, err)
	}
	if id, err := FromContext(Bind(With(context.Background(), "a"), "a")).Require("Order"); err != nil || id != "a" {
		t.Fatalf("Bind over the same tenant = %q, %v", id, err)
	}
}
