"""Compare two ratings: who moved up, who moved down, who is new, who is gone."""

from __future__ import annotations

import polars as pl


def level_changes(previous: pl.DataFrame, current: pl.DataFrame) -> pl.DataFrame:
    """Return the clients whose level differs between two ratings.

    Parameters
    ----------
    previous, current
        Frames with ``client``, ``level`` and ``level_rank`` (1 is the best level), such
        as :attr:`Ratings.frame`; both must use the same scale.

    Returns
    -------
    polars.DataFrame
        ``client``, ``old_level``, ``new_level`` (null when absent on that side) and
        ``change``: ``"up"``, ``"down"``, ``"new"`` or ``"gone"``; sorted by client.
        Clients whose level did not change are left out.
    """
    columns = ["client", "level", "level_rank"]
    old = previous.select(columns).rename({"level": "old_level", "level_rank": "_old_rank"})
    new = current.select(columns).rename({"level": "new_level", "level_rank": "_new_rank"})
    old_rank, new_rank = pl.col("_old_rank"), pl.col("_new_rank")
    change = (
        pl.when(old_rank.is_null())
        .then(pl.lit("new"))
        .when(new_rank.is_null())
        .then(pl.lit("gone"))
        .when(new_rank < old_rank)
        .then(pl.lit("up"))
        .when(new_rank > old_rank)
        .then(pl.lit("down"))
    )
    return (
        old.join(new, on="client", how="full", coalesce=True)
        .with_columns(change.alias("change"))
        .filter(pl.col("change").is_not_null())
        .select("client", "old_level", "new_level", "change")
        .sort("client")
    )
