"""Reads of the rating, the profiles and the contact plan, scoped by the user's role.

The web pages and the commands call these; a salesperson sees the ratings, the history
and the contact list of their own clients only (``common.scoping.visible_to`` and, for
the frames, ``sales.selectors.owner_clause``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, Literal

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from cartera.analytics.contact_plan import attention_by_level, contacts_due
from cartera.analytics.diagnosis import Attention
from cartera.analytics.profile import (
    FitItem,
    LearnedProfile,
    MarketReality,
    Profile,
    explain_fit,
    fit_scores,
    learn_profile,
    market_reality,
    top_share,
)
from cartera.analytics.rating import AppliedCriterion, Ratings, explanation_texts
from cartera.clients.models import Account
from cartera.common.arrow import read_frame
from cartera.common.formatting import current_locale, format_number
from cartera.common.scoping import SYSTEM, sees_all, visible_to
from cartera.ratings.compute import StoredProfile, conform_to_profile
from cartera.ratings.definitions import DEFAULT_POLICY_NAME, FREQUENCY_DEFAULTS
from cartera.ratings.inputs import (
    ACCOUNT_SCHEMA,
    ATTRIBUTE_COLUMNS,
    accounts_frame,
    activities_frame,
    next_actions_frame,
)
from cartera.ratings.models import (
    AccountFit,
    ContactFrequency,
    IdealProfile,
    Rating,
    RatingChange,
    RatingPolicyVersion,
    RatingRun,
)
from cartera.sales.selectors import owner_clause

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cartera.users.models import User


# --- policies and profiles --------------------------------------------------------------


def active_policy_version(name: str | None = None) -> RatingPolicyVersion | None:
    """Return the active version of policy ``name`` (the default policy when omitted)."""
    return RatingPolicyVersion.objects.filter(
        name=(name or DEFAULT_POLICY_NAME), is_active=True
    ).first()


def policy_versions(name: str | None = None) -> QuerySet[RatingPolicyVersion]:
    """Return every version of policy ``name``, newest first."""
    return RatingPolicyVersion.objects.filter(name=(name or DEFAULT_POLICY_NAME)).order_by(
        "-version"
    )


def active_profiles() -> list[StoredProfile]:
    """Return the active ideal client profiles, by name."""
    return [
        StoredProfile(stored.pk, stored.profile())
        for stored in IdealProfile.objects.filter(is_active=True).order_by("name")
    ]


def contact_frequencies() -> dict[str, int]:
    """Return the target days between contacts per level: the stored plan over the defaults."""
    plan = dict(FREQUENCY_DEFAULTS)
    plan.update(ContactFrequency.objects.values_list("level", "days"))
    return plan


def latest_run() -> RatingRun | None:
    """Return the most recent rating run, if any."""
    return RatingRun.objects.select_related("policy").order_by("-id").first()


def ratings_policy() -> RatingPolicyVersion | None:
    """Return the policy version of the stored ratings, if any.

    That of the last run: a run replaces every rating in one transaction.
    """
    run = latest_run()
    return run.policy if run is not None else None


# --- ratings of accounts ---------------------------------------------------------------


def ratings_visible_to(user: User | AnonymousUser) -> QuerySet[Rating]:
    """Return the current ratings ``user`` may see (a salesperson: their own clients)."""
    return visible_to(Rating.objects.select_related("account"), user)


def stored_ratings_frame() -> pl.DataFrame:
    """Return every stored rating: ``account_id``, ``level``, ``level_rank``, ``score``,
    ``scale`` (the labels of the policy that made it, joined by ``|``)."""
    frame = read_frame(
        "SELECT account_id, level, level_rank, score FROM ratings_rating",
        schema={
            "account_id": pl.Int64,
            "level": pl.String,
            "level_rank": pl.Int32,
            "score": pl.Int64,
        },
    )
    version = ratings_policy()
    scale = "|".join(version.policy().scale.labels) if version is not None else None
    return frame.with_columns(pl.lit(scale, pl.String).alias("scale"))


@dataclass(frozen=True, slots=True)
class CriterionPart:
    """One criterion's part in a stored rating: ``value`` of ``measure`` earned ``points``."""

    criterion: str
    label: str
    measure: str
    effect: str
    weight: float
    max_points: float
    value: float | None
    fraction: float
    points: int


