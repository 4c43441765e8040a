package core

import "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

// TableOption changes how CreateTable creates a table.
type TableOption func(*TableOptions)

// TableOptions are the settings TableOption functions change. The zero value
// creates an on-demand table with every index projecting ALL attributes.
type TableOptions struct {
	Name               string // table name (default: the model's)
	BillingMode        types.BillingMode
	ReadCapacity       int64 // provisioned mode: table and every GSI
	WriteCapacity      int64
	Projections        map[string]types.Projection // by index name (default ALL)
	StreamViewType     types.StreamViewType        // streams off when empty
	DisableTTL         bool                        // do not enable TTL on the ttl field
	DeletionProtection bool
}

// WithTableName creates the table under another name than the model's.
func WithTableName(name string) TableOption { return func(o *TableOptions) { o.Name = name } }

// WithProvisionedThroughput creates a provisioned table (and GSIs) with the
// given read and write capacity units.
func WithProvisionedThroughput(read, write int64) TableOption {
	return func(o *TableOptions) {
		o.BillingMode = types.BillingModeProvisioned
		o.ReadCapacity, o.WriteCapacity = read, write
	}
}

// WithOnDemand creates an on-demand (PAY_PER_REQUEST) table; the default.
func WithOnDemand() TableOption {
	return func(o *TableOptions) { o.BillingMode = types.BillingModePayPerRequest }
}

// WithKeysOnlyProjection makes the index project only keys.
func WithKeysOnlyProjection(index string) TableOption {
	return withProjection(index, types.Projection{ProjectionType: types.ProjectionTypeKeysOnly})
}

// WithIncludeProjection makes the index project its keys plus the named
// attributes (attribute names or Go field names).
func WithIncludeProjection(index string, fields ...string) TableOption {
	return withProjection(index, types.Projection{ProjectionType: types.ProjectionTypeInclude, NonKeyAttributes: fields})
}

func withProjection(index string, p types.Projection) TableOption {
	return func(o *TableOptions) {
		if o.Projections == nil {
			o.Projections = map[string]types.Projection{}
		}
		o.Projections[index] = p
	}
}

// WithStream enables DynamoDB Streams with the given view type.
func WithStream(view types.StreamViewType) TableOption {
	return func(o *TableOptions) { o.StreamViewType = view }
}

// WithoutTTL leaves TTL disabled even when the model has a ttl field.
func WithoutTTL() TableOption { return func(o *TableOptions) { o.DisableTTL = true } }

// WithDeletionProtection turns on deletion protection.
func WithDeletionProtection() TableOption {
	return func(o *TableOptions) { o.DeletionProtection = true }
}
