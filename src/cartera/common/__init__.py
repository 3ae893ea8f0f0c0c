"""Shared pieces: money, validation of contact data, role scoping, company settings."""
