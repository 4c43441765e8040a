package dynamorm

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dynamorm/dynamorm/pkg/memdb"
)

type lambdaUser struct {
	ID   string `dynamorm:"pk" json:"id"`
	Name string `json:"name"`
}

type lambdaOrder struct {
	CustomerID string `dynamorm:"pk" json:"customer_id"`
	OrderID    string `dynamorm:"sk" json:"order_id"`
	Status     string `dynamorm:"index:status-index,pk" json:"status"`
}

// lambdaBadModel has no partition key.
type lambdaBadModel struct {
	Name string `json:"name"`
}

// countingListener accepts TCP connections on loopback, counts them and
// closes them at once: an endpoint that proves whether anything connected.
type countingListener struct {
	ln    net.Listener
	conns atomic.Int64
}

func newCountingListener(t *testing.T) *countingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	c := &countingListener{ln: ln}
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			c.conns.Add(1)
			conn.Close()
		}
	}()
	t.Cleanup(func() { ln.Close() })
	return c
}

func (c *countingListener) endpoint() string { return "http://" + c.ln.Addr().String() }

// lambdaEnv sets a Lambda-like environment whose DynamoDB endpoint is
// endpoint, with static credentials, no shared config files and no
// retries, so that nothing outside the test is consulted.
func lambdaEnv(t *testing.T, endpoint string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDLAMBDA")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "token")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_MAX_ATTEMPTS", "1") // a failed request fails at once
}

func newTestLambdaState() *lambdaState { return &lambdaState{config: lambdaConfig} }

// The package's own NewLambdaOptimized and LambdaInit, called from many
// goroutines at once, build ONE LambdaDB with ONE client, without a request.
func TestLambdaInitConcurrent(t *testing.T) {
	server := newCountingListener(t)
	lambdaEnv(t, server.endpoint())
	// A fresh process state, so that the test also passes with -count > 1.
	saved := defaultLambda
	defaultLambda = newTestLambdaState()
	t.Cleanup(func() { defaultLambda = saved })

	const n = 64
	dbs := make([]*LambdaDB, 2*n)
	errs := make([]error, 2*n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(2)
		go func() {
			defer wg.Done()
			<-start
			dbs[2*i], errs[2*i] = NewLambdaOptimized()
		}()
		go func() {
			defer wg.Done()
			<-start
			if i%2 == 0 {
				dbs[2*i+1], errs[2*i+1] = LambdaInit(&lambdaUser{}, &lambdaOrder{})
			} else {
				dbs[2*i+1], errs[2*i+1] = LambdaInit(&lambdaOrder{})
			}
		}()
	}
	close(start)
	wg.Wait()

	for i := range dbs {
		require.NoError(t, errs[i])
		require.NotNil(t, dbs[i])
		assert.Same(t, dbs[0], dbs[i], "one shared LambdaDB")
		assert.Same(t, dbs[0].Client(), dbs[i].Client(), "one shared client")
	}
	db := dbs[0]
	db.shared.mu.Lock()
	assert.Len(t, db.shared.registry, 2, "each model registered once")
	db.shared.mu.Unlock()
	assert.Zero(t, server.conns.Load(), "init made no connection")

	// The handler pattern of the reference README works on it, concurrently,
	// and its requests go to AWS_ENDPOINT_URL_DYNAMODB.
	var handlers sync.WaitGroup
	for i := range 8 {
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
			defer cancel()
			err := db.WithContext(ctx).Model(&lambdaUser{ID: string(rune('a' + i))}).Create()
			assert.Error(t, err, "the endpoint closes every connection")
		}()
	}
	handlers.Wait()
	assert.Positive(t, server.conns.Load(), "requests reach AWS_ENDPOINT_URL_DYNAMODB")
}

