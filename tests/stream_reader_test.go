package tests

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/memdb"
)

// Shipment is written through dynamorm and read back from the table's stream.
type Shipment struct {
	ID      string   `dynamorm:"pk" json:"id"`
	Status  string   `json:"status"`
	Parcels []string `dynamorm:"set,omitempty" json:"parcels"`
	Version int64    `dynamorm:"version" json:"version"`
}

// memdb's StreamReader reads the stream of a table written through dynamorm
// on either backend: records since the reader opened, in order, with the
// images of a NEW_AND_OLD_IMAGES stream, as a Lambda event.
func TestStreamReaderReturnsWritesAsLambdaEvent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	require.NoError(t, e.db.CreateTable(&Shipment{}, core.WithStream(types.StreamViewTypeNewAndOldImages)))
	t.Cleanup(func() { assert.NoError(t, e.db.DeleteTable(&Shipment{})) })
	ctx := t.Context()

	before := &Shipment{ID: "s-0", Status: "old"}
	require.NoError(t, e.db.Model(before).Create())
	r, err := memdb.NewStreamReader(ctx, e.raw, e.prefix+"shipments")
	require.NoError(t, err)

	s := &Shipment{ID: "s-1", Status: "packed", Parcels: []string{"p1"}}
	require.NoError(t, e.db.Model(s).Create())
	s.Status = "sent"
	require.NoError(t, e.db.Model(s).Update("Status"))
	require.NoError(t, e.db.Model(&Shipment{ID: "s-0"}).Delete())

	ev, err := r.Next(ctx)
	require.NoError(t, err)
	require.Len(t, ev.Records, 3, "the write made before the reader opened is not returned")
	var names []string
	for _, rec := range ev.Records {
		names = append(names, rec.EventName)
		assert.Equal(t, "aws:dynamodb", rec.EventSource)
		assert.Equal(t, "NEW_AND_OLD_IMAGES", rec.Change.StreamViewType)
		assert.NotEmpty(t, rec.EventID)
		assert.Nil(t, rec.UserIdentity)
	}
	assert.Equal(t, []string{"INSERT", "MODIFY", "REMOVE"}, names)
	assert.Less(t, ev.Records[0].Change.SequenceNumber, ev.Records[1].Change.SequenceNumber)

	var inserted, modified, oldImage, removed Shipment
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[0].Change.NewImage, &inserted))
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[1].Change.NewImage, &modified))
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[1].Change.OldImage, &oldImage))
	require.NoError(t, dynamorm.UnmarshalItem(ev.Records[2].Change.OldImage, &removed))
	assert.Equal(t, Shipment{ID: "s-1", Status: "packed", Parcels: []string{"p1"}, Version: 1}, inserted)
	assert.Equal(t, Shipment{ID: "s-1", Status: "sent", Parcels: []string{"p1"}, Version: 2}, modified)
	assert.Equal(t, inserted, oldImage)
	assert.Equal(t, Shipment{ID: "s-0", Status: "old", Version: 1}, removed)
	assert.Nil(t, ev.Records[2].Change.NewImage)
	assert.Equal(t, "s-1", ev.Records[0].Change.Keys["id"].String())

	ev, err = r.Next(ctx)
	require.NoError(t, err)
	assert.Empty(t, ev.Records, "nothing written since the last read")
}

// A table without a stream is an error that names it, on both backends.
func TestStreamReaderWithoutStream(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Shipment{})
	_, err := memdb.NewStreamReader(t.Context(), e.raw, e.prefix+"shipments")
	assert.True(t, errors.Is(err, memdb.ErrNoStream), "got %v", err)
	assert.ErrorContains(t, err, e.prefix+"shipments")
}
