// Package testenv connects dynamorm's integration tests to a
// DynamoDB-compatible server: DynamoDB Local, or memdb in process.
//
// The backend is chosen by DYNAMORM_TEST_BACKEND: "local" for DynamoDB Local
// at DYNAMORM_TEST_ENDPOINT (or AWS_ENDPOINT_URL_DYNAMODB), "memdb" for a
// fresh in-process memdb server per test binary. Unset, it is "local" when an
// endpoint is set and "memdb" otherwise, so `go test ./...` works with no
// setup. scripts/test.sh starts a private DynamoDB Local, runs the suite on
// it, and runs ./tests/... again on memdb. It also sets DYNAMORMTEST_ENDPOINT
// (pkg/dynamormtest's backend) to DynamoDB Local in the first run and empty
// in the second, so the tests written with dynamormtest run on both.
//
// With the local backend, when the server does not answer, the test is
// skipped with a hint to run ./scripts/test.sh, except in CI (CI=true),
// where a missing server fails the test: CI never skips silently.
// Reachability is probed once per test binary, not once per test.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/dynamormtest"
	"github.com/dynamorm/dynamorm/pkg/memdb"
)

// EndpointEnv is the environment variable naming the DynamoDB Local endpoint
// used by the integration tests, e.g. "http://127.0.0.1:8000".
const EndpointEnv = "DYNAMORM_TEST_ENDPOINT"

// FallbackEndpointEnv is read when EndpointEnv is unset; it is the standard
// AWS SDK variable for a DynamoDB endpoint override.
const FallbackEndpointEnv = "AWS_ENDPOINT_URL_DYNAMODB"

// BackendEnv chooses the backend: "local" or "memdb".
const BackendEnv = "DYNAMORM_TEST_BACKEND"

// The backends.
const (
	BackendLocal = "local"
	BackendMemDB = "memdb"
)

// Region is the AWS region the test client uses.
const Region = "us-east-1"

// probeTimeout bounds the one ListTables call that checks the server answers.
const probeTimeout = 5 * time.Second

var (
	probeOnce sync.Once
	// Set by probe.
	sharedClient *dynamodb.Client
	backend      string
	// unavailable says why there is no server (skip locally, fail in CI).
	unavailable error
	// configErr is a broken client configuration: always a failure.
	configErr error
)

// inCI reports whether the tests run in CI, where a missing server is an error.
func inCI() bool {
	ci, err := strconv.ParseBool(os.Getenv("CI"))
	return err == nil && ci
}

func probe() {
	endpoint := os.Getenv(EndpointEnv)
	if endpoint == "" {
		endpoint = os.Getenv(FallbackEndpointEnv)
	}
	switch backend = os.Getenv(BackendEnv); backend {
	case "":
		backend = BackendLocal
		if endpoint == "" {
			backend = BackendMemDB
		}
	case BackendLocal, BackendMemDB:
	default:
		configErr = fmt.Errorf("%s=%q: use %q or %q", BackendEnv, backend, BackendLocal, BackendMemDB)
		return
	}
	if backend == BackendMemDB {
		sharedClient, configErr = recording(memdb.New().Client())
		return
	}
	if endpoint == "" {
		unavailable = fmt.Errorf("no DynamoDB Local endpoint configured (%s and %s are unset)", EndpointEnv, FallbackEndpointEnv)
		return
	}

	ctx := context.Background()
	// The SDK's buildable HTTP client, never a plain *http.Client: the config
	// loader adds AWS_CA_BUNDLE to it when that is set.
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")),
		config.WithHTTPClient(awshttp.NewBuildableClient()),
	)
	if err != nil {
		configErr = fmt.Errorf("load AWS configuration for the test client: %w", err)
		return
	}
	sharedClient = dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		o.BaseEndpoint = aws.String(endpoint)
		// DynamoDB Local omits the X-Amz-Crc32 header on error responses;
		// without this, typed errors such as ConditionalCheckFailedException
		// would surface as checksum errors instead.
		o.DisableValidateResponseChecksum = true
	})

	if sharedClient, configErr = recording(sharedClient); configErr != nil {
		return
	}
	pctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	_, err = sharedClient.ListTables(pctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)},
		func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		unavailable = fmt.Errorf("DynamoDB Local at %s is not reachable (ListTables probe, timeout %s): %w", endpoint, probeTimeout, err)
	}
}

// ensure probes the server once per process and fails or skips t when there
// is none.
func ensure(t testing.TB) {
	t.Helper()
	probeOnce.Do(probe)
	if configErr != nil {
		t.Fatal("testenv: " + configErr.Error())
	}
	if unavailable == nil {
		return
	}
	if inCI() {
		t.Fatalf("testenv: %v. CI=true, so this is a failure: in CI the tests must run through ./scripts/test.sh, which starts DynamoDB Local.", unavailable)
	}
	t.Skipf("testenv: %v; skipping. Run ./scripts/test.sh to start DynamoDB Local and run the integration tests.", unavailable)
}

// Client returns a DynamoDB client for DynamoDB Local at DYNAMORM_TEST_ENDPOINT
// (or AWS_ENDPOINT_URL_DYNAMODB), in region us-east-1 with the static
// credentials "local"/"local". The client is shared by all tests of the
// process and safe for concurrent use. Without a reachable server, t is
// skipped, or failed when CI=true.
func Client(t testing.TB) *dynamodb.Client {
	t.Helper()
	ensure(t)
	return sharedClient
}

// Backend returns the backend the tests run on: BackendLocal or BackendMemDB.
func Backend(t testing.TB) string {
	t.Helper()
	ensure(t)
	return backend
}

// TableName returns a table name unique to this test run: base, the test's
// name and a random suffix (dynamormtest.UniqueName).
func TableName(t testing.TB, base string) string {
	t.Helper()
	return dynamormtest.UniqueName(t, base)
}

// CreateTable creates the table described by in (on demand, PAY_PER_REQUEST,
// when neither a billing mode nor provisioned throughput is given), waits
// until it is ACTIVE and deletes it when the test ends. in.TableName must be
// set, typically from TableName. in is not modified. Errors fail t.
func CreateTable(t testing.TB, c *dynamodb.Client, in *dynamodb.CreateTableInput) {
	t.Helper()
	if in == nil || aws.ToString(in.TableName) == "" {
		t.Fatal("testenv: CreateTable needs a CreateTableInput with TableName (see testenv.TableName)")
	}
	input := *in
	if input.BillingMode == "" && input.ProvisionedThroughput == nil {
		input.BillingMode = types.BillingModePayPerRequest
	}
	name := aws.ToString(input.TableName)

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := c.CreateTable(ctx, &input); err != nil {
		t.Fatalf("testenv: create table %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := c.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(name)})
		var notFound *types.ResourceNotFoundException
		if err != nil && !errors.As(err, &notFound) {
			t.Errorf("testenv: delete table %s: %v", name, err)
		}
	})
	waiter := dynamodb.NewTableExistsWaiter(c, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay = 50 * time.Millisecond
		o.MaxDelay = time.Second
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, 50*time.Second); err != nil {
		t.Fatalf("testenv: table %s did not become ACTIVE: %v", name, err)
	}
}