// The reference README's Lambda handler, as written, run through the real
// SDK HTTP stack against an in-process DynamoDB (memdb) named by
// AWS_ENDPOINT_URL_DYNAMODB, as DynamoDB Local would be.
func TestReadmeLambdaHandler(t *testing.T) {
	server := httptest.NewServer(memdb.New())
	defer server.Close()
	lambdaEnv(t, server.URL)
	saved := defaultLambda
	defaultLambda = newTestLambdaState()
	t.Cleanup(func() { defaultLambda = saved })

	type Payment struct {
		ID     string `dynamorm:"pk" json:"id"`
		Amount int64  `json:"amount"`
	}
	type PaymentEvent struct {
		PaymentID string
		Amount    int64
	}

	var db *LambdaDB
	initFn := func() { // the README's init()
		var err error
		db, err = NewLambdaOptimized()
		if err != nil {
			panic(err)
		}
	}
	handler := func(ctx context.Context, event PaymentEvent) error {
		payment := &Payment{
			ID:     event.PaymentID,
			Amount: event.Amount,
		}
		return db.Model(payment).Create()
	}

	initFn()
	require.NoError(t, db.CreateTable(&Payment{}))
	for _, e := range []PaymentEvent{{"p1", 1250}, {"p2", 99}} {
		require.NoError(t, handler(context.Background(), e))
	}
	assert.ErrorIs(t, handler(context.Background(), PaymentEvent{"p1", 1}), ErrConditionFailed)

	var got Payment
	require.NoError(t, db.Model(&Payment{ID: "p1"}).First(&got))
	assert.Equal(t, Payment{ID: "p1", Amount: 1250}, got)
	n, err := db.Model(&Payment{}).Count()
	require.NoError(t, err)
	assert.EqualValues(t, 2, n)
}

// Init makes no network call: nothing connects to the endpoint until the
// first request (counted by a listener that accepts and drops every
// connection, so the request fails).
func TestLambdaInitNoNetwork(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { ln.Close() })
	var connections atomic.Int64
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			connections.Add(1)
			c.Close()
		}
	}()
	lambdaEnv(t, "http://"+ln.Addr().String())

	s := newTestLambdaState()
	db, err := s.get([]any{&lambdaUser{}, &lambdaOrder{}})
	require.NoError(t, err)
	require.NotNil(t, db)
	assert.Zero(t, connections.Load(), "init connects to nothing")

	err = db.Model(&lambdaUser{ID: "u1"}).Create()
	// The connection is dropped after the request was written: its outcome
	// cannot be known.
	assert.ErrorIs(t, err, ErrOutcomeUnknown, "the first request is where the dropped connection shows")
	assert.Positive(t, connections.Load(), "the first request connects")
}

// The client is the SDK's buildable client with the Lambda settings, and
// AWS_CA_BUNDLE still applies to it.
func TestLambdaHTTPClient(t *testing.T) {
	lambdaEnv(t, "http://127.0.0.1:1")
	t.Setenv("AWS_CA_BUNDLE", writeTestCA(t))

	db, err := newTestLambdaState().get(nil)
	require.NoError(t, err)
	client, ok := db.Client().(*dynamodb.Client)
	require.True(t, ok, "a *dynamodb.Client, got %T", db.Client())
	hc, ok := client.Options().HTTPClient.(*awshttp.BuildableClient)
	require.True(t, ok, "a BuildableClient, got %T", client.Options().HTTPClient)

	tr := hc.GetTransport()
	assert.Equal(t, LambdaMaxIdleConnsPerHost, tr.MaxIdleConnsPerHost)
	assert.GreaterOrEqual(t, tr.MaxIdleConns, LambdaMaxIdleConnsPerHost)
	assert.Equal(t, LambdaTLSHandshakeTimeout, tr.TLSHandshakeTimeout)
	assert.Equal(t, LambdaIdleConnTimeout, tr.IdleConnTimeout)
	assert.False(t, tr.DisableKeepAlives)
	assert.Equal(t, LambdaDialTimeout, hc.GetDialer().Timeout)
	assert.Equal(t, LambdaKeepAlive, hc.GetDialer().KeepAlive)
	require.NotNil(t, tr.TLSClientConfig)
	assert.NotNil(t, tr.TLSClientConfig.RootCAs, "AWS_CA_BUNDLE was applied")
	assert.Equal(t, "eu-west-1", client.Options().Region)
}

// writeTestCA writes a self-signed CA certificate as PEM and returns its path.
func writeTestCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "dynamorm test CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	return path
}

