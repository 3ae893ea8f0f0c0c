"""Workbooks of the report pages, written by :mod:`cartera.reporting` where it has one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import IO, TYPE_CHECKING

import polars as pl
from django.utils.translation import gettext as _

from cartera.analytics.diagnosis import Diagnosis
from cartera.metrics.portfolio import portfolio_valuation, scoped_values
from cartera.reporting import write_xlsx
from cartera.web.selectors import accounts_by_code

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User


def _spool(write: object) -> IO[bytes]:
    """Run ``write(path)`` into a temporary directory and return the file opened, rewound."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "book.xlsx"
        write(path)  # type: ignore[operator]
        # The open handle keeps the data after the directory is removed (POSIX).
        return path.open("rb")


def diagnosis_workbook(diagnosis: Diagnosis) -> IO[bytes]:
    """Return the workbook of ``cartera analyze --xlsx`` for ``diagnosis``."""
    return _spool(lambda path: write_xlsx(diagnosis, path))


def value_workbook(*, user: User | AnonymousUser) -> IO[bytes] | None:
    """Return the value of every client ``user`` sees, and the portfolio's, as a workbook."""
    values = scoped_values(user=user)
    if values is None:
        return None
    valuation = portfolio_valuation(user=user)
    accounts = accounts_by_code(user=user, codes=values["client"].to_list())
    names = pl.DataFrame(
        {
            "client": list(accounts),
            "name": [a.display_name for a in accounts.values()],
        },
        schema={"client": pl.String, "name": pl.String},
    )
    clients = (
        values.join(names, on="client", how="left")
        .select(
            pl.col("client").alias(_("Code")),
            pl.col("name").alias(_("Name")),
            pl.col("p_alive").alias(_("P(alive)")),
            pl.col("expected_purchases").alias(_("Expected purchases, 12 months")),
            pl.col("clv").round(2).alias(_("Lifetime value, 12 months")),
            pl.col("value_at_risk").round(2).alias(_("Value at risk")),
            pl.col("at_risk").alias(_("At risk")),
        )
        .sort(_("Lifetime value, 12 months"), descending=True)
    )
    book = valuation.value
    summary = pl.DataFrame(
        {
            _("Figure"): [
                _("Clients valued"),
                _("Portfolio value, 12 months"),
                _("Low end of the interval"),
                _("High end of the interval"),
                _("Interval level"),
            ],
            _("Value"): [
                float(valuation.clients),
                float(book.value) if book else None,
                float(book.low) if book else None,
                float(book.high) if book else None,
                book.level if book else None,
            ],
        }
    )

    def write(path: Path) -> None:
        import xlsxwriter

        with xlsxwriter.Workbook(path) as workbook:
            summary.write_excel(workbook, _("Summary"), autofit=True)
            clients.write_excel(
                workbook,
                _("Clients"),
                autofilter=True,
                freeze_panes=(1, 0),
                autofit=clients.height <= 10_000,
                float_precision=2,
            )

    return _spool(write)
