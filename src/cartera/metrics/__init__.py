"""Per-client analytics stored beside the accounts, so lists can filter on them (S2.7)."""
