"""Sales team."""
