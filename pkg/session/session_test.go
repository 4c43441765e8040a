package session

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/dynamorm/dynamorm/pkg/core"
)

func TestLocalEndpoints(t *testing.T) {
	for endpoint, want := range map[string]bool{
		"http://localhost:8000":                      true,
		"https://localhost:8000":                     true,
		"http://10.0.0.5:8000":                       true, // plain HTTP is never DynamoDB
		"https://127.0.0.1:8443":                     true,
		"https://[::1]:8443":                         true,
		"https://dynamodb.us-east-1.amazonaws.com":   false,
		"https://vpce-1.dynamodb.eu-west-1.vpce.aws": false,
		"": false,
	} {
		if got := isLocalEndpoint(endpoint); got != want {
			t.Errorf("isLocalEndpoint(%q) = %v, want %v", endpoint, got, want)
		}
	}
}

func TestNewClientMakesNoNetworkCall(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	c, err := Config{Region: "eu-west-1", Endpoint: "http://" + ln.Addr().String()}.NewClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	client := c.(*dynamodb.Client)
	opts := client.Options()
	if opts.Region != "eu-west-1" || *opts.BaseEndpoint != "http://"+ln.Addr().String() {
		t.Errorf("region %q endpoint %v", opts.Region, opts.BaseEndpoint)
	}
	if !opts.DisableValidateResponseChecksum {
		t.Error("a local endpoint should disable response checksum validation")
	}
	time.Sleep(50 * time.Millisecond)
	if n := accepted.Load(); n != 0 {
		t.Errorf("NewClient connected %d times", n)
	}
}

func TestConfigErrors(t *testing.T) {
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_DEFAULT_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", t.TempDir()+"/none")
	_, err := Config{}.NewClient(context.Background())
	if !errors.Is(err, core.ErrValidation) {
		t.Errorf("no region: err = %v", err)
	}
	_, err = Config{Region: "us-east-1", Endpoint: "not a url"}.NewClient(context.Background())
	if !errors.Is(err, core.ErrValidation) {
		t.Errorf("bad endpoint: err = %v", err)
	}
	t.Setenv("AWS_REGION", "ap-south-1")
	c, err := Config{MaxAttempts: 7}.NewClient(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if o := c.(*dynamodb.Client).Options(); o.Region != "ap-south-1" || o.RetryMaxAttempts != 7 {
		t.Errorf("environment region / MaxAttempts not applied: %q %d", o.Region, o.RetryMaxAttempts)
	}
	injected := &dynamodb.Client{}
	if got, _ := (Config{Client: injected}).NewClient(context.Background()); got != injected {
		t.Error("an injected client must be used as is")
	}
}