// An invalid model fails LambdaInit, and every later call, from any
// goroutine and with any models, returns the same error with a non-nil DB
// whose requests fail with it.
func TestLambdaInitFailureIsSticky(t *testing.T) {
	server := newCountingListener(t)
	lambdaEnv(t, server.endpoint())
	s := newTestLambdaState()

	db, err := s.get([]any{&lambdaUser{}, &lambdaBadModel{}})
	require.ErrorIs(t, err, ErrInvalidModel)
	assert.Contains(t, err.Error(), "lambdaBadModel")
	require.NotNil(t, db, "never a nil DB")
	first := err

	var wg sync.WaitGroup
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var got *LambdaDB
			var err error
			if i%2 == 0 {
				got, err = s.get(nil)
			} else {
				got, err = s.get([]any{&lambdaOrder{}})
			}
			assert.Same(t, first, err, "the first failure, every time")
			assert.Same(t, db, got)
		}()
	}
	wg.Wait()

	err = db.Model(&lambdaUser{ID: "u1"}).Create()
	assert.ErrorIs(t, err, ErrInvalidModel, "requests of the failed DB return the init error")
	var users []lambdaUser
	assert.ErrorIs(t, db.Model(&lambdaUser{}).Where("ID", "=", "u1").All(&users), ErrInvalidModel)
	assert.ErrorIs(t, db.Transaction(func(tx *Tx) error { return tx.Model(&lambdaUser{ID: "u2"}).Create() }), ErrInvalidModel)
	assert.Zero(t, server.conns.Load(), "the failed DB sends nothing")
}

// A configuration failure (here: no region) is sticky too.
func TestLambdaInitConfigFailureIsSticky(t *testing.T) {
	lambdaEnv(t, "http://127.0.0.1:1")
	t.Setenv("AWS_REGION", "")
	s := newTestLambdaState()

	db, err := s.get(nil)
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrValidation)
	assert.Contains(t, err.Error(), "AWS_REGION")
	require.NotNil(t, db)

	t.Setenv("AWS_REGION", "eu-west-1") // too late: init already failed
	db2, err2 := s.get([]any{&lambdaUser{}})
	assert.Same(t, err, err2)
	assert.Same(t, db, db2)
	assert.True(t, errors.Is(db2.Model(&lambdaUser{ID: "x"}).Delete(), ErrValidation))
}

func TestLambdaDeadline(t *testing.T) {
	now := time.Date(2024, 1, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		remaining, buffer time.Duration
	}{
		{3 * time.Second, 300 * time.Millisecond},  // the default Lambda timeout: 10%
		{5 * time.Second, 500 * time.Millisecond},  // 10% reaches the cap
		{15 * time.Minute, 500 * time.Millisecond}, // the longest Lambda timeout: capped
		{100 * time.Millisecond, 10 * time.Millisecond},
		{time.Millisecond, 100 * time.Microsecond},
		{0, 0},            // at the deadline: unchanged
		{-time.Second, 0}, // past it: unchanged (the context is already done)
	} {
		deadline := now.Add(tc.remaining)
		got := lambdaDeadline(deadline, now)
		assert.Equal(t, tc.buffer, deadline.Sub(got), "remaining %v", tc.remaining)
	}
}

// TestWithLambdaTimeout checks that WithLambdaTimeout applies
// lambdaDeadline to the parent's deadline at the time of the call: the
// derived deadline lies between the ones computed just before and just
// after the call, whatever the machine's load.
func TestWithLambdaTimeout(t *testing.T) {
	pd := time.Now().Add(time.Hour)
	parent, cancelParent := context.WithDeadline(context.Background(), pd)
	defer cancelParent()

	before := lambdaDeadline(pd, time.Now())
	ctx, cancel := WithLambdaTimeout(parent)
	defer cancel()
	after := lambdaDeadline(pd, time.Now())
	d, ok := ctx.Deadline()
	require.True(t, ok)
	assert.False(t, d.Before(before) || d.After(after), "deadline %v outside [%v, %v]", d, before, after)
	assert.Equal(t, LambdaTimeoutBuffer, pd.Sub(d), "an hour left: the full buffer")
	assert.NoError(t, ctx.Err())

	cancelParent()
	<-ctx.Done()
	assert.ErrorIs(t, ctx.Err(), context.Canceled, "the parent's cancellation propagates")

	// No deadline: only cancellable.
	ctx, cancel = WithLambdaTimeout(context.Background())
	_, ok = ctx.Deadline()
	assert.False(t, ok)
	cancel()
	assert.ErrorIs(t, ctx.Err(), context.Canceled)
}
