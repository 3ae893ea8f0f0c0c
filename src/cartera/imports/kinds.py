"""The kinds of rows that can be imported and exported, each with its roles and natural key.

A :class:`Kind` is built at run time from the model: the roles written out in
:mod:`cartera.imports.synonyms` come first, then one role for every other editable
field of the model (see :func:`cartera.imports.roles.role_for_field`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.analytics.io import Vocabulary
from cartera.imports import synonyms as words
from cartera.imports.roles import Role, Value, choice_words, editable_fields, role_for_field

KIND_NAMES: Final[tuple[str, ...]] = (
    "clients",
    "prospects",
    "contacts",
    "products",
    "salespeople",
    "sales",
    "payments",
    "activities",
    "campaigns",
    "goals",
)
"""Every kind of row ``cartera import`` and ``cartera export`` take."""

LABELS: Final[Mapping[str, object]] = {
    "clients": _("clients"),
    "prospects": _("prospects"),
    "contacts": _("contacts"),
    "products": _("products"),
    "salespeople": _("salespeople"),
    "sales": _("sales"),
    "payments": _("payments"),
    "activities": _("activities"),
    "campaigns": _("campaigns"),
    "goals": _("goals"),
}


class UnknownKindError(ValueError):
    """A kind of rows that cartera does not import."""


@dataclass(frozen=True, slots=True)
class Kind:
    """What one kind of import file holds.

    Attributes
    ----------
    name
        ``clients``, ``sales`` …
    model
        The model its rows become (the invoice for sales; its lines follow).
    roles
        Every role a column can take, most specific first.
    required
        Groups of roles; a file needs at least one role of each group.
    key
        Roles that identify a row (the natural key re-imports match on).
    attributes
        Whether unknown columns become custom attributes of the account.
    """

    name: str
    model: type[models.Model]
    roles: tuple[Role, ...]
    required: tuple[tuple[str, ...], ...]
    key: tuple[str, ...]
    attributes: bool = False
    _by_name: dict[str, Role] = field(init=False, repr=False, compare=False)
    _vocabulary: Vocabulary = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {r.name: r for r in self.roles})
        vocabulary = Vocabulary(self.name, {r.name: r.headers for r in self.roles}, self.required)
        object.__setattr__(self, "_vocabulary", vocabulary)

    @property
    def label(self) -> str:
        return str(LABELS[self.name])

    @property
    def vocabulary(self) -> Vocabulary:
        """Return the headers of every role, for :func:`cartera.analytics.io.recognise_headers`."""
        return self._vocabulary

    def role(self, name: str) -> Role:
        """Return the role called ``name``."""
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name


def _with_words(role: Role, key: str) -> Role:
    extra = {w: code for code, ws in words.CHOICES[key].items() for w in ws}
    return replace(role, choices={**role.choices, **extra})


def _field_roles(
    model: type[models.Model],
    headers: Mapping[str, tuple[str, ...]],
    special: Mapping[str, Role],
    *,
    skip: tuple[str, ...] = (),
) -> tuple[Role, ...]:
    """Return the roles of ``model``: ``headers`` order first, then the other fields."""
    fields = {f.name: f for f in editable_fields(model, skip=skip)}
    roles: list[Role] = []
    for name, synonyms in headers.items():
        if name in special:
            role = special[name]
            roles.append(replace(role, synonyms=(*synonyms, *role.synonyms)))
        elif name in fields:
            roles.append(role_for_field(fields[name], synonyms=synonyms))
    taken = {r.name for r in roles}
    roles += [role_for_field(f) for name, f in fields.items() if name not in taken]
    return tuple(roles)


def _reference(name: str, model_field: str | None = None, **more: object) -> Role:
    return Role(name, value=Value.REFERENCE, field=model_field or name, **more)  # type: ignore[arg-type]


def _accounts(name: str) -> Kind:
    from cartera.clients.models import Account

    def choice(field_name: str, key: str) -> Role:
        return _with_words(role_for_field(Account._meta.get_field(field_name)), key)

    special = {
        "code": replace(role_for_field(Account._meta.get_field("code")), value=Value.CODE),
        "legal_name": replace(
            role_for_field(Account._meta.get_field("legal_name")), value=Value.NAME
        ),
        "trade_name": replace(
            role_for_field(Account._meta.get_field("trade_name")), value=Value.NAME
        ),
        "tax_id": replace(role_for_field(Account._meta.get_field("tax_id")), value=Value.TAX_ID),
        "country": replace(role_for_field(Account._meta.get_field("country")), value=Value.COUNTRY),
        "phone": replace(role_for_field(Account._meta.get_field("phone")), value=Value.PHONE),
        "status": choice("status", "account_status"),
        "kind": choice("kind", "account_kind"),
        "source": choice("source", "source"),
        "revenue_band": choice("revenue_band", "revenue_band"),
        "owner": _reference("owner"),
        "campaign": _reference("campaign"),
        "attributes": Role("attributes", value=Value.JSON, field="attributes"),
    }
    roles = _field_roles(Account, words.ACCOUNT, special, skip=("is_archived",))
    roles = tuple(
        replace(r, required=True) if r.name in ("code", "legal_name") else r for r in roles
    )
    return Kind(name, Account, roles, (("code",), ("legal_name",)), ("code",), attributes=True)


def _contacts() -> Kind:
    from cartera.clients.models import Contact

    special = {
        "client": _reference("client", "account", required=True),
        "name": replace(
            role_for_field(Contact._meta.get_field("name")), value=Value.NAME, required=True
        ),
        "phone": replace(role_for_field(Contact._meta.get_field("phone")), value=Value.PHONE),
    }
    roles = _field_roles(Contact, words.CONTACT, special)
    return Kind("contacts", Contact, roles, (("client",), ("name",)), ("client", "name"))


def _products() -> Kind:
    from cartera.catalog.models import Product

    special = {
        "sku": replace(
            role_for_field(Product._meta.get_field("sku")), value=Value.CODE, required=True
        ),
        "name": replace(
            role_for_field(Product._meta.get_field("name")), value=Value.NAME, required=True
        ),
        "list_price": replace(role_for_field(Product._meta.get_field("list_price")), minimum=0),
        "unit_cost": replace(role_for_field(Product._meta.get_field("unit_cost")), minimum=0),
    }
    roles = _field_roles(Product, words.PRODUCT, special)
    return Kind("products", Product, roles, (("sku",), ("name",)), ("sku",))


def _salespeople() -> Kind:
    from cartera.team.models import Salesperson

    special = {
        "name": replace(
            role_for_field(Salesperson._meta.get_field("name")), value=Value.NAME, required=True
        ),
        "phone": replace(role_for_field(Salesperson._meta.get_field("phone")), value=Value.PHONE),
    }
    roles = _field_roles(Salesperson, words.SALESPERSON, special)
    return Kind("salespeople", Salesperson, roles, (("name",),), ("name",))


def _sales() -> Kind:
    from cartera.sales.models import Sale, SaleLine

    sale = Sale._meta.get_field
    line = SaleLine._meta.get_field
    roles = (
        replace(role_for_field(sale("number")), name="invoice", value=Value.CODE, required=True),
        replace(role_for_field(line("line_no")), name="line", minimum=1),
        _with_words(role_for_field(sale("kind")), "sale_kind"),
        _reference("client", "account", required=True),
        replace(role_for_field(sale("date")), required=True),
        role_for_field(sale("due_date")),
        _reference("salesperson"),
        _with_words(role_for_field(sale("channel")), "channel"),
        _reference("product"),
        Role("product_name", value=Value.NAME, max_length=200),
        Role("family", value=Value.TEXT, max_length=100),
        replace(role_for_field(line("quantity")), above_zero=True),
        replace(role_for_field(line("unit_price")), minimum=0),
        replace(role_for_field(line("discount_pct")), minimum=0, maximum=100),
        role_for_field(line("amount")),
        role_for_field(line("cost")),
        Role("unit_cost", value=Value.MONEY, minimum=0),
    )
    roles = tuple(replace(r, synonyms=words.SALE[r.name]) for r in roles)
    required = (("invoice",), ("client",), ("date",), ("amount", "unit_price", "product"))
    return Kind("sales", Sale, roles, required, ("invoice", "line"))


def _payments() -> Kind:
    from cartera.receivables.models import Payment

    special = {
        "reference": replace(
            role_for_field(Payment._meta.get_field("reference")), value=Value.CODE, required=True
        ),
        "client": _reference("client", "account", required=True),
        "invoice": _reference("invoice", "sale"),
        "date": replace(role_for_field(Payment._meta.get_field("date")), required=True),
        "amount": replace(
            role_for_field(Payment._meta.get_field("amount")), required=True, above_zero=True
        ),
        "method": _with_words(role_for_field(Payment._meta.get_field("method")), "payment_method"),
    }
    roles = _field_roles(Payment, words.PAYMENT, special)
    required = (("reference",), ("client",), ("date",), ("amount",))
    return Kind("payments", Payment, roles, required, ("reference",))


def _activities() -> Kind:
    from cartera.activities.models import Activity

    special = {
        "client": _reference("client", "account", required=True),
        "date": replace(role_for_field(Activity._meta.get_field("date")), required=True),
        "kind": replace(
            _with_words(role_for_field(Activity._meta.get_field("kind")), "activity_kind"),
            required=True,
        ),
        "salesperson": _reference("salesperson"),
        "contact": _reference("contact"),
        "outcome": _with_words(role_for_field(Activity._meta.get_field("outcome")), "outcome"),
    }
    roles = _field_roles(Activity, words.ACTIVITY, special)
    required = (("client",), ("date",), ("kind",))
    return Kind("activities", Activity, roles, required, ("client", "date", "kind", "summary"))


def _campaigns() -> Kind:
    from cartera.prospecting.models import Campaign

    special = {
        "name": replace(
            role_for_field(Campaign._meta.get_field("name")), value=Value.NAME, required=True
        ),
        "source": replace(
            _with_words(role_for_field(Campaign._meta.get_field("source")), "source"),
            required=True,
        ),
        "started_on": replace(
            role_for_field(Campaign._meta.get_field("started_on")), required=True
        ),
        "cost": replace(role_for_field(Campaign._meta.get_field("cost")), minimum=0),
    }
    roles = _field_roles(Campaign, words.CAMPAIGN, special)
    required = (("name",), ("source",), ("started_on",))
    return Kind("campaigns", Campaign, roles, required, ("name",))


def _goals() -> Kind:
    from cartera.goals.models import Goal

    special = {
        "salesperson": _reference("salesperson"),
        "year": replace(
            role_for_field(Goal._meta.get_field("year")), required=True, minimum=1900, maximum=2200
        ),
        "month": replace(role_for_field(Goal._meta.get_field("month")), minimum=1, maximum=12),
        "target": replace(role_for_field(Goal._meta.get_field("target")), required=True, minimum=0),
    }
    roles = _field_roles(Goal, words.GOAL, special)
    return Kind("goals", Goal, roles, (("year",), ("target",)), ("salesperson", "year", "month"))


@cache
def kind_named(name: str) -> Kind:
    """Return the kind of rows called ``name`` (see :data:`KIND_NAMES`).

    Raises
    ------
    UnknownKindError
        When cartera does not import that kind.
    """
    builders = {
        "clients": lambda: _accounts("clients"),
        "prospects": lambda: _accounts("prospects"),
        "contacts": _contacts,
        "products": _products,
        "salespeople": _salespeople,
        "sales": _sales,
        "payments": _payments,
        "activities": _activities,
        "campaigns": _campaigns,
        "goals": _goals,
    }
    if name not in builders:
        raise UnknownKindError(
            _("Unknown kind %(kind)s; expected one of %(kinds)s.")
            % {"kind": name, "kinds": ", ".join(KIND_NAMES)}
        )
    return builders[name]()


__all__ = ["KIND_NAMES", "Kind", "UnknownKindError", "choice_words", "kind_named"]
