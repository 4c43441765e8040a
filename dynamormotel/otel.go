// Package dynamormotel reports what dynamorm does to OpenTelemetry: one span
// per library call ("dynamorm.Create", "dynamorm.BatchGet", ...), a child
// span per DynamoDB request with the semantic-convention attributes
// (db.system.name "aws.dynamodb", db.operation.name, aws.dynamodb.table_names,
// aws.dynamodb.index_name, aws.dynamodb.consumed_capacity, ...), span events
// for dynamorm's retries, batch chunks and transaction cancellations, and
// metrics: request counts, request latency and consumed capacity.
//
// It is a module of its own, so that users of dynamorm who do not use it
// never download OpenTelemetry:
//
//	obs, err := dynamormotel.New() // the global tracer and meter providers
//	db, err := dynamorm.New(session.Config{Observer: obs})
//
// With the AWS SDK's own instrumentation (otelaws) on the client, its spans
// are children of the call span, since dynamorm sends every request of a
// call with the call's context; pass WithoutRequestSpans so that each
// request is not traced twice.
package dynamormotel

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/aws/smithy-go"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/dynamorm/dynamorm"
)

// scope is the instrumentation scope of the tracer and meter.
const scope = "github.com/dynamorm/dynamorm/dynamormotel"

// Observer is a dynamorm.Observer that traces and measures. Build it with
// New; it is safe for concurrent use.
type Observer struct {
	tracer       trace.Tracer
	requestSpans bool

	requests metric.Int64Counter
	duration metric.Float64Histogram
	capacity metric.Float64Histogram
	retries  metric.Int64Counter
}

var _ dynamorm.Observer = (*Observer)(nil)

// config is what the options set.
type config struct {
	tp           trace.TracerProvider
	mp           metric.MeterProvider
	requestSpans bool
}

// Option configures New.
type Option func(*config)

// WithTracerProvider sets the tracer provider (default otel.GetTracerProvider()).
func WithTracerProvider(tp trace.TracerProvider) Option { return func(c *config) { c.tp = tp } }

// WithMeterProvider sets the meter provider (default otel.GetMeterProvider()).
func WithMeterProvider(mp metric.MeterProvider) Option { return func(c *config) { c.mp = mp } }

// WithoutRequestSpans leaves out the spans of DynamoDB requests (call
// spans, span events and metrics stay): for clients instrumented by the AWS
// SDK's otelaws, whose request spans become the call spans' children.
func WithoutRequestSpans() Option { return func(c *config) { c.requestSpans = false } }

// New returns an Observer reporting to the providers the options give.
//
// Metrics: db.client.operation.duration (seconds, per DynamoDB request),
// dynamorm.requests (requests sent), dynamorm.consumed_capacity (capacity
// units per request, with dynamorm.capacity = "read" or "write") and
// dynamorm.retries (dynamorm's own retries, with dynamorm.retry.reason).
// Each has db.system.name, db.operation.name and, for requests on one
// table, db.collection.name; failed requests have error.type.
func New(opts ...Option) (*Observer, error) {
	c := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider(), requestSpans: true}
	for _, opt := range opts {
		opt(&c)
	}
	m := c.mp.Meter(scope)
	o := &Observer{tracer: c.tp.Tracer(scope), requestSpans: c.requestSpans}
	var errs [4]error
	o.requests, errs[0] = m.Int64Counter("dynamorm.requests", metric.WithUnit("{request}"),
		metric.WithDescription("DynamoDB requests sent by dynamorm"))
	o.duration, errs[1] = m.Float64Histogram("db.client.operation.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of DynamoDB requests"),
		metric.WithExplicitBucketBoundaries(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10))
	o.capacity, errs[2] = m.Float64Histogram("dynamorm.consumed_capacity", metric.WithUnit("{capacity_unit}"),
		metric.WithDescription("Capacity units DynamoDB reported per request"))
	o.retries, errs[3] = m.Int64Counter("dynamorm.retries", metric.WithUnit("{retry}"),
		metric.WithDescription("Requests dynamorm sends again (unprocessed items, throttling, conflicts, ...)"))
	if err := errors.Join(errs[:]...); err != nil {
		return nil, err
	}
	return o, nil
}

// Observe starts and ends call spans, records request spans and metrics,
// and adds retries, chunks and cancellations to the call span as events.
func (o *Observer) Observe(ctx context.Context, e dynamorm.Event) context.Context {
	switch e.Kind {
	case dynamorm.EventCallStart:
		ctx, _ = o.tracer.Start(ctx, "dynamorm."+e.Op, trace.WithTimestamp(e.Start),
			trace.WithSpanKind(trace.SpanKindInternal), trace.WithAttributes(callAttrs(e)...))
	case dynamorm.EventCallEnd:
		span := trace.SpanFromContext(ctx)
		if e.Err != nil {
			span.RecordError(e.Err)
			span.SetStatus(codes.Error, e.Err.Error())
			span.SetAttributes(semconv.ErrorTypeKey.String(errorType(e.Err)))
		}
		span.End(trace.WithTimestamp(e.Start.Add(e.Latency)))
	case dynamorm.EventRequest:
		o.request(ctx, e)
	case dynamorm.EventRetry:
		o.retries.Add(ctx, 1, metric.WithAttributes(semconv.DBSystemNameAWSDynamoDB, attribute.String("dynamorm.retry.reason", e.Reason)))
		trace.SpanFromContext(ctx).AddEvent("dynamorm.retry", trace.WithAttributes(
			attribute.String("dynamorm.retry.reason", e.Reason), attribute.Int("dynamorm.attempt", e.Attempt),
			attribute.Int("dynamorm.items", e.Items), attribute.Float64("dynamorm.retry.delay_seconds", e.Delay.Seconds())))
	case dynamorm.EventBatchChunk:
		trace.SpanFromContext(ctx).AddEvent("dynamorm.batch_chunk", trace.WithAttributes(
			attribute.Int("dynamorm.items", e.Items), attribute.Int("dynamorm.failed", e.Failed), attribute.Int("dynamorm.unknown", e.Unknown)))
	case dynamorm.EventTransactionCanceled:
		trace.SpanFromContext(ctx).AddEvent("dynamorm.transaction_canceled", trace.WithAttributes(
			attribute.StringSlice("aws.dynamodb.cancellation_reasons", e.Reasons)))
	}
	return ctx
}

