"""``/reports``: the analyses as JSON, for what the caller may see.

Each report reuses the selector and the serialiser of the page or command that shows
it: the diagnosis of ``cartera analyze --json`` (S1.10, S3.7, S4.4), the ageing of
``cartera receivables aging --json`` (S1.11), the portfolio value of the value page
(S1.5, S1.7) and the revenue forecast of the goals app (S3.5, S3.8).
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from cartera.api.schemas import Problem
from cartera.api.types import Day

router = Router(tags=["reports"])

Report = dict[str, Any]
RESPONSES = {200: Report, 401: Problem, 422: Problem}


class AgeingQuery(Schema):
    as_of: Day | None = Field(None, description="Default: today.")
    by: Literal["client", "salesperson", "segment", "abc"] = "client"


class ForecastQuery(Schema):
    by: Literal["salesperson", "segment", "family"] | None = None
    horizon: int = Field(12, ge=1, le=60)
    as_of: Day | None = Field(None, description="Default: today.")


@router.get("/diagnosis", response=RESPONSES)
def report_diagnosis(request: HttpRequest) -> Any:
    """Return the diagnosis of your portfolio (the JSON of ``cartera analyze``).

    ``null`` fields and an ``empty`` flag when there are no sales yet.
    """
    from cartera.metrics.portfolio import portfolio_diagnosis
    from cartera.reporting.json_report import diagnosis_to_dict

    diagnosis = portfolio_diagnosis(user=request.user)
    if diagnosis is None:
        return {"empty": True, "detail": _("There are no sales to analyse yet.")}
    return {"empty": False, **diagnosis_to_dict(diagnosis, source="cartera")}


@router.get("/ageing", response=RESPONSES)
def report_ageing(
    request: HttpRequest,
    params: Query[AgeingQuery],
) -> Any:
    """Return what is owed by overdue bucket, with the provision (``receivables aging --json``)."""
    from cartera.cli.receivables import ageing_payload
    from cartera.receivables.selectors import provisioned_ageing
    from cartera.reporting.json_report import records

    by = params.by
    day = params.as_of or timezone.localdate()
    aged, provision = provisioned_ageing(user=request.user, as_of=day, with_abc=by == "abc")
    payload = ageing_payload(aged, provision)
    payload["by"] = by
    payload["rows"] = records(aged.table(by=by))
    return payload


@router.get("/value", response=RESPONSES)
def report_value(request: HttpRequest) -> Any:
    """Return the portfolio's value over the next year with its interval and the clients at risk.

    The BG/NBD and Gamma-Gamma models of ``cartera clv`` fitted on the company's sales,
    scored on the clients you may see; amounts are estimates (numbers, not cents).
    """
    from cartera.metrics.portfolio import portfolio_valuation
    from cartera.reporting.json_report import records

    valuation = portfolio_valuation(user=request.user)
    if valuation.value is None:
        return {"value": None, "note": valuation.note, "clients": valuation.clients}
    book = valuation.value
    return {
        "value": float(book.value),
        "low": float(book.low),
        "high": float(book.high),
        "level": book.level,
        "draws": book.draws,
        "clients": valuation.clients,
        "expected_purchases": valuation.expected_purchases,
        "top": records(valuation.top),
        "at_risk": records(valuation.at_risk),
        "alive_counts": list(valuation.alive_counts),
        "note": valuation.note,
    }


@router.get("/forecast", response=RESPONSES)
def report_forecast(
    request: HttpRequest,
    params: Query[ForecastQuery],
) -> Any:
    """Return the monthly revenue forecast with its intervals and the chosen models (S3.5)."""
    from cartera.goals.selectors import NoHistoryError, forecast_report
    from cartera.reporting.json_report import records

    day = params.as_of or timezone.localdate()
    try:
        report = forecast_report(user=request.user, by=params.by, horizon=params.horizon, as_of=day)
    except NoHistoryError as exc:
        return {"empty": True, "detail": str(exc)}
    return {
        "empty": False,
        "as_of": report.as_of.isoformat(),
        "through": report.through.isoformat(),
        "by": report.by,
        "horizon": report.horizon,
        "history": records(report.forecast.history),
        "forecast": records(report.forecast.forecast),
        "models": records(report.forecast.models),
        "bottom_up": records(report.bottom_up.months),
        "bottom_up_note": report.bottom_up.note,
    }
