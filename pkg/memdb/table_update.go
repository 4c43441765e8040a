package memdb

// gsiUpdate is one entry of an UpdateTable's GlobalSecondaryIndexUpdates.
type gsiUpdate struct {
	Create *indexInput
	Delete *struct{ IndexName string }
	Update *struct {
		IndexName             string
		ProvisionedThroughput *throughput
	}
}

// updateTableInput is the body of an UpdateTable request.
type updateTableInput struct {
	TableName                   string
	AttributeDefinitions        []attrDef
	BillingMode                 string
	ProvisionedThroughput       *throughput
	GlobalSecondaryIndexUpdates []gsiUpdate
	StreamSpecification         *streamSpec
	DeletionProtectionEnabled   *bool
	TableClass                  string
	ReplicaUpdates              []any
	SSESpecification            map[string]any
}

func (s *Server) updateTable(body []byte) (any, *apiError) {
	var in updateTableInput
	if err := decode(body, &in); err != nil {
		return nil, err
	}
	if in.ReplicaUpdates != nil {
		return nil, outOfScope("replicas (UpdateTable ReplicaUpdates)")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.lookup(in.TableName)
	if err != nil {
		return nil, err
	}
	defs, newDefs, err := t.mergeAttrDefs(in.AttributeDefinitions)
	if err != nil {
		return nil, err
	}
	billing, err := t.updatedBilling(&in)
	if err != nil {
		return nil, err
	}
	for _, u := range in.GlobalSecondaryIndexUpdates {
		if err := t.applyGSIUpdate(u, billing, defs); err != nil {
			return nil, err
		}
	}
	t.attrDefs = newDefs
	t.billing = billing
	if billing == "PAY_PER_REQUEST" {
		t.rcu, t.wcu = 0, 0
		for _, ix := range t.gsis {
			ix.rcu, ix.wcu = 0, 0
		}
	}
	if tp := in.ProvisionedThroughput; tp != nil && tp.ReadCapacityUnits != nil && tp.WriteCapacityUnits != nil {
		t.rcu, t.wcu = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
	}
	if err := t.enableStream(in.StreamSpecification, s.now(), false); err != nil {
		return nil, err
	}
	if in.DeletionProtectionEnabled != nil {
		t.protect = *in.DeletionProtectionEnabled
	}
	if in.TableClass != "" {
		t.tableClass = in.TableClass
	}
	return map[string]any{"TableDescription": t.describe("ACTIVE")}, nil
}

// mergeAttrDefs adds an UpdateTable's new attribute definitions to the
// table's: it returns every definition as a map of name to type and as the
// list the table will hold, and refuses a change of an existing type.
func (t *table) mergeAttrDefs(added []attrDef) (map[string]string, []attrDef, *apiError) {
	defs := map[string]string{}
	for _, d := range t.attrDefs {
		defs[d.AttributeName] = d.AttributeType
	}
	newDefs := append([]attrDef(nil), t.attrDefs...)
	for _, d := range added {
		if old, ok := defs[d.AttributeName]; ok {
			if old != d.AttributeType {
				return nil, nil, invalidParam("Cannot change the type of an attribute definition: %s", d.AttributeName)
			}
			continue
		}
		defs[d.AttributeName] = d.AttributeType
		newDefs = append(newDefs, d)
	}
	return defs, newDefs, nil
}

// updatedBilling returns the billing mode the table has after an
// UpdateTable, checking that throughput is given exactly when it must be.
func (t *table) updatedBilling(in *updateTableInput) (string, *apiError) {
	billing := t.billing
	if in.BillingMode != "" {
		billing = in.BillingMode
	}
	if in.BillingMode == "PROVISIONED" && t.billing != "PROVISIONED" && in.ProvisionedThroughput == nil {
		return "", invalidParam("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED")
	}
	if billing == "PAY_PER_REQUEST" && in.ProvisionedThroughput != nil {
		return "", invalidParam("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST")
	}
	return billing, nil
}

// applyGSIUpdate applies one create, delete or throughput update of a
// global secondary index to the table (billing is the mode after the
// update; defs every attribute definition).
func (t *table) applyGSIUpdate(u gsiUpdate, billing string, defs map[string]string) *apiError {
	switch {
	case u.Create != nil:
		return t.createGSI(u.Create, billing, defs)
	case u.Delete != nil:
		for i, ix := range t.gsis {
			if ix.name == u.Delete.IndexName {
				t.gsis = append(t.gsis[:i], t.gsis[i+1:]...)
				t.keyAttrs.Store(nil)
				return nil
			}
		}
		return &apiError{status: 400, code: "ResourceNotFoundException", msg: "Requested resource not found"}
	case u.Update != nil:
		ix := t.findIndex(u.Update.IndexName)
		if ix == nil || !ix.global {
			return &apiError{status: 400, code: "ResourceNotFoundException", msg: "Requested resource not found"}
		}
		if tp := u.Update.ProvisionedThroughput; tp != nil && tp.ReadCapacityUnits != nil && tp.WriteCapacityUnits != nil {
			ix.rcu, ix.wcu = *tp.ReadCapacityUnits, *tp.WriteCapacityUnits
		}
	}
	return nil
}

// createGSI adds the global secondary index an UpdateTable creates and
// indexes every item of the table into it.
func (t *table) createGSI(ii *indexInput, billing string, defs map[string]string) *apiError {
	if t.findIndex(ii.IndexName) != nil {
		return invalidParam("Index already exists: %s", ii.IndexName)
	}
	if billing == "PROVISIONED" && ii.ProvisionedThroughput == nil {
		return invalidParam("ProvisionedThroughput must be specified for index: %s", ii.IndexName)
	}
	ix, err := newIndex(*ii, true, t, defs)
	if err != nil {
		return err
	}
	for _, k := range []string{ix.ks.hash, ix.ks.rng} {
		if _, ok := defs[k]; k != "" && !ok {
			return invalidParam("Global Secondary Index hash key not specified in Attribute Definitions.Type unknown.")
		}
	}
	t.gsis = append(t.gsis, ix)
	t.keyAttrs.Store(nil)
	for _, p := range t.store.partitions() {
		for _, r := range p.rows {
			t.indexRow(ix, r.pk, r.item)
		}
	}
	return nil
}