@dataclass(frozen=True, slots=True)
class FitView:
    """An account's fit to the profile it fits best, explained per condition (S4.1)."""

    profile: str
    fit: int
    items: tuple[FitItem, ...]


@dataclass(frozen=True, slots=True)
class AccountRating:
    """What the client file shows of the rating: level and score with their explanation,
    the ABC class beside it (not part of it), the profile fit and the recent history."""

    level: str | None
    score: int | None
    text: str
    items: tuple[CriterionPart, ...]
    adjustment: int
    abc: str
    as_of: dt.date | None
    policy: str
    fit: FitView | None
    history: tuple[RatingChange, ...]

    @property
    def total(self) -> int:
        """Return the points of the items plus the adjustment (equal to the score)."""
        return sum(item.points for item in self.items) + self.adjustment


def _applied(version: RatingPolicyVersion, keys: Sequence[str]) -> list[AppliedCriterion]:
    """Return the criteria of ``version`` that were applied, with their max points."""
    criteria = [c for c in version.policy().criteria if c.key in keys]
    rewards = sum(c.weight for c in criteria if c.effect == "reward") or 1.0
    return [AppliedCriterion(c, 100.0 * c.weight / rewards) for c in criteria]


def _fit_view(account: Account) -> FitView | None:
    stored = AccountFit.objects.filter(account=account).select_related("profile").first()
    if stored is None:
        return None
    profile = stored.profile.profile()
    frame = conform_to_profile(accounts_frame(user=SYSTEM, account_id=account.pk), profile)
    if frame.is_empty():
        return None
    scores = fit_scores(frame, profile, id_column="client")
    explained = explain_fit(scores, frame, str(account.pk))
    return FitView(profile.name, explained.fit, explained.items)


# The library's explanation templates reach gettext at run time only; marked here so that
# makemessages keeps them in the catalogues.
EXPLANATION_TEMPLATES: Final = (
    gettext_noop("{level}: {reasons}"),
    gettext_noop("no points"),
    gettext_noop("kept within 0–100 {points}"),
    gettext_noop("{label}: no data"),
    # An English ordinal: a translation may say {value} instead ("percentil {value}").
    # xgettext:no-python-brace-format
    gettext_noop("{label} {ordinal} percentile"),
    # xgettext:no-python-format
    gettext_noop("{label} lower than {value}% of clients"),
    gettext_noop("{label} {value}%"),
    gettext_noop("{label} {value} purchase days"),
    gettext_noop("{label} {value} active months"),
    gettext_noop("{label} {value} days"),
    gettext_noop("{label} {value} years"),
    gettext_noop("{label}: last purchase {value} days ago"),
    gettext_noop("pays {value} days late"),
    # xgettext:no-python-format
    gettext_noop("{label} {value}% on time"),
)


def rating_texts(
    ratings: Sequence[Rating], *, version: RatingPolicyVersion | None = None
) -> dict[int, str]:
    """Return the short explanation of each stored rating by account id, in the active language.

    "B: revenue 72nd percentile +29, pays 34 days late −8": written from the stored
    explanation and its policy version (``version``, else :func:`ratings_policy`) when
    read, so that each reader gets their own language (a page of an API list, one
    client file), not the language of whoever ran the rating.
    """
    rows = list(ratings)
    version = version or ratings_policy()
    texts: dict[int, str] = {}
    if rows and version is not None:
        parts = [rating.explanation or {} for rating in rows]
        applied = _applied(version, list(dict.fromkeys(key for part in parts for key in part)))
        columns: dict[str, pl.Series] = {
            "client": pl.Series([str(r.account_id) for r in rows], dtype=pl.String),
            "score": pl.Series([r.score for r in rows], dtype=pl.Int64),
            "level": pl.Series([r.level for r in rows], dtype=pl.String),
            "level_rank": pl.Series([r.level_rank for r in rows], dtype=pl.Int32),
            "adjustment": pl.Series([r.adjustment for r in rows], dtype=pl.Int64),
        }
        for criterion in applied:
            key = criterion.key
            items = [part.get(key) or [None, 0.0, 0] for part in parts]
            columns[f"value__{key}"] = pl.Series([i[0] for i in items], dtype=pl.Float64)
            columns[f"fraction__{key}"] = pl.Series([i[1] for i in items], dtype=pl.Float64)
            columns[f"points__{key}"] = pl.Series([int(i[2]) for i in items], dtype=pl.Int64)
        stored = Ratings(pl.DataFrame(columns), version.policy(), tuple(applied), ())
        locale = current_locale()
        written = explanation_texts(
            stored,
            translate=gettext,
            format_number=lambda value, digits: format_number(value, locale=locale, digits=digits),
        )
        texts.update(zip(map(int, written["client"]), written["text"], strict=True))
    return texts


