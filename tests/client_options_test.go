package tests

import (
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// countingHTTP counts the HTTP requests a client sends.
type countingHTTP struct {
	next  aws.HTTPClient
	calls *atomic.Int64
}

func (c countingHTTP) Do(r *http.Request) (*http.Response, error) {
	c.calls.Add(1)
	return c.next.Do(r)
}

func TestClientOptionsApplyToAnInjectedClient(t *testing.T) {
	t.Parallel()
	e := newEnv(t, &Account{})
	var calls atomic.Int64
	count := func(o *dynamodb.Options) { o.HTTPClient = countingHTTP{next: o.HTTPClient, calls: &calls} }

	db, err := dynamorm.New(session.Config{Client: e.raw, ClientOptions: []func(*dynamodb.Options){count}, TableNamePrefix: e.prefix})
	require.NoError(t, err)
	require.NoError(t, db.Model(&Account{ID: "a1", Owner: "ann"}).Create())
	assert.Equal(t, int64(1), calls.Load(), "the option's HTTP client sent the write")
	got, err := dynamorm.Get(db, Account{ID: "a1"})
	require.NoError(t, err)
	assert.Equal(t, "ann", got.Owner)
	assert.Equal(t, int64(2), calls.Load())

	// The caller's client is left as it was.
	e.rawItem(t, "accounts", map[string]types.AttributeValue{"id": s("a1")})
	assert.Equal(t, int64(2), calls.Load(), "the injected client itself was changed")

	// A client the options cannot be applied to is refused, not ignored.
	_, err = dynamorm.New(session.Config{Client: e.count, ClientOptions: []func(*dynamodb.Options){count}})
	require.ErrorIs(t, err, core.ErrValidation)
	assert.Contains(t, err.Error(), "ClientOptions")
}
