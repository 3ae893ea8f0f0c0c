"""``cartera clv FILE``: churn risk, lifetime value and the value of a portfolio (issue 4).

Reads the file with :func:`cartera.analytics.io.read_sales` (the reader of ``cartera
analyze``), summarises it, fits BG/NBD or Pareto/NBD and Gamma-Gamma, and prints the
portfolio's value with its interval (S1.5) and the valuable clients at risk (S0.4,
S1.7); ``--json`` and ``--csv`` write the results. Django is never imported.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import polars as pl
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from cartera.analytics.io import ReadError, read_sales
from cartera.cli.sales_file import column_mapping, date_option, fail, show_problems, step

if TYPE_CHECKING:
    from cartera.analytics.clv import BetaGeo, GammaGamma, ParetoNBD, PortfolioValue
    from cartera.analytics.clv.summary import Period

console = Console()
errors = Console(stderr=True)
MODELS: tuple[str, ...] = ("bgnbd", "paretonbd")
_AT_RISK_THRESHOLD = 0.5
_AT_RISK_SHOWN = 20


def _check_options(
    model: str,
    period: str,
    calibration_end: str | None,
    horizon: int,
    discount: float,
    draws: int,
) -> dt.date | None:
    if model not in MODELS:
        raise fail(_("--model must be bgnbd or paretonbd, not {m!r}").format(m=model))
    if period not in ("day", "week"):
        raise fail(_("--period must be day or week, not {p!r}").format(p=period))
    if horizon < 1:
        raise fail(_("--horizon must be a whole number of months, 1 or more"))
    if discount <= -1.0:
        raise fail(_("--discount is a monthly rate such as 0.01 (1 %), above -1"))
    if draws < 2:
        raise fail(_("--draws must be 2 or more"))
    return date_option(calibration_end, "--calibration-end")


def _spend_ready(summary: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Return the rows Gamma-Gamma can learn from, and the summary to score.

    Clients whose repeat purchases net to zero or less (returns, credit notes) say
    nothing about spend per purchase; they are left out of the spend fit and valued at
    the population's mean spend.
    """
    netted = (pl.col("frequency") > 0) & (pl.col("monetary") <= 0)
    count = summary.filter(netted).height
    return summary.filter(~netted), summary, count


def _json_money(value: Decimal) -> float:
    return float(value)


def _report(
    *,
    model_name: str,
    purchases: BetaGeo | ParetoNBD,
    spend: GammaGamma,
    book: PortfolioValue,
    risky: pl.DataFrame,
    settings: dict[str, Any],
) -> dict[str, Any]:
    return {
        "model": model_name,
        "params": purchases.params_,
        "standard_errors": purchases.standard_errors_,
        "log_likelihood": purchases.log_likelihood_,
        "spend_model": "gammagamma",
        "spend_params": spend.params_,
        "clients": book.clients,
        "portfolio_value": {
            "value": _json_money(book.value),
            "low": _json_money(book.low),
            "high": _json_money(book.high),
            "level": book.level,
            "draws": book.draws,
        },
        "at_risk": risky.to_dicts(),
        **settings,
    }


def _print(
    model_name: str,
    purchases: BetaGeo | ParetoNBD,
    spend: GammaGamma,
    book: PortfolioValue,
    risky: pl.DataFrame,
    horizon: int,
) -> None:
    params = Table(title=_("{m} fit ({n:,} clients)").format(m=model_name, n=book.clients))
    for heading in (_("parameter"), _("estimate"), _("std. error")):
        params.add_column(heading, justify="right")
    for name, value in purchases.params_.items():
        params.add_row(name, f"{value:.4g}", f"{purchases.standard_errors_[name]:.2g}")
    for name, value in spend.params_.items():
        params.add_row(f"{name} (spend)", f"{value:.4g}", f"{spend.standard_errors_[name]:.2g}")
    console.print(params)
    console.print(_("log-likelihood {ll:,.1f}").format(ll=purchases.log_likelihood_), style="dim")
    console.print(
        _(
            "[bold]Portfolio value over {h} months:[/] {v:,.2f} "
            "({level:.0%} interval {lo:,.2f} – {hi:,.2f})"
        ).format(h=horizon, v=book.value, level=book.level, lo=book.low, hi=book.high)
    )
    table = Table(
        title=_("Valuable clients at risk (P(alive) < {t:.0%})").format(t=_AT_RISK_THRESHOLD)
    )
    for heading in (_("client"), _("P(alive)"), _("value at risk"), "CLV"):
        table.add_column(heading, justify="right")
    for row in risky.head(10).iter_rows(named=True):
        table.add_row(
            str(row["client"]),
            f"{row['p_alive']:.1%}",
            f"{row['value_at_risk']:,.2f}",
            f"{row['clv']:,.2f}",
        )
    console.print(table)


