package plan

import (
	"fmt"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
)

// planDelete plans a delete of t's item. With a version field holding a
// non-zero value, the stored version must match.
func planDelete(t *Target) (*Write, error) {
	key, err := Key(t, "Delete")
	if err != nil {
		return nil, err
	}
	var b expr.Builder
	var version string
	if f := t.Model.Version; f != nil {
		if fv, err := t.Item.FieldByIndexErr(f.Index); err == nil && versionOf(fv) != 0 {
			version = b.Name(f.Attr) + " = " + b.Value(versionNumber(versionOf(fv)))
		}
	}
	w := &Write{Kind: WriteDelete, Op: "Delete", Model: t.Model, Table: t.Table, Key: key, HasConditions: len(t.Conds) > 0 || version != ""}
	// A batch, which carries no conditions, deletes without the entity check.
	if w.Cond, err = renderConds(t, &b, version, absentOrEntity(&b, t.Model)); err != nil {
		return nil, err
	}
	w.Names, w.Values = b.Names(), b.Values()
	return w, nil
}

// check plans a transaction's ConditionCheck of t's conditions (at least
// one) on t's item.
func check(t *Target) (*Write, error) {
	if len(t.Conds) == 0 {
		return nil, fmt.Errorf("%w: ConditionCheck %s needs at least one condition", errs.ErrValidation, t.Model.Name())
	}
	key, err := Key(t, "ConditionCheck")
	if err != nil {
		return nil, err
	}
	var b expr.Builder
	w := &Write{Kind: WriteCheck, Op: "ConditionCheck", Model: t.Model, Table: t.Table, Key: key, HasConditions: true}
	if w.Cond, err = renderConds(t, &b, isEntity(&b, t.Model)); err != nil {
		return nil, err
	}
	w.Names, w.Values = b.Names(), b.Values()
	return w, nil
}
