// Package session turns a Config into the DynamoDB client dynamorm uses.
//
// The standard AWS environment is honoured: AWS_REGION, the credentials
// chain (environment, shared files, SSO, web identity, container and
// instance roles), AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL, and
// AWS_CA_BUNDLE. Building a client makes no network call: credentials are
// resolved on the first request.
package session

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// Config configures a dynamorm DB. The zero value uses the standard AWS
// environment for everything.
type Config struct {
	// Region overrides AWS_REGION and the shared config file.
	Region string
	// Endpoint overrides the DynamoDB endpoint, for DynamoDB Local or a
	// proxy (e.g. "http://localhost:8000"). AWS_ENDPOINT_URL_DYNAMODB is
	// used when Endpoint is empty.
	Endpoint string
	// Credentials overrides the default credentials chain.
	Credentials aws.CredentialsProvider

	// Client, when set, is used instead of building one, and the settings
	// that build a client (Region, Endpoint, Credentials, AWSConfig,
	// MaxAttempts, HTTPTimeout, HTTPClient, ConfigOptions) are ignored:
	// inject a *dynamodb.Client built elsewhere, a wrapper with custom
	// middleware, or a test double. ClientOptions still apply: to a
	// *dynamodb.Client by building a copy of it with them; with any other
	// Client they are an error, since they cannot be applied.
	Client core.DynamoDBAPI
	// AWSConfig, when set, is the base configuration instead of the one
	// loaded from the environment; the fields above still override it.
	AWSConfig *aws.Config

	// MaxAttempts is the number of attempts the SDK makes for a request
	// (default: the SDK's standard retryer, 3).
	MaxAttempts int
	// HTTPTimeout bounds each HTTP request (0: no bound beyond the context).
	// It applies to the HTTP client built when the configuration is loaded
	// from the environment; with AWSConfig or HTTPClient given, that
	// configuration's client is used as it is.
	HTTPTimeout time.Duration
	// HTTPClient replaces the SDK's HTTP client. Prefer HTTPTimeout: the
	// default client honours AWS_CA_BUNDLE and the SDK's transport settings.
	HTTPClient aws.HTTPClient

	// ConfigOptions are applied when the AWS configuration is loaded.
	ConfigOptions []func(*config.LoadOptions) error
	// ClientOptions are applied to the DynamoDB client's options, also
	// when Client is a *dynamodb.Client (see Client).
	ClientOptions []func(*dynamodb.Options)

	// Clock returns the current time for created_at, updated_at and ttl
	// handling (default time.Now). Tests inject a fixed clock.
	Clock func() time.Time
	// CursorKey, when set, encrypts and authenticates pagination cursors
	// (AES-256-GCM under a key derived from it), so that clients can
	// neither read the table, index and key values in them nor forge or
	// alter them. Cursors made under another key (or none) are rejected
	// with ErrInvalidCursor.
	CursorKey []byte
	// ForbidImplicitScans makes a read that the planner would turn into a
	// Scan (no equality on the partition key of the table or of an index:
	// First, All, Count, AllPaginated, Items, Pages) fail before sending,
	// with an error wrapping ErrValidation that shows the plan and the
	// index that would serve the read. An explicit Scan, ParallelScan or
	// ScanAllSegments is still allowed. Off by default: as the reference
	// README documents, a Where on non-key fields scans.
	ForbidImplicitScans bool
	// RequireLoader makes every read (First, All, Count, AllPaginated,
	// Scan, Items, Pages, BatchGet) made outside a request scope of
	// dynamorm.WithLoader fail before sending, with an error wrapping
	// dynamorm.ErrLoaderRequired, for services that want every read of a
	// request coalesced and cached. Off by default.
	RequireLoader bool
	// TableNamePrefix is put before every model's table name, for
	// per-environment tables ("dev_" + "users").
	TableNamePrefix string
	// TenantTables declares whole tables tenant-scoped (names without
	// TableNamePrefix): every model used on one of them must be a
	// tenant-scoped entity (the tenant option of its dynamorm.Entity tag),
	// so that no model of a shared table bypasses tenancy. Any other
	// model on such a table fails with ErrInvalidModel at Register and at
	// first use, before sending.
	TenantTables []string
	// BatchRetry is how batch operations retry unprocessed items and keys
	// when the call gives no policy of its own (default
	// core.DefaultRetryPolicy()).
	BatchRetry *core.RetryPolicy
	// Observer, when set, receives every library call, DynamoDB request,
	// retry, backoff sleep, batch chunk outcome and transaction
	// cancellation of the DB (see core.Observer); a handle can replace it
	// with DB.WithObserver.
	Observer core.Observer

	// KMSKeyARN is the AWS KMS key that fields tagged `dynamorm:"encrypted"`
	// are encrypted under (envelope encryption: a data key from KMS
	// GenerateDataKey seals each value with AES-256-GCM, bound to its
	// table, entity, item key, attribute and tenant). Values written under
	// an earlier key still decrypt while KMSClient can decrypt their data
	// key (DB.ReEncrypt rewrites them under this one).
	KMSKeyARN string
	// KMSClient makes the two KMS calls field encryption needs; see
	// core.KMSClient (pkg/kmskeys adapts a *kms.Client).
	KMSClient core.KMSClient
	// DataKeyMaxAge bounds how long one data key encrypts new values, and
	// how long a decrypted data key is cached (default 5 minutes).
	DataKeyMaxAge time.Duration
	// DataKeyMaxUses bounds how many values one data key encrypts
	// (default 10,000).
	DataKeyMaxUses int
	// DecryptedKeyCacheSize bounds how many decrypted data keys are
	// cached, by encrypted data key (default 1,000).
	DecryptedKeyCacheSize int
}

