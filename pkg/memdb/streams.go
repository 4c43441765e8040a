package memdb

import (
	"fmt"
	"hash/crc32"
	"sync"
	"time"
)

// A table's stream: every change the table's commit path makes is appended
// as a record while the stream is enabled, as DynamoDB Streams does. memdb
// keeps one shard per stream and every record for the server's lifetime
// (DynamoDB keeps them 24 hours and splits shards over time).

// Stream view types.
const (
	viewKeysOnly    = "KEYS_ONLY"
	viewNewImage    = "NEW_IMAGE"
	viewOldImage    = "OLD_IMAGE"
	viewNewAndOld   = "NEW_AND_OLD_IMAGES"
	seqDigits       = 21
	maxRecordsLimit = 1000
)

// streamRecord is one change of one item.
type streamRecord struct {
	seq    uint64
	event  string // INSERT, MODIFY or REMOVE
	keys   item
	newImg item // nil unless the view type holds it
	oldImg item
	at     time.Time
	size   int
	byTTL  bool // deleted by the TTL process (userIdentity Service)
}

// changeStream is one stream of a table (a table has a new one each time
// streams are enabled).
type changeStream struct {
	mu       sync.Mutex
	table    string
	keyElems []keyElem
	ks       keySchema
	label    string
	arn      string
	shardID  string
	viewType string
	created  time.Time
	enabled  bool
	records  []streamRecord
}

func newChangeStream(t *table, viewType string, at time.Time) *changeStream {
	label := at.UTC().Format("2006-01-02T15:04:05.000")
	arn := t.arn() + "/stream/" + label
	return &changeStream{
		table: t.name, keyElems: t.keyElems, ks: t.ks, label: label, arn: arn,
		shardID:  fmt.Sprintf("shardId-%020d-%08x", at.UnixMilli(), crc32.ChecksumIEEE([]byte(arn))),
		viewType: viewType, created: at, enabled: true,
	}
}

// seqString renders a sequence number as DynamoDB Local does: 21 digits.
func seqString(n uint64) string { return fmt.Sprintf("%0*d", seqDigits, n) }

// recordChange appends the change from old to new (nil for absent) to the
// table's enabled stream. Writes that change nothing record nothing.
func (t *table) recordChange(old, new item, byTTL bool) {
	cs := t.changes
	if cs == nil || !cs.enabled || (old == nil && new == nil) || itemsEqual(old, new) {
		return
	}
	r := streamRecord{event: "MODIFY", at: t.now(), byTTL: byTTL}
	switch {
	case old == nil:
		r.event = "INSERT"
		r.keys = t.keyOf(new, nil)
	case new == nil:
		r.event = "REMOVE"
		r.keys = t.keyOf(old, nil)
	default:
		r.keys = t.keyOf(new, nil)
	}
	r.size = itemSize(r.keys)
	if cs.viewType == viewNewImage || cs.viewType == viewNewAndOld {
		r.newImg = new
		r.size += itemSizeOrZero(new)
	}
	if cs.viewType == viewOldImage || cs.viewType == viewNewAndOld {
		r.oldImg = old
		r.size += itemSizeOrZero(old)
	}
	cs.mu.Lock()
	r.seq = uint64(len(cs.records)) + 1
	cs.records = append(cs.records, r)
	cs.mu.Unlock()
}

func itemsEqual(a, b item) bool {
	if a == nil || b == nil || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !equalValues(v, b[k]) {
			return false
		}
	}
	return true
}

// enableStream applies a StreamSpecification to t: enabling starts a new
// stream, disabling closes the current one. Errors use DynamoDB Local's words.
func (t *table) enableStream(spec *streamSpec, at time.Time, creating bool) *apiError {
	if spec == nil {
		return nil
	}
	on := spec.StreamEnabled != nil && *spec.StreamEnabled
	if on {
		switch spec.StreamViewType {
		case viewKeysOnly, viewNewImage, viewOldImage, viewNewAndOld:
		case "":
			return validationf("Invalid StreamViewType: Stream ViewType must not be null or empty when enabling streams.")
		default:
			return validationf("1 validation error detected: Value '%s' at 'streamSpecification.streamViewType' failed to satisfy constraint: Member must satisfy enum value set: [NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY]", spec.StreamViewType)
		}
	}
	cur := t.changes
	switch {
	case on && cur != nil && cur.enabled:
		return validationf("Table already has an enabled stream")
	case !on && (cur == nil || !cur.enabled):
		if creating {
			return nil
		}
		return validationf("Table has no stream to disable")
	case on:
		// Labels have millisecond precision: a stream enabled again within
		// the same millisecond (or under a stopped clock) gets the next one.
		if last := cur; last != nil && !at.Truncate(time.Millisecond).After(last.created.Truncate(time.Millisecond)) {
			at = last.created.Truncate(time.Millisecond).Add(time.Millisecond)
		}
		t.changes = newChangeStream(t, spec.StreamViewType, at)
		t.streams = append(t.streams, t.changes)
	default:
		cur.mu.Lock()
		cur.enabled = false
		cur.mu.Unlock()
	}
	return nil
}

// streamSpec is the StreamSpecification of CreateTable and UpdateTable.
type streamSpec struct {
	StreamEnabled  *bool
	StreamViewType string `json:",omitempty"`
}

// describeStream adds the stream members of a table description.
func (t *table) describeStream(d map[string]any) {
	cs := t.changes
	if cs == nil {
		return
	}
	if cs.enabled {
		d["StreamSpecification"] = map[string]any{"StreamEnabled": true, "StreamViewType": cs.viewType}
	}
	d["LatestStreamLabel"] = cs.label
	d["LatestStreamArn"] = cs.arn
}
