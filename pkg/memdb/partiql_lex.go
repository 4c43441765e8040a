package memdb

import "strings"

// PartiQL for DynamoDB, the common subset: SELECT (projections of paths,
// WHERE, ORDER BY the sort key), INSERT ... VALUE, UPDATE ... SET/REMOVE
// ... WHERE (SET values may use + and -, list_append, set_add and
// set_delete), DELETE ... WHERE, with ? parameters. A statement is parsed
// into DynamoDB expressions with placeholders and run as the equivalent
// GetItem, Query, Scan, PutItem, UpdateItem, DeleteItem or transaction, so
// WHERE clauses go through the same parser and evaluator as every other
// expression.

type pqKind uint8

const (
	pqEOF     pqKind = iota
	pqIdent          // bare identifier or keyword
	pqQuoted         // "quoted identifier"
	pqString         // 'string literal'
	pqNumber         // number literal
	pqParam          // ?
	pqSym            // punctuation and operators
	pqBadChar        // a character outside the language
)

type pqToken struct {
	kind      pqKind
	text      string // identifier, literal or symbol text (unquoted)
	line, col int    // 1-based position, for DynamoDB Local's messages
}

// pqSymbols are the multi-character symbols, longest first.
var pqSymbols = []string{"<<", ">>", "<=", ">=", "<>", "!="}

// lexPartiQL splits a statement into tokens; ok is false on an unterminated
// literal or a character outside the language.
func lexPartiQL(src string) ([]pqToken, bool) {
	var toks []pqToken
	line, lineStart := 1, 0
	add := func(kind pqKind, text string, at int) {
		toks = append(toks, pqToken{kind, text, line, at - lineStart + 1})
	}
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			i++
			line, lineStart = line+1, i
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '\'' || c == '"':
			text, n, ok := quoted(src[i:], c)
			if !ok {
				return nil, false
			}
			kind := pqString
			if c == '"' {
				kind = pqQuoted
			}
			add(kind, text, i)
			i += n
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] >= '0' && src[j] <= '9' || src[j] == '.' || src[j] == 'e' || src[j] == 'E' ||
				(src[j] == '-' || src[j] == '+') && (src[j-1] == 'e' || src[j-1] == 'E')) {
				j++
			}
			add(pqNumber, src[i:j], i)
			i = j
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			add(pqIdent, src[i:j], i)
			i = j
		case c == '?':
			add(pqParam, "?", i)
			i++
		default:
			sym := ""
			for _, s := range pqSymbols {
				if strings.HasPrefix(src[i:], s) {
					sym = s
					break
				}
			}
			if sym == "" && strings.IndexByte("*,.[]{}():=<>+-", c) >= 0 {
				sym = src[i : i+1]
			}
			if sym == "" {
				return nil, false
			}
			add(pqSym, sym, i)
			i += len(sym)
		}
	}
	return append(toks, pqToken{kind: pqEOF, line: line, col: len(src) - lineStart + 1}), true
}

// quoted reads a literal quoted with q (a doubled q is one q); it returns
// the text, the bytes consumed and whether the literal was terminated.
func quoted(s string, q byte) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != q {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == q {
			b.WriteByte(q)
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}
