package dynamorm

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/pkg/core"
)

// maxTableWait bounds how long table operations wait for a table or index
// to become ACTIVE (or gone) when the context sets no deadline.
const maxTableWait = 10 * time.Minute

// CreateTable creates the model's table from its tags: key schema, every
// GSI and LSI with its projection (ALL unless an option says otherwise),
// on-demand billing unless WithProvisionedThroughput is given, TTL on the
// ttl field, and streams when WithStream is given. It waits until the
// table and its indexes are ACTIVE.
func (db *DB) CreateTable(m any, opts ...core.TableOption) error {
	db, c := db.begin(db.ctx, "CreateTable")
	return c.end(db.createTable(m, opts...))
}

// createTable is CreateTable without the call's observation.
func (db *DB) createTable(m any, opts ...core.TableOption) error {
	md, o, in, err := db.tableInput(m, opts)
	if err != nil {
		return err
	}
	if _, err := db.api("", 1).CreateTable(db.ctx, in); err != nil {
		return wrapAWS("CreateTable", md.Name(), o.Name, err)
	}
	if err := db.waitActive(md, o.Name); err != nil {
		return err
	}
	if md.TTL != nil && !o.DisableTTL {
		_, err := db.api("", 1).UpdateTimeToLive(db.ctx, &dynamodb.UpdateTimeToLiveInput{
			TableName:               aws.String(o.Name),
			TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(md.TTL.Attr), Enabled: aws.Bool(true)},
		})
		if err != nil {
			return wrapAWS("CreateTable (enable TTL)", md.Name(), o.Name, err)
		}
	}
	return nil
}

func (db *DB) tableModel(m any, opts []core.TableOption) (*model.Model, core.TableOptions, error) {
	var o core.TableOptions
	for _, opt := range opts {
		opt(&o)
	}
	md, err := model.OfValue(m)
	if err != nil {
		return nil, o, err
	}
	if o.Name == "" {
		o.Name = db.shared.prefix + md.TableName(modelValue(m))
	}
	return md, o, nil
}

// tableInput returns the model's metadata, the table options and the
// CreateTable request they describe.
func (db *DB) tableInput(m any, opts []core.TableOption) (*model.Model, core.TableOptions, *dynamodb.CreateTableInput, error) {
	md, o, err := db.tableModel(m, opts)
	if err != nil {
		return nil, o, nil, err
	}
	shape, err := db.tableShape(md)
	if err != nil {
		return nil, o, nil, err
	}
	in, err := createTableInput(shape, o)
	return md, o, in, err
}

// tableShape is what md's table holds: md's own keys and indexes, or for
// an entity the union of those of every entity of its table registered on
// the DB (Register, AutoMigrate, dynamormtest.New), so that entities
// sharing a table create it once with all their indexes.
func (db *DB) tableShape(md *model.Model) (*model.Model, error) {
	if md.Entity == nil {
		return md, nil
	}
	table := md.TableName(reflect.Value{})
	shared := []*model.Model{md}
	db.shared.mu.Lock()
	registered := append([]reflect.Type(nil), db.shared.registry...)
	db.shared.mu.Unlock()
	for _, t := range registered {
		other, err := model.Of(t)
		if err == nil && other != md && other.Entity != nil && other.TableName(reflect.Value{}) == table {
			shared = append(shared, other)
		}
	}
	return model.Union(shared)
}

// modelValue returns the struct value of m for TableName, or an invalid
// value when m is not a pointer to a struct.
func modelValue(m any) reflect.Value {
	v := reflect.ValueOf(m)
	if v.Kind() == reflect.Pointer && !v.IsNil() && v.Elem().Kind() == reflect.Struct {
		return v.Elem()
	}
	return reflect.Value{}
}

