package dynamorm

import (
	"context"
	"errors"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/pkg/core"
)

// SlogObserver returns an Observer that logs through l. Levels:
//
//   - Debug: every request that succeeded ("dynamorm request"), every call
//     that succeeded ("dynamorm call"), batch chunks fully done.
//   - Info: a request or call refused by a condition, or a read that found
//     nothing (ErrConditionFailed, ErrItemNotFound, a cancelled transaction
//     request): outcomes the caller handles.
//   - Warn: dynamorm's own retries with their backoff sleep ("dynamorm
//     retry": reason, delay), throttled requests, transaction
//     cancellations with their reasons.
//   - Error: any other failed request or call, and batch chunks that left
//     items not written (or keys not read) or of unknown outcome.
//
// Attributes: call (the call id, shared by a call's records), op (the
// library call), model, and as they apply operation (the DynamoDB
// operation), table, index, plan, attempt, items, unprocessed, failed,
// unknown, capacity (read and write units), latency, delay, reason,
// reasons and err. Call starts are not logged: a call's record comes at
// its end, with its latency.
func SlogObserver(l *slog.Logger) Observer { return slogObserver{l} }

type slogObserver struct{ l *slog.Logger }

// Observe logs e at its level.
func (o slogObserver) Observe(ctx context.Context, e Event) context.Context {
	msg, level := slogRecord(e)
	if msg == "" || !o.l.Enabled(ctx, level) {
		return ctx
	}
	o.l.LogAttrs(ctx, level, msg, slogAttrs(e)...)
	return ctx
}

// slogRecord is the message and level of e ("" for events not logged).
func slogRecord(e Event) (string, slog.Level) {
	switch e.Kind {
	case EventRequest:
		switch {
		case e.Err == nil:
			return "dynamorm request", slog.LevelDebug
		case e.Throttled:
			return "dynamorm request throttled", slog.LevelWarn
		}
		return "dynamorm request failed", errorLevel(e.Err)
	case EventCallEnd:
		if e.Err == nil {
			return "dynamorm call", slog.LevelDebug
		}
		return "dynamorm call failed", errorLevel(e.Err)
	case EventRetry:
		return "dynamorm retry", slog.LevelWarn
	case EventBatchChunk:
		if e.Failed+e.Unknown == 0 {
			return "dynamorm batch chunk", slog.LevelDebug
		}
		return "dynamorm batch chunk incomplete", slog.LevelError
	case EventTransactionCanceled:
		return "dynamorm transaction canceled", slog.LevelWarn
	}
	return "", 0
}

// errorLevel is Info for the refusals a caller handles, Error otherwise.
func errorLevel(err error) slog.Level {
	var ccf *types.ConditionalCheckFailedException
	var tce *types.TransactionCanceledException
	if errors.Is(err, core.ErrConditionFailed) || errors.Is(err, core.ErrItemNotFound) || errors.As(err, &ccf) || errors.As(err, &tce) {
		return slog.LevelInfo
	}
	return slog.LevelError
}

// slogAttrs are e's attributes, those that apply to its kind.
func slogAttrs(e Event) []slog.Attr {
	attrs := make([]slog.Attr, 0, 12)
	add := func(key string, v slog.Value, set bool) {
		if set {
			attrs = append(attrs, slog.Attr{Key: key, Value: v})
		}
	}
	add("call", slog.Uint64Value(e.Call), e.Call != 0)
	add("op", slog.StringValue(e.Op), e.Op != "")
	add("model", slog.StringValue(e.Model), e.Model != "")
	add("operation", slog.StringValue(e.Operation), e.Operation != "")
	add("table", slog.StringValue(e.Table), e.Table != "")
	add("index", slog.StringValue(e.Index), e.Index != "")
	add("plan", slog.StringValue(e.Plan), e.Plan != "")
	add("attempt", slog.IntValue(e.Attempt), e.Attempt != 0)
	add("items", slog.IntValue(e.Items), e.Kind == EventRequest || e.Kind == EventRetry || e.Kind == EventBatchChunk)
	add("unprocessed", slog.IntValue(e.Unprocessed), e.Unprocessed != 0)
	add("failed", slog.IntValue(e.Failed), e.Kind == EventBatchChunk)
	add("unknown", slog.IntValue(e.Unknown), e.Kind == EventBatchChunk)
	if len(e.Consumed) > 0 {
		u := e.Units()
		add("capacity", slog.GroupValue(slog.Float64("read", u.ReadUnits), slog.Float64("write", u.WriteUnits)), true)
	}
	add("latency", slog.DurationValue(e.Latency), e.Kind == EventRequest || e.Kind == EventCallEnd)
	add("delay", slog.DurationValue(e.Delay), e.Kind == EventRetry)
	add("reason", slog.StringValue(e.Reason), e.Reason != "")
	add("reasons", slog.AnyValue(e.Reasons), len(e.Reasons) > 0)
	if e.Err != nil {
		add("err", slog.StringValue(e.Err.Error()), true)
	}
	return attrs
}
