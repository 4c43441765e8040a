package dynamorm

import (
	"fmt"
	"reflect"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/envelope"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/plan"
	"github.com/dynamorm/dynamorm/internal/tenant"
	"github.com/dynamorm/dynamorm/pkg/core"
	"github.com/dynamorm/dynamorm/pkg/session"
)

// newKeys builds the field-encryption keys of cfg (nil without a KMS
// configuration).
func newKeys(cfg session.Config) (*envelope.Keys, error) {
	switch {
	case cfg.KMSKeyARN == "" && cfg.KMSClient == nil:
		return nil, nil
	case cfg.KMSClient == nil:
		return nil, fmt.Errorf("%w: session.Config.KMSKeyARN is set but KMSClient is nil: give a KMS client (kmskeys.New(kms.NewFromConfig(cfg)), or dynamormtest.NewLocalKeys() in tests)", core.ErrValidation)
	case cfg.KMSKeyARN == "":
		return nil, fmt.Errorf("%w: session.Config.KMSClient is set but KMSKeyARN is empty: name the KMS key new values are encrypted under", core.ErrValidation)
	}
	return envelope.New(envelope.Config{KeyID: cfg.KMSKeyARN, KMS: cfg.KMSClient, MaxAge: cfg.DataKeyMaxAge,
		MaxUses: cfg.DataKeyMaxUses, DecryptKeys: cfg.DecryptedKeyCacheSize, Clock: cfg.Now}), nil
}

// sealing is what encrypts and decrypts db's values (nil for a nil db,
// which has no keys).
func (db *DB) sealing() *plan.Sealing {
	if db == nil {
		return nil
	}
	return &plan.Sealing{Keys: db.shared.keys, Ctx: db.ctx, Tenant: tenant.FromContext(db.ctx).ID}
}

// open decrypts the encrypted fields of item, a stored item of model m
// whose value v is decoded into (a nil db has no keys: an item with
// encrypted values is an error wrapping ErrEncryption). It is the one
// place stored values are decrypted.
func (db *DB) open(m *model.Model, v reflect.Value, item map[string]types.AttributeValue) (map[string]types.AttributeValue, error) {
	if m == nil || len(m.Encrypted) == 0 {
		return item, nil
	}
	prefix := ""
	if db != nil {
		prefix = db.shared.prefix
	}
	return db.sealing().Open(prefix+m.TableName(v), m, item)
}

// ReEncrypt rewrites the encrypted fields of the stored item with item's
// key (a pointer to a model value with its key fields set) that were
// encrypted under another KMS key than session.Config.KMSKeyARN, under
// that key: after a key rotation, values written under the old key keep
// decrypting as long as KMS can decrypt their data keys, and ReEncrypt
// moves them to the new one. It reads the item (one consistent GetItem of
// its encrypted attributes) and writes only those under an old key, in
// one UpdateItem conditioned on their envelopes being unchanged (a
// concurrent write makes it fail with ErrConditionFailed; read again and
// retry); the version and updated_at are left alone. It reports whether
// anything was rewritten. item itself is not modified.
func (db *DB) ReEncrypt(item any) (bool, error) {
	q := newQuery(db, item)
	if err := q.requireItem("ReEncrypt"); err != nil {
		return false, err
	}
	if len(q.model.Encrypted) == 0 {
		return false, fmt.Errorf("%w: ReEncrypt: %s has no encrypted fields", core.ErrValidation, q.model.Name())
	}
	t := q.target()
	key, err := plan.Key(&t, "ReEncrypt")
	if err != nil {
		return false, err
	}
	attrs := make([]string, len(q.model.Encrypted))
	for i, f := range q.model.Encrypted {
		attrs[i] = f.Attr
	}
	if t.Prior, err = q.readPrior(&t, key, attrs); err != nil {
		return false, err
	}
	w, err := plan.PlanWrite(t, plan.WriteSpec{Op: plan.OpReEncrypt})
	if err != nil || w == nil {
		return false, err
	}
	if err := q.send(w); err != nil {
		return false, err
	}
	return true, nil
}
