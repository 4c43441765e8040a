package dynamorm

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/internal/tenant"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// Entity is embedded in a struct to make it a single-table entity: one of
// several item types sharing a table, with generic key attributes composed
// from its fields. Its tag names the table, the entity and the templates
// of the keys:
//
//	type Order struct {
//		dynamorm.Entity `dynamorm:"table:shop,entity:order,pk:CUSTOMER#{CustomerID},sk:ORDER#{PlacedAt}#{ID},gsi1pk:ORDER#{ID},gsi1sk:ORDER"`
//		CustomerID string
//		ID         string
//		PlacedAt   time.Time
//		Total      float64
//	}
//
// Options: table:NAME (the table; a TableName method wins), entity:NAME
// (stored on every item), typeattr:NAME (the attribute that stores it,
// "_type" by default), and one template per key: pk, sk, and INDEXpk /
// INDEXsk for the global index INDEX (gsi1pk and gsi1sk are the keys of
// index gsi1). The option's name is the key's attribute name (PK:... or
// GSI1PK:... store PK and GSI1PK). A template is segments joined by '#':
// literals (no # $ { }) and {Field} placeholders, each the value of a
// string, number, []byte or time field. Instead of a template, fields may
// be tagged pk, sk or index:NAME,pk|sk; the key is then
// <entity>#{Field}#{Field}... in field order.
//
// Component values are encoded so that keys sort as the values do and
// parse back: strings with the bytes up to '$' escaped ("a#b" is "a$cb"),
// numbers in a sortable form (negative numbers and fractions included),
// time.Time in its fixed-width UTC form, []byte as hex. Every field keeps
// its own attribute too, so items stay readable and filterable.
//
// Writes compute every derived key from the item (an index key with an
// empty component is left out: the item is not in that index); an Update
// of a component without the other components of a key it is part of is
// ErrIncompleteKey, and a change of a primary-key component is refused
// (see MoveItem). Reads of an entity return items of that entity only;
// Where conditions on components become key conditions. Conditional
// writes of an entity check the stored item's entity type, so no write of
// one entity overwrites an item of another.
type Entity = model.Marker

// MoveItem changes the primary key of an item: it deletes from (which must
// exist, and on a version field have the version from holds) and creates to
// (which must not exist) in one transaction, so the item is never under
// both keys or neither. The primary key of an entity is derived from its
// fields, so changing one of those fields moves the item.
func (db *DB) MoveItem(from, to any) error {
	db, c := db.begin(db.ctx, "MoveItem") // the transaction joins this call
	return c.end(db.Transaction(func(tx *Tx) error {
		if err := tx.Model(from).IfExists().Delete(); err != nil {
			return err
		}
		return tx.Model(to).Create()
	}))
}

// MarshalItem encodes v (a model struct or a pointer to one) as dynamorm
// stores it: every field by the codec and, for an entity, its derived keys
// and entity type. Lifecycle fields are encoded as they are (nothing is
// stamped: MarshalItem writes nothing). It is the inverse of UnmarshalItem,
// for building test items and stream images. A tenant-scoped model's item
// belongs to a tenant: MarshalItem refuses it (ErrTenantRequired), and
// db.MarshalItem encodes it for the handle's tenant.
func MarshalItem(v any) (map[string]types.AttributeValue, error) {
	return marshalItem(context.Background(), nil, v)
}

// MarshalItem is dynamorm.MarshalItem with db's converters and, for a
// tenant-scoped model, db's tenant (its context's, or ForTenant's).
func (db *DB) MarshalItem(v any) (map[string]types.AttributeValue, error) {
	return marshalItem(db.ctx, db.shared.codecs, v)
}

func marshalItem(ctx context.Context, codecs *marshal.Codecs, v any) (map[string]types.AttributeValue, error) {
	md, err := model.OfValue(v)
	if err != nil {
		return nil, err
	}
	var id string
	if md.Tenant {
		if id, err = tenant.FromContext(ctx).Require(md.Name()); err == nil && id == "" {
			err = fmt.Errorf("%w: MarshalItem %s: an item belongs to one tenant, and the system scope names none", core.ErrTenantRequired, md.Name())
		}
		if err != nil {
			return nil, fmt.Errorf("MarshalItem: %w", err)
		}
	}
	item, err := codecs.Marshal(v)
	if err != nil {
		return nil, err
	}
	return plan.Stored(md, id, item)
}
