"""Receivables: what clients owe, how they pay, what to provision and what to chase.

In Spanish business usage the *cartera* is also the money clients owe. This package
matches payments to invoices as of any date and derives from that matching the
ageing, the provision for doubtful debts (S1.11), the payment behaviour and solvency
that credit limits rest on (S1.8), the dunning list, the cash flow (S3.6) and the
balance of risk and profitability (S1.9, S3.9.3, S3.12). Frames in, typed results or
frames out; no Django.

Invoices (:data:`~cartera.analytics.receivables.columns.INVOICES`)
--------------------------------------------------------------------
=============== ====== ======== =====================================================
column          dtype  required meaning
=============== ====== ======== =====================================================
invoice         String yes      invoice or credit-note number, unique
client          String yes      client code
date            Date   yes      issue date
due_date        Date   yes      due date (may be empty where ``terms_days`` is given)
amount_cents    Int64  yes      amount owed; **negative: a credit note**
terms_days      Int64  no       payment terms: an empty due date is date + terms_days
applies_to      String no       for a credit note: the invoice it corrects
salesperson     String no       salesperson of the sale
segment         String no       client segment (S1.6)
abc             String no       ABC or margin class of the client (S3.7)
=============== ====== ======== =====================================================

Any other column (contact, phone, city …) is carried through to the open items, the
ageing and the dunning list.

Payments (:data:`~cartera.analytics.receivables.columns.PAYMENTS`)
--------------------------------------------------------------------
=============== ====== ======== =====================================================
column          dtype  required meaning
=============== ====== ======== =====================================================
payment         String yes      payment reference, unique
client          String yes      client code
date            Date   yes      date the money was received
amount_cents    Int64  yes      amount received, positive
invoice         String no       the invoice it pays (explicit allocation)
=============== ====== ======== =====================================================

``amount`` in currency units may be given instead of ``amount_cents`` in either frame.

How money is matched
--------------------
A payment that names an invoice pays it first; the rest of a client's payments pay
its invoices oldest due first (then oldest issued, then by number); what exceeds the
invoices is unapplied credit on the account, used by the next invoices. A credit note
(a negative invoice) is applied like a payment dated on its issue date: to the invoice
in ``applies_to`` when given, otherwise oldest due first; it reduces what is owed but
is not a collection (cash flow and days late count payments only). See
:mod:`cartera.analytics.receivables.allocation` for the consistency across dates.

Money is integer cents in frames and :class:`~decimal.Decimal` in typed results.
"""

from __future__ import annotations

from cartera.analytics.receivables.ageing import Ageing, BucketTotal, age_open_items, ageing
from cartera.analytics.receivables.allocation import (
    Allocation,
    OpenItems,
    Priority,
    allocate,
    open_items,
)
from cartera.analytics.receivables.behaviour import days_sales_outstanding, payment_behaviour
from cartera.analytics.receivables.buckets import DEFAULT_BUCKETS, Buckets
from cartera.analytics.receivables.cashflow import (
    CollectionForecast,
    expected_collections,
    monthly_cashflow,
)
from cartera.analytics.receivables.columns import (
    INVOICES,
    PAYMENTS,
    prepare_invoices,
    prepare_payments,
)
from cartera.analytics.receivables.credit import CreditPolicy, LimitReason, propose_credit_limits
from cartera.analytics.receivables.dunning import (
    DEFAULT_STEPS,
    DunningAction,
    DunningList,
    DunningStep,
    dunning_list,
)
from cartera.analytics.receivables.provisions import (
    DEFAULT_PERCENTS,
    BucketProvision,
    Provision,
    ProvisionMovement,
    ProvisionPolicy,
    provision,
    provision_movement,
)
from cartera.analytics.receivables.risk import credit_concentration, credit_exposure, risk_matrix
from cartera.analytics.receivables.solvency import SolvencyWeights, risk_class, solvency

__all__ = [
    "DEFAULT_BUCKETS",
    "DEFAULT_PERCENTS",
    "DEFAULT_STEPS",
    "INVOICES",
    "PAYMENTS",
    "Ageing",
    "Allocation",
    "BucketProvision",
    "BucketTotal",
    "Buckets",
    "CollectionForecast",
    "CreditPolicy",
    "DunningAction",
    "DunningList",
    "DunningStep",
    "LimitReason",
    "OpenItems",
    "Priority",
    "Provision",
    "ProvisionMovement",
    "ProvisionPolicy",
    "SolvencyWeights",
    "age_open_items",
    "ageing",
    "allocate",
    "credit_concentration",
    "credit_exposure",
    "days_sales_outstanding",
    "dunning_list",
    "expected_collections",
    "monthly_cashflow",
    "open_items",
    "payment_behaviour",
    "prepare_invoices",
    "prepare_payments",
    "propose_credit_limits",
    "provision",
    "provision_movement",
    "risk_class",
    "risk_matrix",
    "solvency",
]
