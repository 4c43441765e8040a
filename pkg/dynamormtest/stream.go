package dynamormtest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/marshal"
)

// Change is one record of a stream event: what a write did to one item.
// Old and New are model values (structs or pointers to them, encoded with
// dynamorm's codec as a write stores them) or items in the SDK's form
// (map[string]types.AttributeValue); nil when absent. Make them with
// Insert, Modify, Remove and ExpireTTL.
type Change struct {
	Name     string // INSERT, MODIFY or REMOVE
	Old, New any
	// ByTTL marks a REMOVE made by DynamoDB's TTL service (the record's
	// userIdentity is the service's).
	ByTTL bool
}

// Insert is the record of item's creation.
func Insert(item any) Change { return Change{Name: "INSERT", New: item} }

// Modify is the record of an item changed from old to new (same key).
func Modify(old, new any) Change { return Change{Name: "MODIFY", Old: old, New: new} }

// Remove is the record of old's deletion.
func Remove(old any) Change { return Change{Name: "REMOVE", Old: old} }

// ExpireTTL is the record of old's deletion by the TTL service.
func ExpireTTL(old any) Change { return Change{Name: "REMOVE", Old: old, ByTTL: true} }

// Stream describes the stream the records of an event come from. The zero
// value is a NEW_AND_OLD_IMAGES stream in us-east-1 of the models' tables.
type Stream struct {
	// ViewType is KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES
	// (default): the images each record carries, as DynamoDB sends them.
	ViewType types.StreamViewType
	// Table names the table in the records' event source ARN (default the
	// model's table name; required for SDK items).
	Table string
	// Keys are the key attribute names (partition key first) of SDK
	// items; a model's keys come from its tags.
	Keys []string
	// Region of the records (default us-east-1).
	Region string
	// Time is the records' ApproximateCreationDateTime (default now).
	Time time.Time
}

// StreamEvent returns the events.DynamoDBEvent a Lambda function subscribed
// to a NEW_AND_OLD_IMAGES stream receives for changes, in order: what
// dynamorm.UnmarshalItem decodes back. Bad changes fail t.
//
//	event := dynamormtest.StreamEvent(t, dynamormtest.Insert(&Order{ID: "o1"}))
//	err := handler(ctx, event)
func StreamEvent(t testing.TB, changes ...Change) events.DynamoDBEvent {
	t.Helper()
	ev, err := Stream{}.Event(changes...)
	if err != nil {
		t.Fatalf("dynamormtest: %v", err)
	}
	return ev
}

// Event returns the event of changes on s. Records get increasing
// sequence numbers and distinct event IDs; SizeBytes is left 0 (not
// computed). A change without the images its name needs (INSERT: New;
// MODIFY: both; REMOVE: Old), whose images have different keys or lack a
// key attribute, a value that does not encode, or an unknown view type is
// an error.
func (s Stream) Event(changes ...Change) (events.DynamoDBEvent, error) {
	view := s.ViewType
	if view == "" {
		view = types.StreamViewTypeNewAndOldImages
	}
	if !slices.Contains(view.Values(), view) {
		return events.DynamoDBEvent{}, fmt.Errorf("stream view type %q: use one of %v", view, view.Values())
	}
	region := s.Region
	if region == "" {
		region = "us-east-1"
	}
	at := s.Time
	if at.IsZero() {
		at = time.Now()
	}
	ev := events.DynamoDBEvent{Records: make([]events.DynamoDBEventRecord, 0, len(changes))}
	for i, c := range changes {
		rec, err := s.record(c, view, region, at.Truncate(time.Second))
		if err != nil {
			return events.DynamoDBEvent{}, fmt.Errorf("stream change %d (%s): %w", i, c.Name, err)
		}
		rec.EventID = fmt.Sprintf("%032x", i+1)
		rec.Change.SequenceNumber = fmt.Sprintf("1%020d", i+1)
		ev.Records = append(ev.Records, rec)
	}
	return ev, nil
}

