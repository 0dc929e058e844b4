"""Errors meant for the operator: the message says what is wrong and what to do."""


class KioskError(RuntimeError):
    """A start-up or command failure with an operator-facing message."""
