"""The client list as one selector (S2.7): scope, filters, sort and keyset pages.

The page, the CSV/XLSX export and the saved views read through :func:`accounts_listed`,
so an export holds exactly what the list shows. Pages are cut by keyset ("the 50 rows
after this one in this order") instead of ``OFFSET``: page 20,000 of a million clients
costs what page 1 costs, because the database seeks in the sort index instead of
counting and discarding every row before the page.

A sort on a stored metric (last purchase, revenue, value) puts the accounts without
metrics (prospects, clients never refreshed) after the others; each part is read with
its own index-friendly condition.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Final

from django.core.cache import cache
from django.db.models import F, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cartera.clients.filters import AccountFilterForm
from cartera.clients.models import Account, Status
from cartera.clients.selectors import accounts_visible_to
from cartera.common.scoping import salesperson_of, sees_all
from cartera.metrics.models import RfmSegment

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import Promise

    from cartera.users.models import User

PAGE_SIZE: Final = 50
COUNT_CAP: Final = 1_000
"""Matches counted exactly up to here; beyond, the page says "more than 1,000".

The same query hands over the matching ids when there are at most this many, so the
page sorts only those; a longer list is read by walking the sort index instead."""
_FIRST_CHUNK: Final = 1_000
_LAST_CHUNK: Final = 4_000
_WALK_BUDGET: Final = 6_000
"""Index entries a walk reads before handing over to the database's own plan: a filter
that goes against the sort (class B sorted by revenue: every A comes first) would
otherwise read most of the index."""


@dataclass(frozen=True, slots=True)
class Sort:
    """One way of ordering the list: a field, then the id to break ties."""

    key: str
    field: str
    label: Promise
    nullable: bool
    kind: type
    descending_first: bool = False
    """Whether a click on the column heading sorts largest first."""


SORTS: Final[dict[str, Sort]] = {
    s.key: s
    for s in (
        Sort("name", "legal_name", _("Name"), False, str),
        Sort("code", "code", _("Code"), False, str),
        Sort("city", "city", _("City"), False, str),
        Sort("last_purchase", "metrics__last_purchase", _("Last purchase"), True, dt.date, True),
        Sort("revenue", "metrics__window_revenue", _("Revenue, 12 months"), True, Decimal, True),
        Sort("clv", "metrics__clv", _("Lifetime value"), True, Decimal, True),
    )
}
DEFAULT_SORT: Final = "name"


def parse_sort(text: str | None) -> tuple[Sort, bool]:
    """Return the sort and whether it is descending for ``name`` / ``-revenue``."""
    raw = (text or "").strip()
    descending = raw.startswith("-")
    sort = SORTS.get(raw.lstrip("-"), SORTS[DEFAULT_SORT])
    return sort, descending if raw.lstrip("-") in SORTS else False


def sort_toggles(current: Sort, descending: bool) -> dict[str, str]:
    """Return, per sortable column, the ``sort`` value its heading link sets.

    The current column flips direction; another starts in its natural direction
    (largest first for amounts and dates).
    """
    toggles: dict[str, str] = {}
    for key, sort in SORTS.items():
        down = not descending if sort is current else sort.descending_first
        toggles[key] = f"-{key}" if down else key
    return toggles


def metrics_or_none(account: Account) -> Any:
    """Return the account's stored metrics, or ``None`` when it has none yet."""
    try:
        return account.metrics
    except Account.metrics.RelatedObjectDoesNotExist:
        return None


@dataclass(frozen=True, slots=True)
class ListedRow:
    """One line of the list: the account, its metrics and their labels, ready to show."""

    account: Account
    metrics: Any
    status: str
    segment: str


def rows_shown(accounts: list[Account]) -> list[ListedRow]:
    """Return the page's rows with the status and RFM labels looked up once per page.

    ``get_status_display`` hashes every (lazy, translated) choice label on each call;
    two of those per row cost a page of fifty rows more than its queries.
    """
    statuses = {value: str(label) for value, label in Status.choices}
    segments = {value: str(label) for value, label in RfmSegment.choices}
    shown: list[ListedRow] = []
    for account in accounts:
        metrics = metrics_or_none(account)
        segment = segments.get(metrics.rfm_segment, "") if metrics is not None else ""
        shown.append(ListedRow(account, metrics, statuses.get(account.status, ""), segment))
    return shown


