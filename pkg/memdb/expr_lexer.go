package memdb

import "unicode/utf8"

// token kinds of the expression language shared by key-condition, filter,
// condition, projection and update expressions.
type tokKind uint8

const (
	tkEOF tokKind = iota
	tkIdent
	tkName  // #placeholder
	tkValue // :placeholder
	tkInt   // list index
	tkSym   // = <> < <= > >= ( ) , . [ ] + -
)

type token struct {
	kind       tokKind
	text       string
	start, end int
}

func isIdentStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isIdentChar(c byte) bool { return isIdentStart(c) || (c >= '0' && c <= '9') }

// lex splits an expression into tokens; a character it cannot read is reported
// as a syntax error at that character.
func lex(src string) ([]token, int) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isIdentStart(c):
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			toks = append(toks, token{tkIdent, src[i:j], i, j})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(src) && src[j] >= '0' && src[j] <= '9' {
				j++
			}
			toks = append(toks, token{tkInt, src[i:j], i, j})
			i = j
		case c == '#' || c == ':':
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			if j == i+1 {
				return toks, i
			}
			k := tkName
			if c == ':' {
				k = tkValue
			}
			toks = append(toks, token{k, src[i:j], i, j})
			i = j
		case c == '<':
			if i+1 < len(src) && (src[i+1] == '=' || src[i+1] == '>') {
				toks = append(toks, token{tkSym, src[i : i+2], i, i + 2})
				i += 2
			} else {
				toks = append(toks, token{tkSym, "<", i, i + 1})
				i++
			}
		case c == '>':
			if i+1 < len(src) && src[i+1] == '=' {
				toks = append(toks, token{tkSym, ">=", i, i + 2})
				i += 2
			} else {
				toks = append(toks, token{tkSym, ">", i, i + 1})
				i++
			}
		case c == '=' || c == '(' || c == ')' || c == ',' || c == '.' || c == '[' || c == ']' || c == '+' || c == '-':
			toks = append(toks, token{tkSym, src[i : i+1], i, i + 1})
			i++
		default:
			return toks, i
		}
	}
	toks = append(toks, token{tkEOF, "<EOF>", len(src), len(src)})
	return toks, -1
}

// badToken returns the character at src[bad] that the lexer could not read, as
// DynamoDB reports it, and where the "near" text of the error ends: after the
// next token, or at the end of the expression. DynamoDB reads expressions as
// UTF-16, so a character outside the Basic Multilingual Plane is reported as
// its first surrogate, which renders as U+FFFD.
func badToken(src string, bad int) (string, int) {
	r, size := utf8.DecodeRuneInString(src[bad:])
	tok := string(r)
	if r >= 0x10000 {
		tok = string(utf8.RuneError)
	}
	rest := bad + size
	toks, _ := lex(src[rest:])
	if len(toks) > 0 && toks[0].kind != tkEOF {
		return tok, rest + toks[0].end
	}
	return tok, len(src)
}
