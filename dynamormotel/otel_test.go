package dynamormotel_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/contrib/instrumentation/github.com/aws/aws-sdk-go-v2/otelaws"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/dynamorm/dynamorm"
	"github.com/dynamorm/dynamorm/dynamormotel"
	"github.com/dynamorm/dynamorm/pkg/dynamormtest/faults"
	"github.com/dynamorm/dynamorm/pkg/memdb"
	"github.com/dynamorm/dynamorm/pkg/session"
)

type Order struct {
	Customer string `dynamorm:"pk"`
	ID       string `dynamorm:"sk"`
	Status   string `dynamorm:"index:status-index,pk"`
	Total    int64
}

// telemetry is a test's in-memory exporters.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
}

func newTelemetry() *telemetry {
	t := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	t.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(t.spans))
	t.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(t.reader))
	return t
}

// newDB is a DB on a fresh memdb with the orders table, observed by an
// Observer on tel, and the client it uses.
func newDB(t *testing.T, tel *telemetry, client *dynamodb.Client, opts ...dynamormotel.Option) *dynamorm.DB {
	t.Helper()
	obs, err := dynamormotel.New(append([]dynamormotel.Option{dynamormotel.WithTracerProvider(tel.tp), dynamormotel.WithMeterProvider(tel.mp)}, opts...)...)
	require.NoError(t, err)
	plain, err := dynamorm.New(session.Config{Client: client})
	require.NoError(t, err)
	require.NoError(t, plain.CreateTable(&Order{}))
	return plain.WithObserver(obs)
}

func attrs(s sdktrace.ReadOnlySpan) map[attribute.Key]attribute.Value {
	out := map[attribute.Key]attribute.Value{}
	for _, kv := range s.Attributes() {
		out[kv.Key] = kv.Value
	}
	return out
}

// byName returns the ended spans called name.
func byName(spans []sdktrace.ReadOnlySpan, name string) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == name {
			out = append(out, s)
		}
	}
	return out
}

// childrenOf returns the spans whose parent is p.
func childrenOf(spans []sdktrace.ReadOnlySpan, p sdktrace.ReadOnlySpan) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Parent().SpanID() == p.SpanContext().SpanID() {
			out = append(out, s)
		}
	}
	return out
}

func TestOneSpanPerCallAndAChildPerRequest(t *testing.T) {
	tel := newTelemetry()
	db := newDB(t, tel, memdb.New().Client())
	ctx, root := tel.tp.Tracer("app").Start(context.Background(), "handler")
	h := db.WithContext(ctx)
	require.NoError(t, h.Model(&Order{Customer: "c1", ID: "o1", Status: "open", Total: 5}).Create())
	err := h.Model(&Order{Customer: "c1", ID: "o1"}).Create()
	require.ErrorIs(t, err, dynamorm.ErrConditionFailed)
	var open []Order
	require.NoError(t, h.Model(&Order{}).Index("status-index").Where("Status", "=", "open").All(&open))
	require.Len(t, open, 1)
	root.End()

	spans := tel.spans.Ended()
	creates := byName(spans, "dynamorm.Create")
	require.Len(t, creates, 2)
	for _, c := range creates {
		assert.Equal(t, root.SpanContext().SpanID(), c.Parent().SpanID(), "the call span is a child of the caller's span")
		a := attrs(c)
		assert.Equal(t, "aws.dynamodb", a["db.system.name"].AsString())
		assert.Equal(t, "Order", a["dynamorm.model"].AsString())
		assert.Equal(t, []string{"orders"}, a["aws.dynamodb.table_names"].AsStringSlice())
		kids := childrenOf(spans, c)
		require.Len(t, kids, 1)
		r := attrs(kids[0])
		assert.Equal(t, "PutItem orders", kids[0].Name())
		assert.Equal(t, "PutItem", r["db.operation.name"].AsString())
		assert.Equal(t, "orders", r["db.collection.name"].AsString())
		assert.Equal(t, []string{"orders"}, r["aws.dynamodb.table_names"].AsStringSlice())
		assert.Equal(t, int64(1), r["dynamorm.attempt"].AsInt64())
		assert.False(t, kids[0].StartTime().Before(c.StartTime()), "the request starts inside the call")
		assert.False(t, kids[0].EndTime().After(c.EndTime()), "the request ends inside the call")
	}
	assert.Equal(t, codes.Unset, creates[0].Status().Code)
	assert.Len(t, attrs(childrenOf(spans, creates[0])[0])["aws.dynamodb.consumed_capacity"].AsStringSlice(), 1)
	assert.Equal(t, codes.Error, creates[1].Status().Code, "the failed Create")
	failed := childrenOf(spans, creates[1])[0]
	assert.Equal(t, codes.Error, failed.Status().Code)
	assert.Equal(t, "ConditionalCheckFailedException", attrs(failed)["error.type"].AsString())

	all := byName(spans, "dynamorm.All")
	require.Len(t, all, 1)
	q := childrenOf(spans, all[0])
	require.Len(t, q, 1)
	qa := attrs(q[0])
	assert.Equal(t, "Query", qa["db.operation.name"].AsString())
	assert.Equal(t, "status-index", qa["aws.dynamodb.index_name"].AsString())
	assert.Equal(t, int64(1), qa["aws.dynamodb.count"].AsInt64())
	assert.Equal(t, "Query", qa["dynamorm.plan"].AsString())

	// Metrics: three requests, one failed; latency and capacity recorded.
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	m := metricsByName(rm)
	assert.Equal(t, int64(3), sumOf(t, m["dynamorm.requests"]))
	failures := int64(0)
	for _, dp := range m["dynamorm.requests"].Data.(metricdata.Sum[int64]).DataPoints {
		if v, ok := dp.Attributes.Value("error.type"); ok {
			assert.Equal(t, "ConditionalCheckFailedException", v.AsString())
			failures += dp.Value
		}
	}
	assert.Equal(t, int64(1), failures)
	assert.Equal(t, uint64(3), histogramCount(t, m["db.client.operation.duration"]))
	assert.Positive(t, histogramCount(t, m["dynamorm.consumed_capacity"]))
}