def accounts_listed(*, user: User | AnonymousUser, form: AccountFilterForm) -> QuerySet[Account]:
    """Return the accounts ``user`` may see, narrowed by ``form``'s filters (unordered)."""
    accounts = accounts_visible_to(user)
    if not sees_all(user):
        seller = salesperson_of(user)
        if seller is not None:
            # The same scope again, as the owner's id: through the owner's user id (a
            # join) the planner cannot tell a salesperson's book is small, and reads a
            # whole city instead of the owner index in name order.
            accounts = accounts.filter(owner_id=seller.pk)
    return form.apply(accounts)


def listed_with_columns(queryset: QuerySet[Account]) -> QuerySet[Account]:
    """Return ``queryset`` with what the list shows beside each account, in one query."""
    return queryset.select_related("owner", "metrics")


def ordered(queryset: QuerySet[Account], sort: Sort, descending: bool) -> QuerySet[Account]:
    """Return ``queryset`` in the list's order (accounts without the metric last)."""
    field = F(sort.field)
    first = field.desc(nulls_last=True) if descending else field.asc(nulls_last=True)
    return queryset.order_by(first, "-pk" if descending else "pk")


def _encode(value: Any, pk: int) -> str:
    text = None if value is None else value.isoformat() if hasattr(value, "isoformat") else value
    raw = json.dumps([None if text is None else str(text), pk], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str, sort: Sort) -> tuple[Any, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        text, pk = json.loads(raw)
        if text is None:
            return None, int(pk)
        if sort.kind is dt.date:
            return dt.date.fromisoformat(text), int(pk)
        if sort.kind is Decimal:
            return Decimal(text), int(pk)
        return str(text), int(pk)
    except (ValueError, TypeError, InvalidOperation, json.JSONDecodeError):
        return None  # a hand-edited cursor starts the list again


@dataclass(frozen=True, slots=True)
class KeysetPage:
    rows: list[Account]
    next_cursor: str | None
    previous_cursor: str | None


def _value(account: Account, sort: Sort) -> Any:
    target: Any = account
    for part in sort.field.split("__"):
        try:
            target = getattr(target, part)
        except Account.metrics.RelatedObjectDoesNotExist:
            return None
        if target is None:
            return None
    return target


def _parts(
    queryset: QuerySet[Account], sort: Sort, descending: bool, *, forward: bool
) -> list[tuple[QuerySet[Account], bool]]:
    """Return the ordered parts of the list in reading direction, flagged ``is_null``."""
    field = sort.field
    upward = descending != forward  # whether values grow in the reading direction
    pk_order = "pk" if upward else "-pk"
    with_value = queryset.order_by(f"{'' if upward else '-'}{field}", pk_order)
    if not sort.nullable:
        return [(with_value, False)]
    with_value = with_value.filter(**{f"{field}__isnull": False})
    # The accounts without the metric come last going forward, and first going back.
    without = queryset.filter(**{f"{field}__isnull": True}).order_by(
        "pk" if forward != descending else "-pk"
    )
    return (
        [(with_value, False), (without, True)]
        if forward
        else [(without, True), (with_value, False)]
    )


def _after_condition(
    field: str, id_field: str, value: Any, pk: int, *, upward: bool, inclusive: bool = False
) -> Q:
    """Return "(field, id) comes after (value, pk)" in the direction ``upward``.

    With ``inclusive``, (value, pk) itself matches too: the walk's "up to this entry".
    """
    # "field >= v AND (field > v OR pk > id)": the first half is an index range the
    # database seeks to; the second drops the rows of the previous page with equal value.
    tie = "gte" if inclusive else "gt"
    if upward:
        return Q(**{f"{field}__gte": value}) & (
            Q(**{f"{field}__gt": value}) | Q(**{f"{id_field}__{tie}": pk})
        )
    tie = "lte" if inclusive else "lt"
    return Q(**{f"{field}__lte": value}) & (
        Q(**{f"{field}__lt": value}) | Q(**{f"{id_field}__{tie}": pk})
    )


def _walker(sort: Sort) -> tuple[QuerySet[Any], str, str]:
    """Return the rows to walk in sort order (unfiltered), their sort field and id field.

    The walk only yields ids in order; every id is then checked against the user's
    filtered (and scoped) queryset, so walking rows the user may not see leaks nothing.
    """
    if sort.field.startswith("metrics__"):
        from cartera.metrics.models import ClientMetrics

        field = sort.field.removeprefix("metrics__")
        return ClientMetrics.objects.filter(**{f"{field}__isnull": False}), field, "account_id"
    return Account.objects.all(), sort.field, "pk"


def _walk(
    part: QuerySet[Account],
    sort: Sort,
    *,
    upward: bool,
    position: tuple[Any, int] | None,
    wanted: int,
) -> list[Account]:
    """Return up to ``wanted`` rows of ``part`` in order, by walking the sort index.

    For a long match list: each step reads where a chunk of the sort index ends (one
    index seek), then asks for the matching rows between the last position and that
    end, at most the ones the page still needs; the chunk grows while matches are
    sparse. After :data:`_WALK_BUDGET` entries the rest of the page is left to the
    database's plan, from where the walk stopped.

    The chunk is handed over as a range of the sort key, not as its ids: a list of
    literal ids cost more in Python (building and binding thousands of parameters)
    than the database took to walk the index, and PostgreSQL joined an ``IN
    (subquery)`` by hashing every row of the filter instead of probing the chunk's.
    """
    rows_to_walk, field, id_field = _walker(sort)
    order = (field if upward else f"-{field}", id_field if upward else f"-{id_field}")
    found: list[Account] = []
    chunk, walked = _FIRST_CHUNK, 0
    while len(found) < wanted:
        chunk = min(chunk, _WALK_BUDGET - walked)
        if chunk <= 0:
            rest = (
                part
                if position is None
                else part.filter(_after_condition(sort.field, "pk", *position, upward=upward))
            )
            found.extend(rest[: wanted - len(found)])
            break
        walk = rows_to_walk
        if position is not None:
            walk = walk.filter(_after_condition(field, id_field, *position, upward=upward))
        ends = list(walk.order_by(*order).values_list(field, id_field)[chunk - 1 : chunk])
        end: tuple[Any, int] | None = ends[0] if ends else None
        if position is not None:
            here = part.filter(_after_condition(sort.field, "pk", *position, upward=upward))
        else:
            # From the index's first entry: a range bounded on both sides is one the
            # planners read through the sort index (SQLite guesses a quarter of the
            # table for a one-sided range, and picked a filter's index instead).
            first = list(walk.order_by(*order).values_list(field, id_field)[:1])
            if not first:
                break
            here = part.filter(
                _after_condition(sort.field, "pk", *first[0], upward=upward, inclusive=True)
            )
        if end is not None:
            # Up to the chunk's last entry included: "after it" the other way round.
            here = here.filter(
                _after_condition(sort.field, "pk", *end, upward=not upward, inclusive=True)
            )
        found.extend(here[: wanted - len(found)])
        if len(found) >= wanted or end is None:
            break  # the page is full, or the chunk ran to the end of the index
        position = end
        walked += chunk
        chunk = min(chunk * 2, _LAST_CHUNK)
    return found[:wanted]


def keyset_page(
    queryset: QuerySet[Account],
    *,
    sort: Sort,
    descending: bool,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
    walk: bool = False,
) -> KeysetPage:
    """Return the ``size`` accounts after cursor ``after`` (or before ``before``).

    Without a cursor, return the first page. Cursors are opaque strings of the sort
    value and id of the last (or first) row shown. With ``walk``, rows with a value are
    found by walking the sort index (see :func:`_walk`): the plan for long match lists.
    """
    forward = before is None
    position = _decode(after or before or "", sort) if (after or before) else None
    parts = _parts(queryset, sort, descending, forward=forward)
    start = 0
    if position is not None:
        start = next(
            (i for i, (_q, is_null) in enumerate(parts) if is_null == (position[0] is None)), 0
        )
    rows: list[Account] = []
    upward = descending != forward
    for index in range(start, len(parts)):
        part, is_null = parts[index]
        here = position if index == start else None
        wanted = size + 1 - len(rows)
        if walk and not is_null:
            rows.extend(_walk(part, sort, upward=upward, position=here, wanted=wanted))
        else:
            if here is not None and is_null:
                null_upward = forward != descending
                part = part.filter(pk__gt=here[1]) if null_upward else part.filter(pk__lt=here[1])
            elif here is not None:
                part = part.filter(_after_condition(sort.field, "pk", *here, upward=upward))
            rows.extend(part[:wanted])
        if len(rows) > size:
            break
    more = len(rows) > size
    rows = rows[:size]
    if not forward:
        rows.reverse()
    if not rows:
        return KeysetPage([], None, None)
    first, last = rows[0], rows[-1]
    has_next = more if forward else True
    has_previous = (position is not None) if forward else more
    return KeysetPage(
        rows,
        _encode(_value(last, sort), last.pk) if has_next else None,
        _encode(_value(first, sort), first.pk) if has_previous else None,
    )


@dataclass(frozen=True, slots=True)
class ListPage:
    page: KeysetPage
    count: int
    more: bool
    """Whether more than :data:`COUNT_CAP` accounts match (``count`` is then the cap)."""


def list_page(
    queryset: QuerySet[Account],
    *,
    sort: Sort,
    descending: bool,
    after: str | None = None,
    before: str | None = None,
    size: int = PAGE_SIZE,
) -> ListPage:
    """Return a page of the filtered list and how many accounts match, in few queries.

    One query fetches the ids of up to :data:`COUNT_CAP` + 1 matching accounts: it is
    the count, and when the list is short the page sorts just those ids. A longer list
    is read by walking the sort index, which finds a page after a few thousand index
    entries at most, instead of sorting every match (hundreds of thousands at a million
    clients).
    """
    ids = list(queryset.order_by().values_list("pk", flat=True)[: COUNT_CAP + 1])
    more = len(ids) > COUNT_CAP
    columns = listed_with_columns(queryset)
    if not more:
        columns = listed_with_columns(Account.objects.filter(pk__in=ids))
    page = keyset_page(
        columns, sort=sort, descending=descending, after=after, before=before, size=size, walk=more
    )
    return ListPage(page, min(len(ids), COUNT_CAP), more)


SUGGESTED: Final = ("city", "region", "segment")
SUGGESTIONS_SHOWN: Final = 500
_SUGGESTIONS_SECONDS: Final = 600


def _suggestions_key(user: User | AnonymousUser) -> str:
    from cartera.common.dataversion import Topic, data_versions
    from cartera.metrics.portfolio import scope_of

    (version,) = data_versions(Topic.ACCOUNTS)
    return f"cartera:suggestions:{scope_of(user)}:{version}"


def list_suggestions(*, user: User | AnonymousUser) -> dict[str, list[str]]:
    """Return the values offered as you type in the text filters (cities, segments, SKUs …).

    Read once per scope and accounts version: a distinct over a million accounts is an
    index scan too slow to repeat on every page. The catalogue is not versioned, so
    its part expires after ten minutes.
    """
    from cartera.catalog.models import Product
    from cartera.common.scoping import visible_to

    key = _suggestions_key(user)
    found = cache.get(key)
    if found is None:
        accounts = accounts_visible_to(user)
        products = visible_to(Product.objects.all(), user)
        found = {
            field: list(
                accounts.exclude(**{field: ""})
                .order_by(field)
                .values_list(field, flat=True)
                .distinct()[:SUGGESTIONS_SHOWN]
            )
            for field in SUGGESTED
        }
        found["product"] = list(
            products.order_by("sku").values_list("sku", flat=True)[:SUGGESTIONS_SHOWN]
        )
        found["family"] = list(
            products.exclude(family="")
            .order_by("family")
            .values_list("family", flat=True)
            .distinct()[:SUGGESTIONS_SHOWN]
        )
        cache.set(key, found, _SUGGESTIONS_SECONDS)
    return found


def suggestion_datalists(*, user: User | AnonymousUser) -> SafeString:
    """Return the ``<datalist>`` elements of :func:`list_suggestions`, written once.

    Kept beside the suggestions (same key, same lifetime): a template loop over several
    hundred options cost every page more than its queries.
    """
    key = _suggestions_key(user) + ":html"
    written = cache.get(key)
    if written is None:
        written = "".join(
            f'<datalist id="{escape(name)}-options">'
            + "".join(f'<option value="{escape(value)}">' for value in values)
            + "</datalist>\n"
            for name, values in list_suggestions(user=user).items()
        )
        cache.set(key, written, _SUGGESTIONS_SECONDS)
    # Safe: every name and value was escaped above.
    return mark_safe(written)
