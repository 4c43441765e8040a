package difftest

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/dynamorm/dynamorm/tests/conformance"
)

// expr collects the placeholders of one request's expressions.
type expr struct {
	g      *Gen
	names  map[string]string
	values Item
}

func (g *Gen) expr() *expr { return &expr{g: g, names: map[string]string{}, values: Item{}} }

func (e *expr) name(a string) string {
	p := "#" + strings.ReplaceAll(a, "-", "_")
	e.names[p] = a
	return p
}

func (e *expr) val(v AV) string {
	p := fmt.Sprintf(":v%d", len(e.values))
	e.values[p] = v
	return p
}

// path is a random document path over the attribute pool.
func (e *expr) path() string {
	g := e.g
	top := e.name(g.oneOf(append(attrs, "pk", "sk")...))
	switch g.pick(5) {
	case 0:
		return top + "." + e.name(g.oneOf("x", "y", "z"))
	case 1:
		return fmt.Sprintf("%s[%d]", top, g.pick(3))
	case 2:
		return top + "." + e.name(g.oneOf("x", "y")) + "." + e.name("z")
	}
	return top
}

// operandValue is a value for comparisons: mostly scalars of the pool.
func (e *expr) operandValue() string {
	if e.g.chance(0.75) {
		return e.val(e.g.scalar(e.g.oneOf("S", "N", "B")))
	}
	return e.val(e.g.Value(1))
}

// cond is a random condition of at most depth levels of AND/OR/NOT.
func (e *expr) cond(depth int) string {
	g := e.g
	if depth > 0 && g.chance(0.3) {
		switch g.pick(3) {
		case 0:
			return "(" + e.cond(depth-1) + ") AND (" + e.cond(depth-1) + ")"
		case 1:
			return e.cond(depth-1) + " OR " + e.cond(depth-1)
		}
		return "NOT " + e.cond(depth-1)
	}
	p := e.path()
	switch g.pick(9) {
	case 0:
		return "attribute_exists(" + p + ")"
	case 1:
		return "attribute_not_exists(" + p + ")"
	case 2:
		return "attribute_type(" + p + ", " + e.val(&types.AttributeValueMemberS{Value: g.oneOf("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M")}) + ")"
	case 3:
		return "begins_with(" + p + ", " + e.operandValue() + ")"
	case 4:
		return "contains(" + p + ", " + e.operandValue() + ")"
	case 5:
		return p + " BETWEEN " + e.operandValue() + " AND " + e.operandValue()
	case 6:
		return p + " IN (" + e.operandValue() + ", " + e.operandValue() + ")"
	case 7:
		return "size(" + p + ") " + g.oneOf("=", "<", ">=") + " " + e.val(&types.AttributeValueMemberN{Value: fmt.Sprint(g.pick(4))})
	}
	rhs := e.operandValue()
	if g.chance(0.15) {
		rhs = e.path()
	}
	return p + " " + g.oneOf("=", "<>", "<", "<=", ">", ">=") + " " + rhs
}

// update is a random update expression.
func (e *expr) update() string {
	g := e.g
	var set, remove, add, del []string
	for i, n := 0, 1+g.pick(3); i < n; i++ {
		p := e.path()
		switch g.pick(8) {
		case 0, 1:
			set = append(set, p+" = "+e.val(g.Value(2)))
		case 2:
			set = append(set, p+" = "+e.path()+" + "+e.val(g.scalar("N")))
		case 3:
			set = append(set, p+" = if_not_exists("+e.path()+", "+e.val(g.Value(1))+")")
		case 4:
			set = append(set, p+" = list_append("+e.path()+", "+e.val(&types.AttributeValueMemberL{Value: []AV{g.Value(0)}})+")")
		case 5:
			remove = append(remove, p)
		case 6:
			add = append(add, p+" "+e.val(g.oneOfAV(g.scalar("N"), &types.AttributeValueMemberSS{Value: []string{g.oneOf("a", "b")}})))
		default:
			del = append(del, p+" "+e.val(&types.AttributeValueMemberSS{Value: []string{g.oneOf("a", "b")}}))
		}
	}
	var parts []string
	for _, c := range []struct {
		kw   string
		list []string
	}{{"SET", set}, {"REMOVE", remove}, {"ADD", add}, {"DELETE", del}} {
		if len(c.list) > 0 {
			parts = append(parts, c.kw+" "+strings.Join(c.list, ", "))
		}
	}
	return strings.Join(parts, " ")
}

