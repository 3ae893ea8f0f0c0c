"""The demo portfolio: ``cartera demo`` and the first ``make run``."""