func createTableInput(md *model.Model, o core.TableOptions) (*dynamodb.CreateTableInput, error) {
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(o.Name),
		BillingMode: o.BillingMode,
		KeySchema:   keySchema(md.PK, md.SK),
	}
	if in.BillingMode == "" {
		in.BillingMode = types.BillingModePayPerRequest
	}
	var throughput *types.ProvisionedThroughput
	if in.BillingMode == types.BillingModeProvisioned {
		if o.ReadCapacity < 1 || o.WriteCapacity < 1 {
			return nil, fmt.Errorf("%w: provisioned billing needs read and write capacity of at least 1", core.ErrValidation)
		}
		throughput = &types.ProvisionedThroughput{ReadCapacityUnits: aws.Int64(o.ReadCapacity), WriteCapacityUnits: aws.Int64(o.WriteCapacity)}
		in.ProvisionedThroughput = throughput
	}
	defs := map[string]types.ScalarAttributeType{}
	addDef := func(f *model.Field) {
		if f != nil {
			defs[f.Attr] = types.ScalarAttributeType(f.KeyType())
		}
	}
	addDef(md.PK)
	addDef(md.SK)
	for _, idx := range md.Indexes {
		addDef(idx.PK)
		addDef(idx.SK)
		proj, err := projection(md, o, idx.Name)
		if err != nil {
			return nil, err
		}
		if idx.Local {
			in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
				IndexName: aws.String(idx.Name), KeySchema: keySchema(idx.PK, idx.SK), Projection: proj,
			})
		} else {
			in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi(idx, proj, throughput))
		}
	}
	for name := range o.Projections {
		if _, ok := md.Index(name); !ok {
			return nil, fmt.Errorf("%w: a projection option names index %q, which %s does not declare", core.ErrIndexNotFound, name, md.Name())
		}
	}
	keyFields := md.Fields
	if md.Entity != nil {
		keyFields = md.Entity.Keys
	}
	for _, f := range keyFields { // stable order
		if t, ok := defs[f.Attr]; ok {
			in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{AttributeName: aws.String(f.Attr), AttributeType: t})
			delete(defs, f.Attr)
		}
	}
	if o.StreamViewType != "" {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: o.StreamViewType}
	}
	if o.DeletionProtection {
		in.DeletionProtectionEnabled = aws.Bool(true)
	}
	return in, nil
}

func keySchema(pk, sk *model.Field) []types.KeySchemaElement {
	ks := []types.KeySchemaElement{{AttributeName: aws.String(pk.Attr), KeyType: types.KeyTypeHash}}
	if sk != nil {
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(sk.Attr), KeyType: types.KeyTypeRange})
	}
	return ks
}

func gsi(idx *model.Index, proj *types.Projection, throughput *types.ProvisionedThroughput) types.GlobalSecondaryIndex {
	return types.GlobalSecondaryIndex{
		IndexName: aws.String(idx.Name), KeySchema: keySchema(idx.PK, idx.SK),
		Projection: proj, ProvisionedThroughput: throughput,
	}
}

// projection returns the index's projection: ALL by default; INCLUDE field
// names are translated to attribute names.
func projection(md *model.Model, o core.TableOptions, index string) (*types.Projection, error) {
	p, ok := o.Projections[index]
	if !ok {
		return &types.Projection{ProjectionType: types.ProjectionTypeAll}, nil
	}
	out := &types.Projection{ProjectionType: p.ProjectionType}
	for _, name := range p.NonKeyAttributes {
		f, err := md.MustField(name)
		if err != nil {
			return nil, fmt.Errorf("projection of index %q: %w", index, err)
		}
		out.NonKeyAttributes = append(out.NonKeyAttributes, f.Attr)
	}
	return out, nil
}

// waitActive waits until the table and all its GSIs are ACTIVE.
func (db *DB) waitActive(md *model.Model, table string) error {
	return db.poll("table "+table+" to become ACTIVE", func(ctx context.Context) (bool, error) {
		out, err := db.api("", 1).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(table)})
		var rnf *types.ResourceNotFoundException
		if errors.As(err, &rnf) {
			return false, nil // not visible yet
		}
		if err != nil {
			return false, wrapAWS("DescribeTable", md.Name(), table, err)
		}
		return out.Table.TableStatus == types.TableStatusActive && gsisActive(out.Table), nil
	})
}

// poll calls check with the one backoff between calls until it reports
// done or fails, bounded by the context or maxTableWait.
func (db *DB) poll(what string, check func(context.Context) (bool, error)) error {
	ctx, cancel := db.waitContext()
	defer cancel()
	policy := &core.RetryPolicy{InitialDelay: 20 * time.Millisecond, MaxDelay: 2 * time.Second, BackoffFactor: 1.5, Jitter: 0.2}
	for attempt := 0; ; attempt++ {
		done, err := check(ctx)
		if done || err != nil {
			return err
		}
		if err := db.sleep(ctx, policy, attempt, Event{Reason: "waiting for " + what, Attempt: attempt + 1}); err != nil {
			return fmt.Errorf("dynamorm: waiting for %s: %w", what, err)
		}
	}
}

