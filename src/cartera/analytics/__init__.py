"""Portfolio analytics: a pure library (Polars and numpy in, typed results out).

Nothing here imports Django or any other part of cartera, so that a data analyst can
use it alone on a CSV file, and the web app, the CLI and the API call the very same
code. The column contract is in :mod:`cartera.analytics.frames`.
"""
