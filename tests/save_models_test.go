package tests

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// svProfile is a tracked plain model: Save sends only what changed.
type svProfile struct {
	dynamorm.Tracked
	ID        string    `dynamorm:"pk"`
	Name      string    `dynamorm:"omitempty"`
	Email     string    `dynamorm:"omitempty"`
	Bio       string    `dynamorm:"omitempty"`
	Tags      []string  `dynamorm:"set,omitempty"`
	Version   int       `dynamorm:"version"`
	UpdatedAt time.Time `dynamorm:"updated_at"`
}

// svCounter has counters and no version, so concurrent saves all land.
type svCounter struct {
	dynamorm.Tracked
	ID     string  `dynamorm:"pk"`
	Visits int64   `dynamorm:"counter"`
	Score  float64 `dynamorm:"counter"`
	Label  string  `dynamorm:"omitempty"`
}

// svBag has a set and no version, so another writer's set changes do not
// conflict with a Save.
type svBag struct {
	dynamorm.Tracked
	ID   string   `dynamorm:"pk"`
	Tags []string `dynamorm:"set,omitempty"`
}

// svPlain is not tracked.
type svPlain struct {
	ID   string `dynamorm:"pk"`
	Name string
}

// updateRecorder keeps every UpdateItem and PutItem input sent through it.
type updateRecorder struct {
	core.DynamoDBAPI
	mu      sync.Mutex
	updates []*dynamodb.UpdateItemInput
	puts    int
	txs     []*dynamodb.TransactWriteItemsInput
}

func (r *updateRecorder) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	r.mu.Lock()
	r.updates = append(r.updates, in)
	r.mu.Unlock()
	return r.DynamoDBAPI.UpdateItem(ctx, in, o...)
}

func (r *updateRecorder) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	r.mu.Lock()
	r.puts++
	r.mu.Unlock()
	return r.DynamoDBAPI.PutItem(ctx, in, o...)
}

func (r *updateRecorder) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	r.mu.Lock()
	r.txs = append(r.txs, in)
	r.mu.Unlock()
	return r.DynamoDBAPI.TransactWriteItems(ctx, in, o...)
}

// last is the last UpdateItem sent and the attribute names it writes.
func (r *updateRecorder) last(t *testing.T) (*dynamodb.UpdateItemInput, map[string]bool) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.updates) == 0 {
		t.Fatal("no UpdateItem was sent")
	}
	in := r.updates[len(r.updates)-1]
	names := map[string]bool{}
	for _, n := range in.ExpressionAttributeNames {
		names[n] = true
	}
	return in, names
}

func (r *updateRecorder) sent() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.updates) + r.puts + len(r.txs)
}

// readProfile reads the profile id, consistently.
func readProfile(t *testing.T, db *dynamorm.DB, id string) svProfile {
	t.Helper()
	var p svProfile
	if err := db.Model(&svProfile{ID: id}).ConsistentRead().First(&p); err != nil {
		t.Fatalf("First(%s): %v", id, err)
	}
	return p
}

// recordingEnv is newEnv with a DB whose requests rec records.
func recordingEnv(t *testing.T, models ...any) (*env, *dynamorm.DB, *updateRecorder) {
	t.Helper()
	e := newEnv(t, models...)
	rec := &updateRecorder{DynamoDBAPI: e.count}
	db, err := dynamorm.New(session.Config{Client: rec, Clock: e.clock.Now, TableNamePrefix: e.prefix})
	if err != nil {
		t.Fatal(err)
	}
	return e, db, rec
}
