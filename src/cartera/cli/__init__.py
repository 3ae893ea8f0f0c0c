"""The ``cartera`` command line."""