// record builds the record of one change.
func (s Stream) record(c Change, view types.StreamViewType, region string, at time.Time) (events.DynamoDBEventRecord, error) {
	if err := c.check(); err != nil {
		return events.DynamoDBEventRecord{}, err
	}
	oldItem, oldTable, oldKeys, err := s.encode(c.Old)
	if err != nil {
		return events.DynamoDBEventRecord{}, fmt.Errorf("old image: %w", err)
	}
	newItem, newTable, newKeys, err := s.encode(c.New)
	if err != nil {
		return events.DynamoDBEventRecord{}, fmt.Errorf("new image: %w", err)
	}
	table, keyNames := newTable, newKeys
	if c.New == nil {
		table, keyNames = oldTable, oldKeys
	}
	keys, err := keysOf(newItem, oldItem, keyNames)
	if err != nil {
		return events.DynamoDBEventRecord{}, err
	}
	rec := events.DynamoDBEventRecord{
		AWSRegion:      region,
		EventName:      c.Name,
		EventSource:    "aws:dynamodb",
		EventVersion:   "1.1",
		EventSourceArn: fmt.Sprintf("arn:aws:dynamodb:%s:000000000000:table/%s/stream/%s", region, table, at.UTC().Format("2006-01-02T15:04:05.000")),
		Change: events.DynamoDBStreamRecord{
			ApproximateCreationDateTime: events.SecondsEpochTime{Time: at},
			Keys:                        marshal.ToStreamImage(keys),
			StreamViewType:              string(view),
		},
	}
	if view == types.StreamViewTypeNewImage || view == types.StreamViewTypeNewAndOldImages {
		rec.Change.NewImage = marshal.ToStreamImage(newItem)
	}
	if view == types.StreamViewTypeOldImage || view == types.StreamViewTypeNewAndOldImages {
		rec.Change.OldImage = marshal.ToStreamImage(oldItem)
	}
	if c.ByTTL {
		rec.UserIdentity = &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"}
	}
	return rec, nil
}

func (c Change) check() error {
	want := map[string][2]bool{"INSERT": {false, true}, "MODIFY": {true, true}, "REMOVE": {true, false}}
	w, ok := want[c.Name]
	switch {
	case !ok:
		return fmt.Errorf("unknown event name: use INSERT, MODIFY or REMOVE (Insert, Modify, Remove)")
	case (c.Old != nil) != w[0] || (c.New != nil) != w[1]:
		return fmt.Errorf("%s needs old image %v and new image %v", c.Name, w[0], w[1])
	case c.ByTTL && c.Name != "REMOVE":
		return fmt.Errorf("only a REMOVE is made by the TTL service")
	}
	return nil
}

// encode returns v in the SDK's form with its table and key attribute
// names (those of s for SDK items). A nil v gives a nil item.
func (s Stream) encode(v any) (map[string]types.AttributeValue, string, []string, error) {
	if v == nil {
		return nil, "", nil, nil
	}
	if item, ok := v.(map[string]types.AttributeValue); ok {
		if len(s.Keys) == 0 || s.Table == "" {
			return nil, "", nil, fmt.Errorf("an SDK item needs Stream.Keys and Stream.Table")
		}
		return item, s.Table, s.Keys, nil
	}
	md, err := model.OfValue(v)
	if err != nil {
		return nil, "", nil, err
	}
	item, err := dynamorm.MarshalItem(v) // an entity's derived keys and type included
	if err != nil {
		return nil, "", nil, err
	}
	keys := []string{md.PK.Attr}
	if md.SK != nil {
		keys = append(keys, md.SK.Attr)
	}
	table := s.Table
	if table == "" {
		table = md.TableName(reflect.ValueOf(v))
	}
	return item, table, keys, nil
}

// keysOf returns the key attributes of the record's item, the same in its
// new and old images.
func keysOf(newItem, oldItem map[string]types.AttributeValue, names []string) (map[string]types.AttributeValue, error) {
	keys := make(map[string]types.AttributeValue, len(names))
	for _, n := range names {
		nv, inNew := newItem[n]
		ov, inOld := oldItem[n]
		switch {
		case newItem != nil && !inNew, oldItem != nil && !inOld:
			return nil, fmt.Errorf("key attribute %q is missing from an image", n)
		case newItem != nil && oldItem != nil && !reflect.DeepEqual(nv, ov):
			return nil, fmt.Errorf("key attribute %q differs between the old and new images: a key change is a REMOVE and an INSERT", n)
		}
		keys[n] = nv
		if !inNew {
			keys[n] = ov
		}
	}
	return keys, nil
}