func gsisActive(t *types.TableDescription) bool {
	for _, g := range t.GlobalSecondaryIndexes {
		if g.IndexStatus != types.IndexStatusActive {
			return false
		}
	}
	return true
}

func (db *DB) waitContext() (context.Context, context.CancelFunc) {
	if _, ok := db.ctx.Deadline(); ok {
		return context.WithCancel(db.ctx)
	}
	return context.WithTimeout(db.ctx, maxTableWait)
}

// DescribeTable returns DynamoDB's description of the model's table; a
// missing table is ErrTableNotFound.
func (db *DB) DescribeTable(m any) (*types.TableDescription, error) {
	db, c := db.begin(db.ctx, "DescribeTable")
	d, err := db.describeTable(m)
	return d, c.end(err)
}

// describeTable is DescribeTable without the call's observation.
func (db *DB) describeTable(m any) (*types.TableDescription, error) {
	md, o, err := db.tableModel(m, nil)
	if err != nil {
		return nil, err
	}
	out, err := db.api("", 1).DescribeTable(db.ctx, &dynamodb.DescribeTableInput{TableName: aws.String(o.Name)})
	if err != nil {
		return nil, wrapAWS("DescribeTable", md.Name(), o.Name, err)
	}
	return out.Table, nil
}

// EnsureTable creates the model's table when it does not exist. A table
// that exists (or that another caller creates at the same time) must serve
// the model: key attribute names and types of the table and of every index
// the model declares, which must exist. Otherwise the error (wrapping
// ErrValidation) lists every mismatch.
func (db *DB) EnsureTable(m any) error {
	db, c := db.begin(db.ctx, "EnsureTable")
	return c.end(db.ensureTable(m))
}

// ensureTable is EnsureTable without the call's observation.
func (db *DB) ensureTable(m any) error {
	md, o, want, err := db.tableInput(m, nil)
	if err != nil {
		return err
	}
	desc, err := db.DescribeTable(m)
	if errors.Is(err, core.ErrTableNotFound) {
		err = db.CreateTable(m)
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return err
		}
		// Created meanwhile by another caller: check what it created.
		desc, err = db.activeTable(m, md, o.Name)
	} else if err == nil && (desc.TableStatus != types.TableStatusActive || !gsisActive(desc)) {
		// Being created by another caller: wait for it, as CreateTable does.
		desc, err = db.activeTable(m, md, o.Name)
	}
	if err != nil {
		return err
	}
	return checkTable(md, want, desc, true)
}

// activeTable waits until the model's table is ACTIVE and describes it.
func (db *DB) activeTable(m any, md *model.Model, table string) (*types.TableDescription, error) {
	if err := db.waitActive(md, table); err != nil {
		return nil, err
	}
	return db.DescribeTable(m)
}

// DeleteTable deletes the model's table and waits until it is gone.
func (db *DB) DeleteTable(m any) error {
	db, c := db.begin(db.ctx, "DeleteTable")
	return c.end(db.deleteTable(m))
}

// deleteTable is DeleteTable without the call's observation.
func (db *DB) deleteTable(m any) error {
	md, o, err := db.tableModel(m, nil)
	if err != nil {
		return err
	}
	if _, err := db.api("", 1).DeleteTable(db.ctx, &dynamodb.DeleteTableInput{TableName: aws.String(o.Name)}); err != nil {
		return wrapAWS("DeleteTable", md.Name(), o.Name, err)
	}
	return db.poll("table "+o.Name+" to be deleted", func(ctx context.Context) (bool, error) {
		_, err := db.api("", 1).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(o.Name)})
		var rnf *types.ResourceNotFoundException
		if errors.As(err, &rnf) {
			return true, nil
		}
		if err != nil {
			return false, wrapAWS("DescribeTable", md.Name(), o.Name, err)
		}
		return false, nil
	})
}

