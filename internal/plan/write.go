package plan

import (
	"fmt"
	"maps"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/attr"
	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// WriteKind is the DynamoDB operation a write plan becomes: alone, as one
// item of a TransactWriteItems, or as one request of a BatchWriteItem.
type WriteKind uint8

// The write kinds.
const (
	WritePut    WriteKind = iota // PutItem, transaction Put, batch PutRequest
	WriteUpdate                  // UpdateItem, transaction Update
	WriteDelete                  // DeleteItem, transaction Delete, batch DeleteRequest
	WriteCheck                   // transaction ConditionCheck only
)

// Write is one planned write: everything the executor needs to send it, and
// the changes it made to the caller's Go value, undone when it fails.
type Write struct {
	Kind  WriteKind
	Op    string // the dynamorm operation: Create, CreateOrUpdate, Update, ...
	Model *model.Model
	Table string
	Item  map[string]types.AttributeValue // WritePut
	Key   map[string]types.AttributeValue // the other kinds

	Update string
	Cond   string
	Names  map[string]string
	Values map[string]types.AttributeValue

	ReturnValues types.ReturnValue
	// MissingIsNotFound: a failed condition on an item that does not exist
	// means ErrItemNotFound (Update), not ErrConditionFailed.
	MissingIsNotFound bool
	// HasConditions: the write carries conditions a batch cannot express.
	HasConditions bool
	// Changes are the Go-value changes the write made (timestamps,
	// version, ULIDs); Undo restores them when the write fails.
	Changes *Changes
	// OnResult, if set, receives the attributes UpdateItem returned.
	OnResult func(map[string]types.AttributeValue) error
	// Guards are the guard writes that keep the item's unique constraints
	// (guard.go); a write with guards is sent as one transaction with them.
	Guards Writes
	// Guard is set on a guard write: what it reserves or releases.
	Guard *Guard
	// Tenant is the tenant of a tenant-scoped model's write (Target.Tenant).
	Tenant string
	// Known is what OnResult receives when w is sent in a transaction
	// with its guards (which returns no attributes): the attributes the
	// write keeps from the stored item, read beforehand (an upsert's
	// created_at).
	Known map[string]types.AttributeValue

	// retry is set on a write planned on an assumed prior (Retry).
	retry *replan

	// track is set for a value of a tracked model, which remembers what
	// the write left once it succeeded (Done).
	track tracking
	// seal opens encrypted attributes DynamoDB returns (nil: the model has
	// none).
	seal *Sealing
}

// tracking is what a write of a tracked value remembers in it once it
// succeeded: the snapshot next, and the value and its codec (to decode
// returned attributes into it). returned: the write asks DynamoDB for the
// attributes it updated (an UpdateBuilder's), which are decoded into the
// value; without them what is stored is unknown.
type tracking struct {
	value    reflect.Value
	next     *model.Snapshot
	codec    *marshal.StructCodec
	returned bool
}

// Undo restores the Go value the write changed.
func (w *Write) Undo() { w.Changes.Undo() }

// KeyMap is the item's primary key.
func (w *Write) KeyMap() map[string]types.AttributeValue {
	if w.Key != nil {
		return w.Key
	}
	return KeyOf(w.Item, KeyAttrs(w.Model))
}

// Describe names the item for error messages: Model{pk=..., sk=...}.
func (w *Write) Describe() string { return DescribeKey(w.Model, w.KeyMap()) }

// ID identifies the item the write touches, across tables: equal keys of
// one table give equal IDs, whatever the spelling of their numbers.
func (w *Write) ID() string { return ItemID(w.Table, w.Model, w.KeyMap()) }

// Writes is a group of writes that succeed or fail together (a
// transaction, or the puts of a batch being built).
type Writes []*Write

// Undo restores the Go values of every write, latest first.
func (ws Writes) Undo() {
	for i := len(ws) - 1; i >= 0; i-- {
		ws[i].Undo()
	}
}

// Target is what a write is planned from: the model, its codec, the
// caller's value, the table, the caller's conditions and the clock.
type Target struct {
	Model *model.Model
	Codec *marshal.StructCodec
	Item  reflect.Value // the model struct, addressable
	Table string
	Conds []Cond
	Clock func() time.Time
	// OpName names the dynamorm operation in messages when it is not the
	// spec's own (BatchCreate, BatchWrite).
	OpName string
	// Actions is an UpdateBuilder's update, for OpUpdateBuild.
	Actions *Actions
	// Prior is the stored item's unique values, for the writes NeedsPrior
	// names (nil otherwise).
	Prior *Prior
	// Tenant is the tenant a write of a tenant-scoped model is for (the
	// first segment of its partition keys, stored in tenant.Attr);
	// TenantErr, when set, is why there is none (PlanWrite returns it).
	Tenant    string
	TenantErr error
	// Seal encrypts the model's encrypted fields (see seal.go); nil when
	// the DB has no KMS configuration.
	Seal *Sealing
}

// MaxItemSize is DynamoDB's limit on the size of one item, in bytes.
const MaxItemSize = 400 * 1024

// checkSize refuses an item over DynamoDB's limit.
func checkSize(m *model.Model, op string, item map[string]types.AttributeValue) error {
	if n := attr.ItemSize(item); n > MaxItemSize {
		return fmt.Errorf("%w: %s %s: the item is %d bytes; DynamoDB's limit is %d (400 KB)", errs.ErrValidation, op, m.Name(), n, MaxItemSize)
	}
	return nil
}

// remember makes the write, once it succeeded, leave next in t's value
// (Save compares with it); callers check t.Model.Track first.
func (w *Write) remember(t *Target, next *model.Snapshot) {
	w.track = tracking{value: t.Item, next: next, codec: t.Codec}
}

// Done is called once w succeeded, with the attributes DynamoDB returned
// (nil when none, as in a transaction): it passes them to OnResult and
// makes a tracked value remember the item as stored now (returned
// attributes, such as a counter's total, are decoded into it too).
func (w *Write) Done(returned map[string]types.AttributeValue) error {
	if w.seal != nil && len(returned) > 0 {
		withKey := maps.Clone(returned)
		maps.Copy(withKey, w.KeyMap())
		opened, err := w.seal.Open(w.Table, w.Model, withKey)
		if err != nil {
			return err
		}
		for a := range returned {
			returned[a] = opened[a]
		}
	}
	if w.OnResult != nil && returned != nil {
		if err := w.OnResult(returned); err != nil {
			return err
		}
	}
	tr := &w.track
	if tr.next == nil {
		return nil
	}
	next := tr.next
	switch {
	case len(returned) > 0 && w.Kind == WriteUpdate && !next.IsUnknown():
		next = next.Over(model.LayerOf(returned))
		if w.OnResult == nil || tr.returned {
			if err := tr.codec.Decode(returned, tr.value); err != nil {
				return err
			}
		}
	case tr.returned:
		next = model.Unknown() // (in a transaction, which returns nothing)
	}
	w.Model.Remember(tr.value, next)
	return nil
}