// request records one DynamoDB request: its span (a child of the call's)
// and its metrics.
func (o *Observer) request(ctx context.Context, e dynamorm.Event) {
	common := []attribute.KeyValue{semconv.DBSystemNameAWSDynamoDB, semconv.DBOperationName(e.Operation)}
	if tables := e.Tables(); len(tables) == 1 {
		common = append(common, semconv.DBCollectionName(tables[0]))
	}
	if e.Err != nil {
		common = append(common, semconv.ErrorTypeKey.String(errorType(e.Err)))
	}
	set := metric.WithAttributeSet(attribute.NewSet(common...))
	o.requests.Add(ctx, 1, set)
	o.duration.Record(ctx, e.Latency.Seconds(), set)
	if u := e.Units(); len(e.Consumed) > 0 {
		o.capacity.Record(ctx, u.ReadUnits, metric.WithAttributes(append(common, attribute.String("dynamorm.capacity", "read"))...))
		o.capacity.Record(ctx, u.WriteUnits, metric.WithAttributes(append(common, attribute.String("dynamorm.capacity", "write"))...))
	}
	if !o.requestSpans {
		return
	}
	name := e.Operation
	if e.Table != "" {
		name += " " + e.Table
	}
	_, span := o.tracer.Start(ctx, name, trace.WithTimestamp(e.Start), trace.WithSpanKind(trace.SpanKindClient),
		trace.WithAttributes(append(common, requestAttrs(e)...)...))
	if e.Err != nil {
		span.RecordError(e.Err)
		span.SetStatus(codes.Error, e.Err.Error())
	}
	span.End(trace.WithTimestamp(e.Start.Add(e.Latency)))
}

// callAttrs are the attributes of a call span.
func callAttrs(e dynamorm.Event) []attribute.KeyValue {
	attrs := []attribute.KeyValue{semconv.DBSystemNameAWSDynamoDB, attribute.String("dynamorm.operation", e.Op)}
	if e.Model != "" {
		attrs = append(attrs, attribute.String("dynamorm.model", e.Model))
	}
	if tables := e.Tables(); len(tables) > 0 {
		attrs = append(attrs, semconv.AWSDynamoDBTableNames(tables...))
	}
	return attrs
}

// requestAttrs are the attributes of a request span beyond the metrics'.
func requestAttrs(e dynamorm.Event) []attribute.KeyValue {
	attrs := []attribute.KeyValue{
		semconv.RPCSystemNameKey.String("aws-api"), attribute.String("rpc.method", e.Operation),
		attribute.String("dynamorm.operation", e.Op), attribute.Int("dynamorm.attempt", e.Attempt),
	}
	if tables := e.Tables(); len(tables) > 0 {
		attrs = append(attrs, semconv.AWSDynamoDBTableNames(tables...))
	}
	if e.Index != "" {
		attrs = append(attrs, semconv.AWSDynamoDBIndexName(e.Index))
	}
	if e.Plan != "" {
		attrs = append(attrs, attribute.String("dynamorm.plan", e.Plan))
	}
	if e.Operation == "Query" || e.Operation == "Scan" {
		attrs = append(attrs, semconv.AWSDynamoDBCount(e.Items))
	}
	attrs = append(attrs, attribute.Int("dynamorm.items", e.Items))
	if e.Unprocessed > 0 {
		attrs = append(attrs, attribute.Int("dynamorm.unprocessed", e.Unprocessed))
	}
	if cc := consumed(e); len(cc) > 0 {
		attrs = append(attrs, semconv.AWSDynamoDBConsumedCapacity(cc...))
	}
	return attrs
}

// consumed is the JSON of each ConsumedCapacity DynamoDB reported, as the
// semantic conventions ask.
func consumed(e dynamorm.Event) []string {
	out := make([]string, 0, len(e.Consumed))
	for _, cc := range e.Consumed {
		b, err := json.Marshal(cc)
		if err == nil {
			out = append(out, string(b))
		}
	}
	return out
}

// errorType is the error.type of err: the AWS error code when there is
// one ("ConditionalCheckFailedException"), the context's error, or
// "_OTHER".
func errorType(err error) string {
	var ae smithy.APIError
	switch {
	case errors.As(err, &ae):
		return ae.ErrorCode()
	case errors.Is(err, context.Canceled):
		return "context.Canceled"
	case errors.Is(err, context.DeadlineExceeded):
		return "context.DeadlineExceeded"
	case errors.Is(err, dynamorm.ErrValidation):
		return "dynamorm.ErrValidation"
	case errors.Is(err, dynamorm.ErrItemNotFound):
		return "dynamorm.ErrItemNotFound"
	}
	return "_OTHER"
}
