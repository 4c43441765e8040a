package memdb

// This file holds the checks DynamoDB makes on a parsed condition before it
// reads any item: operand types of ordering comparisons, and operands that
// repeat the first one.

// checked validates a comparison, BETWEEN, IN or function node.
func (p *parser) checked(c *condNode) (*condNode, *apiError) {
	if c.kind == cBetween || (c.kind == cCmp && c.op != "=" && c.op != "<>") {
		for _, a := range c.args {
			if a.kind == opValue && a.val.t != tS && a.val.t != tN && a.val.t != tB {
				return nil, p.fail("Incorrect operand type for operator or function; operator or function: %s, operand type: %s", c.op, a.val.t)
			}
		}
	}
	if first := c.args[0]; first.kind == opPath && len(c.args) > 1 {
		for _, a := range c.args[1:] {
			if a.kind == opPath && samePath(first.path, a.path) {
				return nil, p.fail("The first operand must be distinct from the remaining operands for this operator or function; operator: %s, first operand: %s", c.op, first.path)
			}
		}
	}
	return c, nil
}

func samePath(a, b docPath) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func isScalar(v *value) bool { return v.t == tS || v.t == tN || v.t == tB }

// checkBounds refuses BETWEEN value bounds of different scalar types or in
// decreasing order.
func (p *parser) checkBounds(lo, hi *operand) *apiError {
	if lo.kind != opValue || hi.kind != opValue || !isScalar(lo.val) || !isScalar(hi.val) {
		return nil
	}
	if lo.val.t != hi.val.t {
		return p.fail("The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", p.ctx.valueText(lo), p.ctx.valueText(hi))
	}
	if compareScalar(lo.val, hi.val) > 0 {
		return p.fail("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: %s, upper bound operand: AttributeValue: %s", p.ctx.valueText(lo), p.ctx.valueText(hi))
	}
	return nil
}