func (g *Gen) oneOfAV(v ...AV) AV { return v[g.pick(len(v))] }

// projection is a random projection expression of one to three paths.
func (e *expr) projection() string {
	var ps []string
	seen := map[string]bool{}
	for i, n := 0, 1+e.g.pick(3); i < n; i++ {
		p := e.path()
		top := strings.SplitN(strings.SplitN(p, ".", 2)[0], "[", 2)[0]
		if !seen[top] {
			seen[top] = true
			ps = append(ps, p)
		}
	}
	return strings.Join(ps, ", ")
}

func (e *expr) namesOrNil() map[string]string {
	if len(e.names) == 0 {
		return nil
	}
	return e.names
}

func (e *expr) valuesOrNil() Item {
	if len(e.values) == 0 {
		return nil
	}
	return e.values
}

// step makes a conformance step whose name renders its input.
func step[In, Out any](op string, f func(*dynamodb.Client, context.Context, In, ...func(*dynamodb.Options)) (Out, error), in In) conformance.Step {
	return conformance.Step{Name: op + " " + render(in), Do: func(ctx context.Context, c *dynamodb.Client) (any, error) { return f(c, ctx, in) }}
}

func render(v any) string {
	return fmt.Sprint(canonJSON(conformance.Normalize(v, false)))
}

// Request is a random request on the current schema.
func (g *Gen) Request() conformance.Step {
	t := aws.String(g.schema.Name)
	switch k := g.pick(20); {
	case k < 5:
		in := &dynamodb.PutItemInput{TableName: t, Item: g.Item()}
		if g.chance(0.5) {
			e := g.expr()
			in.ConditionExpression = aws.String(e.cond(2))
			in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.namesOrNil(), e.valuesOrNil()
			if g.chance(0.3) {
				in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
			}
		}
		if g.chance(0.3) {
			in.ReturnValues = types.ReturnValueAllOld
		}
		return step("PutItem", (*dynamodb.Client).PutItem, in)
	case k < 9:
		e := g.expr()
		in := &dynamodb.UpdateItemInput{TableName: t, Key: g.Key(), UpdateExpression: aws.String(e.update()),
			ReturnValues: []types.ReturnValue{types.ReturnValueNone, types.ReturnValueAllOld, types.ReturnValueAllNew, types.ReturnValueUpdatedOld, types.ReturnValueUpdatedNew}[g.pick(5)]}
		if g.chance(0.4) {
			in.ConditionExpression = aws.String(e.cond(1))
		}
		in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.namesOrNil(), e.valuesOrNil()
		return step("UpdateItem", (*dynamodb.Client).UpdateItem, in)
	case k < 10:
		in := &dynamodb.DeleteItemInput{TableName: t, Key: g.Key(), ReturnValues: types.ReturnValueAllOld}
		if g.chance(0.5) {
			e := g.expr()
			in.ConditionExpression = aws.String(e.cond(1))
			in.ExpressionAttributeNames, in.ExpressionAttributeValues = e.namesOrNil(), e.valuesOrNil()
		}
		return step("DeleteItem", (*dynamodb.Client).DeleteItem, in)
	case k < 12:
		in := &dynamodb.GetItemInput{TableName: t, Key: g.Key(), ConsistentRead: aws.Bool(true)}
		if g.chance(0.6) {
			e := g.expr()
			in.ProjectionExpression = aws.String(e.projection())
			in.ExpressionAttributeNames = e.namesOrNil()
		}
		return step("GetItem", (*dynamodb.Client).GetItem, in)
	case k < 15:
		return g.query()
	case k < 17:
		return g.scan()
	case k < 18:
		return g.batchWrite()
	case k < 19:
		return g.batchGet()
	}
	return g.transactWrite()
}

// canonJSON sorts map keys for stable rendering.
func canonJSON(v any) string {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k, v := range x {
			if v != "" {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%q:%s", k, canonJSON(x[k]))
		}
		return "{" + strings.Join(parts, ",") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = canonJSON(e)
		}
		return "[" + strings.Join(parts, ",") + "]"
	case string:
		return fmt.Sprintf("%q", x)
	}
	return fmt.Sprint(v)
}
