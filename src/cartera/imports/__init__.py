"""Bring spreadsheets in and take any list out: import and export at a million rows.

One pipeline serves every kind of row (clients, prospects, contacts, products,
salespeople, sales, payments, activities, campaigns, goals): the file is read with
the recogniser of :mod:`cartera.analytics.io`, converted and checked column-wise in
chunks, matched to what the database holds by its natural key, and written in bulk
in one transaction. :mod:`cartera.imports.services` is the entry point for the CLI,
the REST API and the web page.
"""
