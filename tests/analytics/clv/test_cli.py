"""`cartera clv FILE`: the CDNOW sample as a Spanish CSV, and bad input (issue 4, S1.5, S0.4)."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import typer
from typer.testing import CliRunner

from cartera.cli import clv


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    application = typer.Typer()
    clv.register(application)
    application.command("noop")(lambda: None)  # a second command keeps `clv` a subcommand
    return application


@pytest.fixture(scope="module")
def ventas(cdnow_sales: pl.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """CDNOW written as a Spanish sales file: dd/mm/yyyy dates, decimal commas."""
    path = tmp_path_factory.mktemp("clv") / "ventas.csv"
    cdnow_sales.select(
        pl.col("client").alias("Cliente"),
        pl.col("date").dt.strftime("%d/%m/%Y").alias("Fecha"),
        pl.col("amount").cast(pl.String).str.replace(".", ",", literal=True).alias("Importe"),
    ).write_csv(path, separator=";")
    return path


def test_cdnow_file_gives_the_published_fit_and_a_priced_portfolio(
    app: typer.Typer, ventas: Path, tmp_path: Path
) -> None:
    out_json, out_csv = tmp_path / "clv.json", tmp_path / "clv.csv"
    result = CliRunner().invoke(
        app,
        [
            *("clv", str(ventas), "--calibration-end", "1997-09-30", "--json", str(out_json)),
            *("--csv", str(out_csv), "--horizon", "12", "--discount", "0.01", "--draws", "40"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert report["model"] == "bgnbd"
    assert report["clients"] == 2357
    assert {k: round(v, 3) for k, v in report["params"].items()} == {
        "r": 0.243,
        "alpha": 4.414,
        "a": 0.793,
        "b": 2.426,
    }
    assert round(report["log_likelihood"], 1) == -9582.4
    value = report["portfolio_value"]
    assert value["low"] < value["value"] < value["high"]
    assert value["draws"] == 40
    assert len(report["at_risk"]) == 20
    assert all(row["p_alive"] < 0.5 for row in report["at_risk"])
    rows = pl.read_csv(out_csv, schema_overrides={"client": pl.String})
    assert rows.height == 2357
    assert rows.columns[:5] == ["client", "frequency", "recency", "T", "monetary"]
    assert {"p_alive", "expected_purchases", "expected_spend", "clv"} <= set(rows.columns)
    assert rows["clv"].sum() == pytest.approx(value["value"], abs=0.01)


def test_pareto_model_by_option(app: typer.Typer, ventas: Path, tmp_path: Path) -> None:
    out_json = tmp_path / "clv.json"
    result = CliRunner().invoke(
        app,
        [
            *("clv", str(ventas), "--model", "paretonbd", "--calibration-end", "1997-09-30"),
            *("--json", str(out_json), "--draws", "20"),
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(out_json.read_text(encoding="utf-8"))
    assert round(report["params"]["r"], 3) == 0.553
    assert round(report["log_likelihood"], 1) == -9595.0


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--model", "pareto"], "--model must be bgnbd or paretonbd"),
        (["--calibration-end", "30/09/1997"], "expects a date YYYY-MM-DD"),
        (["--period", "month"], "--period must be day or week"),
        (["--calibration-end", "1997-01-01"], "no repeat purchases"),
    ],
)
def test_bad_input_is_a_located_message_and_exit_code_2(
    app: typer.Typer, ventas: Path, options: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["clv", str(ventas), *options])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output


def test_unreadable_file_exits_2(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["clv", str(tmp_path / "missing.csv")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
