"""Qualification checklist: qualify prospects fast, discard what has no potential (S0.6).

A checklist is a list of profile conditions (needs confirmed, payment capacity, fit score
at least 60 …) that must all hold; the company edits it as data.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cartera.analytics.profile.conditions import Condition
from cartera.analytics.rating.policy import PolicyError


def qualification(
    prospects: pl.DataFrame, checklist: Sequence[Condition], *, id_column: str = "prospect"
) -> pl.DataFrame:
    """Return, per prospect, whether it passes every item of ``checklist`` and what fails.

    Returns
    -------
    polars.DataFrame
        ``id_column``, ``qualified`` (Boolean: every item met), ``failed`` (keys of the
        items not met) and ``unknown`` (keys of the items whose attribute is not known
        yet: the questions still to ask).
    """
    if not checklist:
        raise PolicyError("needs at least one item", path="checklist")
    if id_column not in prospects.columns:
        raise PolicyError(f"the prospects have no column {id_column!r}", path="prospects")
    for index, item in enumerate(checklist):
        if item.attribute not in prospects.columns:
            raise PolicyError(
                f"the prospects have no column {item.attribute!r}",
                path=f"checklist[{index}].attribute",
            )
    met = [item.expression() for item in checklist]
    failed = pl.concat_list(
        pl.when(m.not_()).then(pl.lit(item.key)) for m, item in zip(met, checklist, strict=True)
    ).list.drop_nulls()
    unknown = pl.concat_list(
        pl.when(m.is_null()).then(pl.lit(item.key)) for m, item in zip(met, checklist, strict=True)
    ).list.drop_nulls()
    return prospects.select(
        pl.col(id_column),
        pl.all_horizontal(m.fill_null(False) for m in met).alias("qualified"),
        failed.alias("failed"),
        unknown.alias("unknown"),
    )