// TestRetriesAreSpanEventsAndCounted: a batch through injected unprocessed
// items shows its retries and chunks as events of the call span, a request
// span per request, and the retries metric.
func TestRetriesAreSpanEventsAndCounted(t *testing.T) {
	tel := newTelemetry()
	client, inj := faults.Client(memdb.New().Client(), faults.Config{Seed: 7, Rate: 0.5, Kinds: []faults.Kind{faults.Unprocessed}})
	db := newDB(t, tel, client)
	orders := make([]Order, 40)
	for i := range orders {
		orders[i] = Order{Customer: "c", ID: fmt.Sprintf("o%02d", i), Status: "open"}
	}
	require.NoError(t, db.Model(&Order{}).BatchCreate(orders))
	spans := tel.spans.Ended()
	calls := byName(spans, "dynamorm.BatchCreate")
	require.Len(t, calls, 1)
	kids := childrenOf(spans, calls[0])
	assert.Equal(t, int(inj.Requests("BatchWriteItem")), len(kids), "a span per request the server saw")
	retries, chunks := 0, 0
	for _, ev := range calls[0].Events() {
		switch ev.Name {
		case "dynamorm.retry":
			retries++
		case "dynamorm.batch_chunk":
			chunks++
		}
	}
	assert.Equal(t, 2, chunks)
	assert.Equal(t, len(kids)-2, retries, "every request after a chunk's first is a retry")
	require.Positive(t, retries)
	var rm metricdata.ResourceMetrics
	require.NoError(t, tel.reader.Collect(context.Background(), &rm))
	assert.Equal(t, int64(retries), sumOf(t, metricsByName(rm)["dynamorm.retries"]))
}

// TestComposesWithOtelaws: with the AWS SDK's instrumentation on the
// client, its request spans are children of dynamorm's call span.
func TestComposesWithOtelaws(t *testing.T) {
	tel := newTelemetry()
	base := memdb.New().Client()
	client := dynamodb.New(base.Options(), func(o *dynamodb.Options) {
		otelaws.AppendMiddlewares(&o.APIOptions, otelaws.WithTracerProvider(tel.tp))
	})
	db := newDB(t, tel, client, dynamormotel.WithoutRequestSpans())
	require.NoError(t, db.Model(&Order{Customer: "c1", ID: "o1"}).Create())
	spans := tel.spans.Ended()
	calls := byName(spans, "dynamorm.Create")
	require.Len(t, calls, 1)
	kids := childrenOf(spans, calls[0])
	require.Len(t, kids, 1, "only otelaws's span: WithoutRequestSpans")
	assert.Equal(t, "DynamoDB.PutItem", kids[0].Name())
}

func TestObserverErrorsOfCallsAreRecorded(t *testing.T) {
	tel := newTelemetry()
	db := newDB(t, tel, memdb.New().Client())
	err := db.Model(&Order{}).Where("Nope", "=", 1).All(&[]Order{})
	require.Error(t, err)
	calls := byName(tel.spans.Ended(), "dynamorm.All")
	require.Len(t, calls, 1)
	assert.Equal(t, codes.Error, calls[0].Status().Code)
	assert.Empty(t, childrenOf(tel.spans.Ended(), calls[0]), "bad input: no request sent")
	assert.True(t, errors.Is(err, dynamorm.ErrValidation))
	assert.Equal(t, "dynamorm.ErrValidation", attrs(calls[0])["error.type"].AsString())
}

func metricsByName(rm metricdata.ResourceMetrics) map[string]metricdata.Metrics {
	out := map[string]metricdata.Metrics{}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			out[m.Name] = m
		}
	}
	return out
}

func sumOf(t *testing.T, m metricdata.Metrics) int64 {
	t.Helper()
	s, ok := m.Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is %T", m.Name, m.Data)
	var n int64
	for _, dp := range s.DataPoints {
		n += dp.Value
	}
	return n
}

func histogramCount(t *testing.T, m metricdata.Metrics) uint64 {
	t.Helper()
	h, ok := m.Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%s is %T", m.Name, m.Data)
	var n uint64
	for _, dp := range h.DataPoints {
		n += dp.Count
	}
	return n
}