def account_rating(account: Account, *, user: User | AnonymousUser | None = None) -> AccountRating:
    """Return the rating of ``account`` with its explanation, fit and recent history.

    With ``user``, refuse (PermissionDenied) an account that user may not see; without,
    the caller has already fetched the account through a scoped selector. An account
    without a rating (a prospect, a lost client, or before the first run) has ``level``
    None but may still have a fit.
    """
    if user is not None and not visible_to(Account.objects.filter(pk=account.pk), user).exists():
        raise PermissionDenied
    history = tuple(RatingChange.objects.filter(account=account).order_by("-date", "-id")[:10])
    stored = Rating.objects.filter(account=account).first()
    version = ratings_policy()
    fit = _fit_view(account)
    if stored is None or version is None:
        return AccountRating(None, None, "", (), 0, "", None, "", fit, history)
    parts = stored.explanation or {}
    items = tuple(
        CriterionPart(
            criterion=a.key,
            label=a.criterion.label,
            measure=a.criterion.measure,
            effect=a.effect,
            weight=a.criterion.weight,
            max_points=a.max_points,
            value=parts[a.key][0],
            fraction=parts[a.key][1],
            points=int(parts[a.key][2]),
        )
        for a in _applied(version, list(parts))
    )
    return AccountRating(
        level=stored.level,
        score=stored.score,
        text=rating_texts([stored], version=version)[stored.account_id],
        items=items,
        adjustment=stored.adjustment,
        abc=stored.abc,
        as_of=stored.as_of,
        policy=str(version),
        fit=fit,
        history=history,
    )


def rating_changes(
    user: User | AnonymousUser,
    since: dt.date,
    *,
    until: dt.date | None = None,
    old_level: str | None = None,
    new_level: str | None = None,
) -> QuerySet[RatingChange]:
    """Return the level changes ``user`` may see from ``since`` (e.g. who moved A → B).

    ``old_level`` / ``new_level`` narrow to one move; first ratings are included (old
    level empty) unless ``old_level`` is given.
    """
    changes = visible_to(RatingChange.objects.all(), user).filter(date__gte=since)
    if until is not None:
        changes = changes.filter(date__lte=until)
    if old_level is not None:
        changes = changes.filter(old_level=old_level)
    if new_level is not None:
        changes = changes.filter(new_level=new_level)
    return changes.select_related("account", "policy").order_by("-date", "account__code")


def level_counts(user: User | AnonymousUser) -> dict[str, int]:
    """Return how many of the clients ``user`` sees are at each level, best first."""
    rows = (
        ratings_visible_to(user)
        .order_by()
        .values("level_rank", "level")
        .annotate(clients=Count("pk"))
        .order_by("level_rank", "level")
    )
    return {row["level"]: row["clients"] for row in rows}


# --- the contact plan (S2.2, S2.3) -------------------------------------------------------


_RATED_SQL = """
SELECT r.account_id AS account_id, a.code AS code,
       COALESCE(NULLIF(a.trade_name, ''), a.legal_name) AS name, o.name AS salesperson,
       r.level AS level, r.level_rank AS level_rank, r.score AS score,
       r.revenue AS revenue_cents, r.abc AS abc, a.status AS status
FROM ratings_rating r
JOIN clients_account a ON a.id = r.account_id
LEFT JOIN team_salesperson o ON o.id = a.owner_id
"""


