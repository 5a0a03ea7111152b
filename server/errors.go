package main

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/arena-workshop/arena/hub"
	"github.com/arena-workshop/arena/session"
)

// HTTP-only error codes, beside the session codes.
const (
	codeUnauthorized = "unauthorized"
	codeTooLarge     = "too_large"
)

// httpStatus maps an error code to its HTTP status: the one table for HTTP.
func httpStatus(code string) int {
	switch code {
	case session.CodeBadMessage, session.CodeInvalid:
		return http.StatusBadRequest
	case codeUnauthorized:
		return http.StatusUnauthorized
	case session.CodeForbidden:
		return http.StatusForbidden
	case session.CodeNotFound:
		return http.StatusNotFound
	case session.CodeLocked, session.CodeClosed, session.CodeBudget, session.CodeStale:
		return http.StatusConflict
	case codeTooLarge:
		return http.StatusRequestEntityTooLarge
	case session.CodeRateLimited:
		return http.StatusTooManyRequests
	case session.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error *session.Error `json:"error"`
}

// fail answers with {"error":{"code","message"}} and the status of its code.
func fail(c echo.Context, code, message string) error {
	return c.JSON(httpStatus(code), errorBody{&session.Error{Code: code, Message: message}})
}

// errorHandler turns every error a handler returns (or Echo makes) into the JSON form.
func (s *server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var se *session.Error
	var he *echo.HTTPError
	switch {
	case errors.As(err, &se):
		c.JSON(httpStatus(se.Code), errorBody{se})
	case errors.Is(err, hub.ErrNotFound):
		fail(c, session.CodeNotFound, "no workshop with this code")
	case errors.As(err, &he):
		code := "error"
		switch he.Code {
		case http.StatusNotFound:
			code = session.CodeNotFound
		case http.StatusRequestEntityTooLarge:
			code = codeTooLarge
		case http.StatusBadRequest:
			code = session.CodeInvalid
		case http.StatusTooManyRequests:
			code = session.CodeRateLimited
		}
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok {
			msg = m
		}
		c.JSON(he.Code, errorBody{&session.Error{Code: code, Message: msg}})
	default:
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Path(), "err", err)
		fail(c, session.CodeUnavailable, "the server could not complete this request; try again")
	}
}
