"""Errors raised by the customer-base models, each saying what went wrong and what to do."""

from __future__ import annotations


class ClvInputError(ValueError):
    """The summary handed to a model is not valid; the message names the column and row."""

    def __init__(self, message: str, *, column: str | None = None, row: int | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.row = row


class ConvergenceError(RuntimeError):
    """A maximum-likelihood fit did not reach a finite, well-defined optimum."""


class NotFittedError(AttributeError):
    """A prediction was asked of a model before ``fit`` was called."""