def rated_clients_frame(
    *, user: User | AnonymousUser, salesperson: str | None = None
) -> pl.DataFrame:
    """Return the rated active clients ``user`` may see, with their owner and value.

    Columns: ``client`` (account id as text), ``account_id``, ``code``, ``name``,
    ``salesperson``, ``level``, ``level_rank``, ``score``, ``revenue_cents``, ``abc``.
    """
    where = [owner_clause(user), "a.status = 'client'"]
    if salesperson:
        where.append("o.name = '" + salesperson.replace("'", "''") + "'")
    frame = read_frame(
        f"{_RATED_SQL} WHERE {' AND '.join(where)}",
        schema={
            "account_id": pl.Int64,
            "code": pl.String,
            "name": pl.String,
            "salesperson": pl.String,
            "level": pl.String,
            "level_rank": pl.Int32,
            "score": pl.Int64,
            "revenue_cents": pl.Int64,
            "abc": pl.String,
            "status": pl.String,
        },
    )
    return frame.with_columns(pl.col("account_id").cast(pl.String).alias("client")).drop("status")


def contacts_due_for(
    user: User | AnonymousUser,
    as_of: dt.date,
    *,
    salesperson: str | None = None,
    horizon_days: int = 0,
) -> pl.DataFrame:
    """Return the clients due for a contact by ``as_of``, ranked by value at stake (S2.3).

    Per salesperson: ``rank``, ``code``, ``name``, ``level``, ``revenue_cents``,
    ``last_contact``, ``next_action``, ``due_date``, ``days_overdue``, ``status``
    (overdue / due / upcoming) and ``reason`` (rhythm / next_action / never_contacted).
    A client with a next-action date appears on that date.
    """
    clients = rated_clients_frame(user=user, salesperson=salesperson)
    frequencies = contact_frequencies()
    due = contacts_due(
        clients.with_columns(pl.col("salesperson").fill_null("—")),
        as_of=as_of,
        activities=activities_frame(user=user, until=as_of),
        next_actions=next_actions_frame(user=user),
        frequencies={
            level: frequencies.get(level, max(frequencies.values()))
            for level in clients["level"].unique().to_list()
        },
        horizon_days=horizon_days,
    )
    return due.join(clients.select("client", "code", "name"), on="client", how="left").select(
        "salesperson",
        "rank",
        "code",
        "name",
        "level",
        "revenue_cents",
        "last_contact",
        "next_action",
        "due_date",
        "days_overdue",
        "status",
        "reason",
    )


def attention_by_salesperson(user: User | AnonymousUser, as_of: dt.date) -> dict[str, Attention]:
    """Return, per salesperson ``user`` sees, contact effort by level against revenue (S2.3).

    Each value lists the levels with their share of contacts and of revenue, and the
    over-served ("C") and neglected ("A") clients.
    """
    clients = rated_clients_frame(user=user).filter(pl.col("salesperson").is_not_null())
    activities = activities_frame(user=user, until=as_of)
    result: dict[str, Attention] = {}
    # One entry per salesperson (a handful), each a vectorised pass over their book.
    for name in sorted(clients["salesperson"].unique().to_list()):
        book = clients.filter(pl.col("salesperson") == name)
        mine = activities.join(book.select("client"), on="client", how="semi")
        result[name] = attention_by_level(book, mine, as_of=as_of)
    return result


# --- profiles: suggestions and market reality (S4.1–S4.3) --------------------------------


def profile_accounts(*, user: User | AnonymousUser) -> pl.DataFrame:
    """Return the accounts ``user`` sees with their rating level, revenue and attributes."""
    accounts = accounts_frame(user=user)
    rated = read_frame(
        "SELECT account_id, level_rank, revenue FROM ratings_rating",
        schema={"account_id": pl.Int64, "level_rank": pl.Int32, "revenue": pl.Int64},
    )
    return accounts.join(rated, on="account_id", how="left")


def learnable_attributes(accounts: pl.DataFrame) -> list[str]:
    """Return the attributes a learned profile may use: firmographics and custom ones.

    Not the keys, the owner, the status, the pipeline dates or the value itself: what
    sets the best clients apart must be something a prospect can be judged on.
    """
    not_custom = {*ACCOUNT_SCHEMA, "client", "is_client", "level_rank", "revenue", "is_best"}
    standard = [c for c in ATTRIBUTE_COLUMNS if c in accounts.columns]
    return standard + [c for c in accounts.columns if c not in not_custom]


Best = Literal["rating", "top_decile"]


