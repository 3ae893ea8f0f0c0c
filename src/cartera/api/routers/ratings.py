"""``/ratings``: each client's current rating with its explanation (S2.4, S4.5)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cartera.api.schemas import PageQuery, Problem, keyset, page_schema

router = Router(tags=["ratings"])


class RatingOut(Schema):
    account_id: int
    code: str
    level: str
    level_rank: int
    score: int
    as_of: dt.date
    abc: str
    revenue: Decimal
    text: str = Field(description="The explanation in short, in the language asked for.")
    policy: str

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.account.code)


RatingPage = page_schema(RatingOut, "RatingPage")


class RatingQuery(PageQuery):
    level: str | None = Field(None, max_length=8, description="Only this level (A, B …).")


@router.get("", response={200: RatingPage, 401: Problem, 422: Problem})
def rating_list(request: HttpRequest, params: Query[RatingQuery]) -> Any:
    """List the current ratings of the clients you may see."""
    from cartera.ratings.selectors import rating_texts, ratings_policy, ratings_visible_to

    ratings = ratings_visible_to(request.user)
    if params.level:
        ratings = ratings.filter(level=params.level)
    page = keyset(ratings, cursor=params.cursor, limit=params.limit)
    version = ratings_policy()
    texts = rating_texts(page["items"], version=version)
    for rating in page["items"]:
        rating.text = texts[rating.account_id]
        rating.policy = str(version)
    return page
