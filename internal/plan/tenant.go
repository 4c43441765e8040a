package plan

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/internal/errs"
	"github.com/dynamorm/dynamorm/internal/expr"
	"github.com/dynamorm/dynamorm/internal/model"
	"github.com/dynamorm/dynamorm/internal/tenant"
)

// tenantField stands for the tenant attribute in lists of attributes.
var tenantField = &model.Field{GoName: tenant.Attr, Attr: tenant.Attr}

// tenantIs is the condition that the stored item belongs to tenant id.
func tenantIs(b *expr.Builder, id string) string {
	return b.Name(tenant.Attr) + " = " + b.Value(&types.AttributeValueMemberS{Value: id})
}

// tenantNode is tenantIs as a filter node.
func tenantNode(id string) expr.Node {
	return expr.Node{Cond: &expr.Cond{Path: []string{tenant.Attr}, Op: expr.Eq, Values: []types.AttributeValue{&types.AttributeValueMemberS{Value: id}}}}
}

// CheckTenant refuses item, read for a tenant-scoped model m in the scope
// of tenant id, unless it is stored for id and under id's key prefix
// (when the read returned its partition key): ErrCrossTenant. In the
// system scope (id "") every tenant's items are read. Items of other
// models pass.
func CheckTenant(m *model.Model, id string, item map[string]types.AttributeValue) error {
	if !m.Tenant || id == "" || item == nil {
		return nil
	}
	if s, ok := item[tenant.Attr].(*types.AttributeValueMemberS); ok && s.Value == id && ownKey(item[m.PK.Attr], id) {
		return nil
	}
	return fmt.Errorf("%w: %s: an item read (%s) is not stored for tenant %q; it is not returned", errs.ErrCrossTenant, m.Name(), DescribeKey(m, item), id)
}

// ownKey reports whether partition key pk (nil: not read) is tenant id's.
func ownKey(pk types.AttributeValue, id string) bool {
	if pk == nil {
		return true
	}
	s, ok := pk.(*types.AttributeValueMemberS)
	if !ok {
		return false
	}
	owner, ok := tenant.Owner(s.Value)
	return ok && owner == id
}

// CheckTenants is CheckTenant for each of items.
func CheckTenants(m *model.Model, id string, items []map[string]types.AttributeValue) error {
	if !m.Tenant || id == "" {
		return nil
	}
	for _, item := range items {
		if err := CheckTenant(m, id, item); err != nil {
			return err
		}
	}
	return nil
}

// CheckTenant is CheckTenant for the items r returns.
func (r *Read) CheckTenant(item map[string]types.AttributeValue) error {
	if r.tenantModel == nil {
		return nil
	}
	return CheckTenant(r.tenantModel, r.Tenant, item)
}

// CheckTenants is CheckTenant for each of items.
func (r *Read) CheckTenants(items []map[string]types.AttributeValue) error {
	if r.tenantModel == nil {
		return nil
	}
	return CheckTenants(r.tenantModel, r.Tenant, items)
}

// withTenantAttr is keep with the tenant attribute of a tenant-scoped
// model, which reads always return (TenantOf, and the check of CheckTenant).
func withTenantAttr(m *model.Model, keep []string) []string {
	if !m.Tenant {
		return keep
	}
	return append(keep[:len(keep):len(keep)], tenant.Attr)
}

// TenantScoped reports whether r reads a tenant-scoped model.
func (r *Read) TenantScoped() bool { return r.tenantModel != nil }

// ExplainTenant says how r is kept to its tenant and what that costs.
func (r *Read) ExplainTenant() string {
	switch {
	case r.tenantModel == nil:
		return ""
	case r.Tenant == "":
		return "system scope: items of every tenant are read and returned"
	case r.Operation == Scan:
		return fmt.Sprintf("a Scan reads every tenant's items and returns tenant %q's (the filter on %s): the other tenants' items are read and billed too; a Query on a partition key reads only the tenant's", r.Tenant, tenant.Attr)
	}
	return fmt.Sprintf("partition key begins with %q, tenant %q's prefix", tenant.Prefix(r.Tenant), r.Tenant)
}
