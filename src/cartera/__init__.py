"""cartera: customer portfolio management with portfolio analytics."""

__version__ = "0.1.0"