// NewClient builds the DynamoDB client described by c. It makes no network
// call.
func (c Config) NewClient(ctx context.Context) (core.DynamoDBAPI, error) {
	if c.Client != nil {
		return c.injected()
	}
	cfg, err := c.awsConfig(ctx)
	if err != nil {
		return nil, err
	}
	endpoint := c.Endpoint
	if endpoint != "" {
		if _, err := url.ParseRequestURI(endpoint); err != nil {
			return nil, fmt.Errorf("%w: session.Config.Endpoint %q is not a URL: %v", core.ErrValidation, endpoint, err)
		}
	} else {
		endpoint = environmentEndpoint()
	}
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if c.Endpoint != "" {
			o.BaseEndpoint = aws.String(c.Endpoint)
		}
		if isLocalEndpoint(endpoint) {
			// DynamoDB Local and other local servers omit the CRC32 header
			// on error responses; without this, typed errors such as
			// ConditionalCheckFailedException surface as checksum errors.
			o.DisableValidateResponseChecksum = true
		}
		for _, fn := range c.ClientOptions {
			fn(o)
		}
	}), nil
}

// injected returns the Client given, with ClientOptions applied: to a copy
// of a *dynamodb.Client, or refused for any other client.
func (c Config) injected() (core.DynamoDBAPI, error) {
	if len(c.ClientOptions) == 0 {
		return c.Client, nil
	}
	dc, ok := c.Client.(*dynamodb.Client)
	if !ok {
		return nil, fmt.Errorf("%w: session.Config.ClientOptions cannot be applied to a Client of type %T; apply them where that client is built, or pass a *dynamodb.Client", core.ErrValidation, c.Client)
	}
	return dynamodb.New(dc.Options(), c.ClientOptions...), nil
}

func (c Config) awsConfig(ctx context.Context) (aws.Config, error) {
	if c.AWSConfig != nil {
		cfg := c.AWSConfig.Copy()
		c.override(&cfg)
		return cfg, nil
	}
	opts := []func(*config.LoadOptions) error{}
	if c.HTTPClient == nil {
		client := awshttp.NewBuildableClient()
		if c.HTTPTimeout > 0 {
			client = client.WithTimeout(c.HTTPTimeout)
		}
		opts = append(opts, config.WithHTTPClient(client))
	}
	opts = append(opts, c.ConfigOptions...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("dynamorm: load AWS configuration: %w", err)
	}
	c.override(&cfg)
	if cfg.Region == "" {
		return aws.Config{}, fmt.Errorf("%w: no AWS region: set session.Config.Region or AWS_REGION", core.ErrValidation)
	}
	return cfg, nil
}

func (c Config) override(cfg *aws.Config) {
	if c.Region != "" {
		cfg.Region = c.Region
	}
	if c.Credentials != nil {
		cfg.Credentials = c.Credentials
	}
	if c.MaxAttempts > 0 {
		cfg.RetryMaxAttempts = c.MaxAttempts
	}
	if c.HTTPClient != nil {
		cfg.HTTPClient = c.HTTPClient
	}
}

// Now returns the configured clock's time, or time.Now.
func (c Config) Now() time.Time {
	if c.Clock != nil {
		return c.Clock()
	}
	return time.Now()
}

func environmentEndpoint() string {
	if e := os.Getenv("AWS_ENDPOINT_URL_DYNAMODB"); e != "" {
		return e
	}
	return os.Getenv("AWS_ENDPOINT_URL")
}

// isLocalEndpoint reports whether endpoint is a plain-HTTP or loopback
// server, which is never real DynamoDB.
func isLocalEndpoint(endpoint string) bool {
	if endpoint == "" {
		return false
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return false
	}
	if strings.EqualFold(u.Scheme, "http") {
		return true
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
