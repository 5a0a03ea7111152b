package session

import (
	"errors"
	"fmt"
)

// Error codes, as PROTOCOL.md names them.
const (
	CodeBadMessage  = "bad_message"
	CodeInvalid     = "invalid"
	CodeForbidden   = "forbidden"
	CodeNotFound    = "not_found"
	CodeLocked      = "locked"
	CodeClosed      = "closed"
	CodeBudget      = "budget"
	CodeRateLimited = "rate_limited"
	CodeUnavailable = "unavailable"
)

// Error is a refusal that a client can act on. An operation that returns one changed nothing.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) *Error {
	return &Error{Code: CodeInvalid, Message: fmt.Sprintf(format, args...), Field: field}
}

func notFound(field, what, id string) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf("no %s with id %q", what, id), Field: field}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, else "".
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}
