package plan

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/envelope"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
)

// reEncrypt plans DB.ReEncrypt of the stored item t.Prior holds (read
// whole, consistently): an UpdateItem that sets each encrypted attribute
// sealed under another KMS key than the current one to its value (sealed
// again by sealWrite, under the current key), on the condition that the
// stored envelopes are still the ones read. Nothing else changes (no
// version bump, no updated_at). None to rewrite: a nil Write.
func reEncrypt(t *Target) (*Write, error) {
	const op = "ReEncrypt"
	m := t.Model
	if t.Prior == nil || t.Prior.Item == nil {
		return nil, fmt.Errorf("%w: %s %s: no item is stored under the key", errs.ErrItemNotFound, op, m.Name())
	}
	if err := needKeys(t.Seal, m); err != nil {
		return nil, err
	}
	current, err := t.Seal.Keys.CurrentKeyID(t.Seal.context())
	if err != nil {
		return nil, err
	}
	stored := t.Prior.Item
	opened, err := t.Seal.Open(t.Table, m, stored)
	if err != nil {
		return nil, err
	}
	var b expr.Builder
	var u expr.Update
	var conds []string
	for _, f := range m.Encrypted {
		av, ok := stored[f.Attr].(*types.AttributeValueMemberB)
		if !ok {
			continue
		}
		env, err := envelope.Parse(av.Value)
		if err != nil || env.KeyID == current {
			continue
		}
		name := b.Name(f.Attr)
		u.Set(name, b.Value(opened[f.Attr]))
		conds = append(conds, name+" = "+b.Value(av))
	}
	if u.Empty() {
		return nil, nil
	}
	if c := isEntity(&b, m); c != "" {
		conds = append(conds, c)
	}
	return &Write{Kind: WriteUpdate, Op: op, Model: m, Table: t.Table, Key: KeyOf(stored, KeyAttrs(m)),
		Update: u.String(), Cond: expr.And(conds...), Names: b.Names(), Values: b.Values(),
		Changes: &Changes{}, HasConditions: true}, nil
}