def clv(
    file: Annotated[Path, typer.Argument(help="Sales file: CSV, XLSX, XLS, ODS or Parquet.")],
    model: Annotated[
        str, typer.Option("--model", help="Purchase model: bgnbd or paretonbd.")
    ] = "bgnbd",
    calibration_end: Annotated[
        str | None,
        typer.Option(
            "--calibration-end",
            help="Last day of the data used (YYYY-MM-DD); default the last sale.",
        ),
    ] = None,
    period: Annotated[str, typer.Option("--period", help="Time unit: day or week.")] = "week",
    horizon: Annotated[int, typer.Option("--horizon", help="Months ahead to value.")] = 12,
    discount: Annotated[
        float, typer.Option("--discount", help="Monthly discount rate (0.01 = 1 %).")
    ] = 0.01,
    margin: Annotated[
        float, typer.Option("--margin", help="Share of revenue that is profit (1.0 = revenue).")
    ] = 1.0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the JSON here.")] = None,
    csv_out: Annotated[
        Path | None, typer.Option("--csv", help="Write one row per client here.")
    ] = None,
    draws: Annotated[
        int, typer.Option("--draws", help="Parameter draws behind the value's 90 % interval.")
    ] = 200,
    col: Annotated[
        list[str] | None,
        typer.Option("--col", help="Name a column: ROLE=HEADER (repeatable)."),
    ] = None,
    sheet: Annotated[
        str | None, typer.Option(help="Sheet of a spreadsheet (default the first).")
    ] = None,
) -> None:
    """Churn risk and lifetime value of every client; the portfolio's value with an interval."""
    columns = column_mapping(col or [])
    end = _check_options(model, period, calibration_end, horizon, discount, draws)
    for out in (json_out, csv_out):
        if out is not None and not out.parent.exists():
            raise fail(_("the folder of {o} does not exist").format(o=out))
    # Imported here: the models need scipy, half a second that every other command would
    # pay at start-up, since all commands are registered at once.
    from cartera.analytics.clv import (
        BetaGeo,
        ClvInputError,
        ConvergenceError,
        GammaGamma,
        ParetoNBD,
        at_risk,
        customer_value,
        portfolio_value,
        summarize,
    )

    model_class = BetaGeo if model == "bgnbd" else ParetoNBD
    unit = cast("Period", period)
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as progress:
        try:
            chosen: str | int | None = int(sheet) if sheet and sheet.isdigit() else sheet
            sales = step(
                progress,
                _("reading {f}").format(f=file.name),
                lambda: read_sales(file, columns=columns or None, sheet=chosen),
            )
        except ReadError as error:
            progress.stop()
            show_problems(error, _("The file cannot be read"))
            raise typer.Exit(code=2) from None
        if sales.frame.height == 0:
            progress.stop()
            raise fail(_("{f} has no sales lines").format(f=file))
        try:
            summary = step(
                progress,
                _("summarising {n:,} lines").format(n=sales.frame.height),
                lambda: summarize(sales.frame, calibration_end=end, period=unit),
            )
            purchases = step(
                progress,
                _("fitting {m} on {n:,} clients").format(m=model, n=summary.height),
                lambda: model_class().fit(summary["frequency"], summary["recency"], summary["T"]),
            )
            learn, score, netted = _spend_ready(summary)
            spend = step(
                progress,
                _("fitting spend per purchase"),
                lambda: GammaGamma().fit(learn["frequency"], learn["monetary"]),
            )
            if netted:
                score = score.with_columns(
                    pl.when((pl.col("frequency") > 0) & (pl.col("monetary") <= 0))
                    .then(pl.lit(spend.population_spend()))
                    .otherwise(pl.col("monetary"))
                    .alias("monetary")
                )
            options = {"horizon": horizon, "discount": discount, "margin": margin}
            values = step(
                progress,
                _("valuing clients"),
                lambda: customer_value(purchases, spend, score, period=unit, **options),
            )
            task = progress.add_task(_("portfolio interval"), total=draws)
            book = portfolio_value(
                purchases,
                spend,
                score,
                period=unit,
                draws=draws,
                progress=lambda done, _total: progress.update(task, completed=done),
                **options,
            )
        except (ClvInputError, ConvergenceError) as error:
            progress.stop()
            raise fail(str(error)) from None
    risky = at_risk(values, threshold=_AT_RISK_THRESHOLD, top=_AT_RISK_SHOWN)
    if netted:
        errors.print(
            "[yellow]"
            + _("note")
            + ":[/] "
            + _(
                "{n} client(s) whose repeat purchases net to zero or less were valued at the "
                "average spend per purchase."
            ).format(n=netted)
        )
    _print(model, purchases, spend, book, risky, horizon)
    settings = {
        "period": period,
        "calibration_end": (end or sales.frame["date"].max()).isoformat(),  # type: ignore[union-attr]
        "horizon_months": horizon,
        "discount": discount,
        "margin": margin,
        "at_risk_threshold": _AT_RISK_THRESHOLD,
        "source": file.name,
    }
    try:
        if json_out is not None:
            report = _report(
                model_name=model,
                purchases=purchases,
                spend=spend,
                book=book,
                risky=risky,
                settings=settings,
            )
            json_out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
            console.print(f"[green]{_('written')}:[/] {json_out}")
        if csv_out is not None:
            pl.concat(
                [
                    summary.select("client", "frequency", "recency", "T", "monetary"),
                    values.drop("client"),
                ],
                how="horizontal",
            ).write_csv(csv_out)
            console.print(f"[green]{_('written')}:[/] {csv_out}")
    except OSError as error:
        raise fail(_("cannot write {f}: {e}").format(f=error.filename, e=error.strerror)) from None


def register(app: typer.Typer) -> None:
    """Add ``clv`` to the ``cartera`` command."""
    app.command("clv")(clv)
