"""The audit trail: who changed what, when, from which value to which (issue 10)."""