// AutoMigrate creates each model's table when missing and adds global
// secondary indexes the model declares but the table lacks (one at a time,
// as DynamoDB requires, waiting for each). Local secondary indexes cannot
// be added to an existing table; a missing one is an error. An existing
// table whose keys, or whose indexes' keys, differ from the model's (names
// or types) is an error listing every mismatch, and nothing is changed.
// The models are registered for Migrate.
func (db *DB) AutoMigrate(models ...any) error {
	db, c := db.begin(db.ctx, "AutoMigrate")
	return c.end(db.autoMigrate(models...))
}

// autoMigrate is AutoMigrate without the call's observation.
func (db *DB) autoMigrate(models ...any) error {
	if err := db.Register(models...); err != nil {
		return err
	}
	for _, m := range models {
		if err := db.AutoMigrateWithOptions(m); err != nil {
			return err
		}
	}
	return nil
}

// AutoMigrateWithOptions is AutoMigrate for one model; opts apply when the
// table is created and to the indexes added.
func (db *DB) AutoMigrateWithOptions(m any, opts ...core.TableOption) error {
	db, c := db.begin(db.ctx, "AutoMigrateWithOptions")
	return c.end(db.autoMigrateWithOptions(m, opts...))
}

// autoMigrateWithOptions is AutoMigrateWithOptions without the call's observation.
func (db *DB) autoMigrateWithOptions(m any, opts ...core.TableOption) error {
	md, o, err := db.tableModel(m, opts)
	if err != nil {
		return err
	}
	desc, err := db.DescribeTable(m)
	if errors.Is(err, core.ErrTableNotFound) {
		return db.CreateTable(m, opts...)
	}
	if err != nil {
		return err
	}
	if md, err = db.tableShape(md); err != nil {
		return err
	}
	want, err := createTableInput(md, o)
	if err != nil {
		return err
	}
	if err := checkTable(md, want, desc, false); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, g := range desc.GlobalSecondaryIndexes {
		have[aws.ToString(g.IndexName)] = true
	}
	for _, l := range desc.LocalSecondaryIndexes {
		have[aws.ToString(l.IndexName)] = true
	}
	for _, l := range want.LocalSecondaryIndexes {
		if !have[aws.ToString(l.IndexName)] {
			return fmt.Errorf("%w: %s declares local secondary index %q, which table %s lacks; DynamoDB cannot add an LSI to an existing table, so the table must be re-created", core.ErrValidation, md.Name(), aws.ToString(l.IndexName), o.Name)
		}
	}
	for _, g := range want.GlobalSecondaryIndexes {
		if have[aws.ToString(g.IndexName)] {
			continue
		}
		g := g
		if desc.BillingModeSummary == nil || desc.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
			if g.ProvisionedThroughput == nil && desc.ProvisionedThroughput != nil {
				g.ProvisionedThroughput = &types.ProvisionedThroughput{
					ReadCapacityUnits:  desc.ProvisionedThroughput.ReadCapacityUnits,
					WriteCapacityUnits: desc.ProvisionedThroughput.WriteCapacityUnits,
				}
			}
		}
		_, err := db.api("", 1).UpdateTable(db.ctx, &dynamodb.UpdateTableInput{
			TableName:            aws.String(o.Name),
			AttributeDefinitions: want.AttributeDefinitions,
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: g.Projection, ProvisionedThroughput: g.ProvisionedThroughput,
			}}},
		})
		if err != nil {
			return wrapAWS("AutoMigrate (add index "+aws.ToString(g.IndexName)+")", md.Name(), o.Name, err)
		}
		if err := db.waitActive(md, o.Name); err != nil {
			return err
		}
	}
	return nil
}

// Migrate runs AutoMigrate for every registered model (see Register and
// AutoMigrate).
func (db *DB) Migrate() error {
	db, c := db.begin(db.ctx, "Migrate")
	return c.end(db.migrate())
}

// migrate is Migrate without the call's observation.
func (db *DB) migrate() error {
	db.shared.mu.Lock()
	types := append([]reflect.Type(nil), db.shared.registry...)
	db.shared.mu.Unlock()
	for _, t := range types {
		if err := db.AutoMigrateWithOptions(reflect.New(t).Interface()); err != nil {
			return err
		}
	}
	return nil
}
