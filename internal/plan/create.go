package plan

import (
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
)

// create plans a put of t's item named op, with the lifecycle fields of a
// create (empty ULIDs, created_at, updated_at, a zero version set to 1).
// mustNotExist adds the condition that the item does not exist; a batch put
// (BatchWriteItem cannot carry conditions) leaves it out and overwrites.
func create(t *Target, op string, mustNotExist bool) (*Write, error) {
	ch := &Changes{}
	t.stampCreate(ch)
	if f := t.Model.Version; f != nil && IsZeroField(t.Item, f) {
		ch.setVersion(fieldOf(t.Item, f, ch), 1)
	}
	w, err := put(t, op, ch)
	if err != nil {
		ch.Undo()
		return nil, err
	}
	var b expr.Builder
	var extra []string
	if mustNotExist {
		extra = append(extra, notExists(&b, t.Model))
	}
	if w.Cond, err = renderConds(t, &b, extra...); err != nil {
		ch.Undo()
		return nil, err
	}
	w.Names, w.Values = b.Names(), b.Values()
	return w, nil
}

// put encodes t's item and checks its keys and size.
func put(t *Target, op string, ch *Changes) (*Write, error) {
	item, err := t.Codec.Encode(t.Item)
	if err != nil {
		return nil, errs.Within(op+" "+t.Model.Name(), err)
	}
	if err := deriveItem(t.Model, t.Tenant, item, op); err != nil {
		return nil, err
	}
	for _, f := range []*model.Field{t.Model.PK, t.Model.SK} {
		if f != nil {
			if err := CheckKeyValue(t.Model, f, item[f.Attr], op); err != nil {
				return nil, err
			}
		}
	}
	if err := checkSize(t.Model, op, item); err != nil {
		return nil, err
	}
	w := &Write{Kind: WritePut, Op: op, Model: t.Model, Table: t.Table, Item: item, Changes: ch, HasConditions: len(t.Conds) > 0}
	if t.Model.Track != nil {
		w.remember(t, &model.Snapshot{Item: item})
	}
	return w, nil
}
