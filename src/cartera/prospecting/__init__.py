"""Prospecting."""
