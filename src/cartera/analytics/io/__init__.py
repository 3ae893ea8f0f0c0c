"""Read sales (and, through the same pieces, any other) files in Spanish, Portuguese or English.

The building blocks, each usable alone:

- :mod:`~cartera.analytics.io.headers`: recognise headers from a vocabulary of synonyms;
- :mod:`~cartera.analytics.io.numbers`: ``1.234,56`` / ``1,234.56`` decided per column,
  money parsed exactly to integer cents;
- :mod:`~cartera.analytics.io.dates`: ``dd/mm/yyyy``, ISO, ``dd-mm-yy``, Excel serials;
- :mod:`~cartera.analytics.io.tables`: open CSV (encoding and delimiter sniffed),
  spreadsheets and Parquet;
- :mod:`~cartera.analytics.io.columns`: convert columns and locate every bad value;
- :mod:`~cartera.analytics.io.errors`: :class:`ReadError` with located :class:`Problem` s.
"""

from cartera.analytics.io.activities import ACTIVITIES_VOCABULARY, read_activities
from cartera.analytics.io.columns import (
    ColumnFormat,
    ColumnSpec,
    Converted,
    ValueKind,
    convert_columns,
    detect_formats,
)
from cartera.analytics.io.dates import DateFormat
from cartera.analytics.io.errors import Problem, ReadError
from cartera.analytics.io.headers import (
    HeaderMatch,
    Vocabulary,
    normalise_header,
    recognise_headers,
)
from cartera.analytics.io.numbers import NumberFormat, parse_cents, parse_number
from cartera.analytics.io.sales import SALES_VOCABULARY, SalesFile, read_sales, sales_from_table
from cartera.analytics.io.tables import RawTable, open_table, sniff_delimiter, sniff_encoding

__all__ = [
    "ACTIVITIES_VOCABULARY",
    "SALES_VOCABULARY",
    "ColumnFormat",
    "ColumnSpec",
    "Converted",
    "DateFormat",
    "HeaderMatch",
    "NumberFormat",
    "Problem",
    "RawTable",
    "ReadError",
    "SalesFile",
    "ValueKind",
    "Vocabulary",
    "convert_columns",
    "detect_formats",
    "normalise_header",
    "open_table",
    "parse_cents",
    "parse_number",
    "read_activities",
    "read_sales",
    "recognise_headers",
    "sales_from_table",
    "sniff_delimiter",
    "sniff_encoding",
]