def profile_suggestions(
    *, user: User | AnonymousUser, best: Best = "rating", **options: Any
) -> LearnedProfile:
    """Return what today's best clients share that the rest do not (S4.3).

    ``best="rating"``: clients at the best level of their rating; ``"top_decile"``: the
    top tenth by revenue in the rating window. ``options`` go to
    :func:`cartera.analytics.profile.learn_profile` (``min_support``, ``pairs`` …).
    """
    accounts = profile_accounts(user=user).filter(
        pl.col("is_client") & pl.col("revenue").is_not_null()
    )
    flag = (
        (pl.col("level_rank") == 1)
        if best == "rating"
        else top_share(pl.col("revenue").cast(pl.Float64), 0.1)
    )
    frame = accounts.with_columns(flag.fill_null(False).alias("is_best"))
    attributes = learnable_attributes(frame)
    return learn_profile(
        frame.select("client", "is_best", *attributes),
        best="is_best",
        attributes=attributes,
        id_column="client",
        **options,
    )


def profile_market(
    *, user: User | AnonymousUser, profile: Profile, min_fit: int = 80
) -> MarketReality:
    """Return how many clients and prospects (the census, S0.2) match ``profile``."""
    accounts = conform_to_profile(accounts_frame(user=user), profile).filter(
        pl.col("status").is_in(["client", "inactive", "prospect", "qualified"])
        & (pl.col("pipeline_stage").fill_null("") != "lost")
    )
    return market_reality(
        accounts, profile, id_column="client", client_column="is_client", min_fit=min_fit
    )


# --- best clients to the best salespeople (S3.12) ----------------------------------------


def handover_suggestions(
    user: User | AnonymousUser,
    *,
    level: str | None = None,
    stay_bonus: float = 0.1,
    as_of: dt.date | None = None,
) -> pl.DataFrame:
    """Return a proposal placing the best-level clients with the best salespeople (S3.12).

    Salespeople are judged on their current book: retention (share of the clients that
    bought in the previous window and bought again in this one) and revenue growth.
    Only active salespeople are proposed; a client of someone who left is flagged
    ``current_unavailable``. Columns of
    :func:`cartera.analytics.rating.propose_assignment` plus ``code`` and ``name``.
    Empty when ``user`` may not hand clients over.
    """
    from cartera.analytics.rating import propose_assignment
    from cartera.team.models import Salesperson

    if not sees_all(user):
        return pl.DataFrame()
    clients = rated_clients_frame(user=user)
    if clients.is_empty():
        return pl.DataFrame()
    wanted = level if level is not None else clients.sort("level_rank")["level"][0]
    books = _books(user=user, as_of=as_of or timezone.localdate())
    active = set(Salesperson.objects.filter(is_active=True).values_list("name", flat=True))
    people = books.filter(pl.col("salesperson").is_in(list(active)))
    if people.is_empty():
        return pl.DataFrame()
    chosen = clients.filter(pl.col("level") == wanted)
    proposal = propose_assignment(
        chosen.select("client", "salesperson", "revenue_cents"),
        people,
        stay_bonus=stay_bonus,
    )
    return proposal.join(
        chosen.select("client", "account_id", "code", "name", "level"), on="client", how="left"
    )


def _books(*, user: User | AnonymousUser, as_of: dt.date) -> pl.DataFrame:
    """Return per salesperson ``retention`` and ``growth_pct`` of their current book."""
    from cartera.ratings.inputs import invoice_totals, invoices_frame

    today = as_of
    start = today - dt.timedelta(days=365)
    previous = start - dt.timedelta(days=365)
    # Only the two years compared: no first and last purchase before them.
    totals = invoice_totals(
        invoices_frame(since=previous), until=today, since=previous, bounds=None
    )
    owners = accounts_frame(user=user).select("client", "salesperson").drop_nulls()
    per_client = (
        totals.with_columns((pl.col("date") > start).alias("current"))
        .group_by("client")
        .agg(
            pl.col("amount_cents").filter(pl.col("current")).sum().alias("now"),
            pl.col("amount_cents").filter(~pl.col("current")).sum().alias("before"),
        )
        .join(owners, on="client", how="inner")
    )
    return per_client.group_by("salesperson").agg(
        (
            ((pl.col("before") > 0) & (pl.col("now") > 0)).sum()
            / (pl.col("before") > 0).sum().clip(lower_bound=1)
        ).alias("retention"),
        pl.when(pl.col("before").sum() > 0)
        .then((pl.col("now").sum() - pl.col("before").sum()) / pl.col("before").sum() * 100.0)
        .alias("growth_pct"),
    )
