"""Invariants of the matching behind S1.11 and S3.6, on random ledgers, against a loop.

The reference below settles each client with a loop, exactly as the rules in
``allocation``'s docstring read; the library must agree with it to the cent.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cartera.analytics.receivables import ageing, allocate, open_items

START = dt.date(2026, 1, 1)
CLIENTS = ("A", "B", "C")

INVOICE_SCHEMA = {
    "invoice": pl.String,
    "client": pl.String,
    "date": pl.Date,
    "due_date": pl.Date,
    "amount_cents": pl.Int64,
    "applies_to": pl.String,
}
PAYMENT_SCHEMA = {
    "payment": pl.String,
    "client": pl.String,
    "date": pl.Date,
    "amount_cents": pl.Int64,
    "invoice": pl.String,
}


@st.composite
def ledgers(draw, explicit: bool = True):
    n_inv = draw(st.integers(0, 10))
    invoices = []
    for i in range(n_inv):
        client = draw(st.sampled_from(CLIENTS))
        day = draw(st.integers(0, 60))
        credit_note = draw(st.integers(0, 4)) == 0
        amount = draw(st.integers(1, 20_000)) * (-1 if credit_note else 1)
        terms = 0 if credit_note else draw(st.sampled_from((0, 15, 30, 45)))
        invoices.append(
            {
                "invoice": f"F{i:02d}",
                "client": client,
                "date": START + dt.timedelta(days=day),
                "due_date": START + dt.timedelta(days=day + terms),
                "amount_cents": amount,
                "applies_to": None,
            }
        )
    debts = [r for r in invoices if r["amount_cents"] > 0]

    def target(client):
        own = [r["invoice"] for r in debts if r["client"] == client]
        if not explicit or not own or draw(st.booleans()):
            return None
        return draw(st.sampled_from(own))

    for row in invoices:
        if row["amount_cents"] < 0:
            row["applies_to"] = target(row["client"])
    payments = []
    for j in range(draw(st.integers(0, 10))):
        client = draw(st.sampled_from(CLIENTS))
        payments.append(
            {
                "payment": f"P{j:02d}",
                "client": client,
                "date": START + dt.timedelta(days=draw(st.integers(0, 90))),
                "amount_cents": draw(st.integers(1, 20_000)),
                "invoice": target(client),
            }
        )
    as_of = START + dt.timedelta(days=draw(st.integers(0, 100)))
    return (
        pl.DataFrame(invoices, schema=INVOICE_SCHEMA),
        pl.DataFrame(payments, schema=PAYMENT_SCHEMA),
        as_of,
    )


def reference(invoices: pl.DataFrame, payments: pl.DataFrame, as_of, priority="due"):
    """Return {invoice: open}, {(invoice, source): amount}, {client: credit}, by loops."""
    inv = [r for r in invoices.iter_rows(named=True) if r["date"] <= as_of]
    debts = {r["invoice"]: r for r in inv if r["amount_cents"] > 0}
    sources = [
        (r["client"], "credit_note", r["invoice"], r["date"], -r["amount_cents"], r["applies_to"])
        for r in inv
        if r["amount_cents"] < 0
    ] + [
        (r["client"], "payment", r["payment"], r["date"], r["amount_cents"], r["invoice"])
        for r in payments.iter_rows(named=True)
        if r["date"] <= as_of
    ]
    residual = {k: r["amount_cents"] for k, r in debts.items()}
    applied: dict[tuple[str, str], int] = defaultdict(int)
    credit: dict[str, int] = defaultdict(int)
    pool: dict[str, list[list]] = defaultdict(list)
    for client, kind, source, date, amount, named in sorted(
        sources, key=lambda s: (s[5] or "", s[3], s[1], s[2])
    ):
        if named is None:
            pool[client].append([date, kind, source, amount])
        elif named not in debts:
            credit[client] += amount
        else:
            take = min(amount, residual[named])
            residual[named] -= take
            if take:
                applied[named, source] += take
            if amount - take:
                pool[client].append([date, kind, source, amount - take])
    keys = {
        "due": lambda r: (r["due_date"], r["date"], r["invoice"]),
        "issue": lambda r: (r["date"], r["due_date"], r["invoice"]),
    }[priority]
    for client in CLIENTS:
        queue = sorted(pool[client])
        for debt in sorted((r for r in debts.values() if r["client"] == client), key=keys):
            name = debt["invoice"]
            while residual[name] and queue:
                take = min(residual[name], queue[0][3])
                residual[name] -= take
                applied[name, queue[0][2]] += take
                queue[0][3] -= take
                if not queue[0][3]:
                    queue.pop(0)
        credit[client] += sum(q[3] for q in queue)
    return residual, dict(applied), {c: v for c, v in credit.items() if v}


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(ledgers(), st.sampled_from(("due", "issue")))
def test_matching_agrees_with_the_reference_loop(ledger, priority):
    invoices, payments, as_of = ledger
    allocation = allocate(invoices, payments, as_of=as_of, priority=priority)
    residual, applied, credit = reference(invoices, payments, as_of, priority)
    assert dict(allocation.items.select("invoice", "open_cents").iter_rows()) == residual
    got = allocation.applications.group_by("invoice", "source").agg(pl.col("amount_cents").sum())
    assert {(i, s): a for i, s, a in got.iter_rows()} == applied
    assert dict(allocation.credit.iter_rows()) == credit


@FAST
@given(ledgers(), st.sampled_from(("due", "issue")))
def test_the_fast_path_agrees_with_the_full_matching(ledger, priority):
    invoices, payments, as_of = ledger
    full = allocate(invoices, payments, as_of=as_of, priority=priority)
    fast = open_items(invoices, payments, as_of=as_of, priority=priority)
    assert full.items.sort("invoice").equals(fast.items.sort("invoice").select(full.items.columns))
    assert full.credit.equals(fast.credit)


@FAST
@given(ledgers())
def test_applied_plus_unapplied_equals_what_was_received(ledger):
    invoices, payments, as_of = ledger
    allocation = allocate(invoices, payments, as_of=as_of)
    received = payments.filter(pl.col("date") <= as_of)["amount_cents"].sum()
    credited = -invoices.filter((pl.col("date") <= as_of) & (pl.col("amount_cents") < 0))[
        "amount_cents"
    ].sum()
    assert (
        allocation.applications["amount_cents"].sum() + allocation.credit["unapplied_cents"].sum()
        == received + credited
    )
    per_invoice = allocation.applications.group_by("invoice").agg(pl.col("amount_cents").sum())
    assert dict(per_invoice.iter_rows()) == {
        i: a for i, a in allocation.items.select("invoice", "applied_cents").iter_rows() if a
    }


@FAST
@given(ledgers())
def test_open_amounts_stay_between_zero_and_the_invoice(ledger):
    invoices, payments, as_of = ledger
    items = open_items(invoices, payments, as_of=as_of).items
    assert items.filter(
        (pl.col("open_cents") < 0) | (pl.col("open_cents") > pl.col("amount_cents"))
    ).is_empty()


@FAST
@given(ledgers())
def test_each_client_owes_what_it_was_invoiced_less_what_it_paid(ledger):
    invoices, payments, as_of = ledger
    opened = open_items(invoices, payments, as_of=as_of)
    owed = dict(opened.items.group_by("client").agg(pl.col("open_cents").sum()).iter_rows())
    credit = dict(opened.credit.iter_rows())
    invoiced = dict(
        invoices.filter(pl.col("date") <= as_of)
        .group_by("client")
        .agg(pl.col("amount_cents").sum())
        .iter_rows()
    )
    paid = dict(
        payments.filter(pl.col("date") <= as_of)
        .group_by("client")
        .agg(pl.col("amount_cents").sum())
        .iter_rows()
    )
    for client in CLIENTS:
        assert owed.get(client, 0) - credit.get(client, 0) == invoiced.get(client, 0) - paid.get(
            client, 0
        )


@FAST
@given(ledgers())
def test_buckets_add_up_to_the_total_open(ledger):
    invoices, payments, as_of = ledger
    aged = ageing(invoices, payments, as_of=as_of)
    assert sum(t.amount for t in aged.totals) == aged.total_open
    assert sum(t.invoices for t in aged.totals) == aged.items.height
    table = aged.table("client")
    bucket_columns = [f"{k}_cents" for k in aged.buckets.keys]
    assert table.select(pl.sum_horizontal(bucket_columns) == pl.col("open_cents")).to_series().all()


@FAST
@given(ledgers(), st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_row_order(ledger, rnd):
    invoices, payments, as_of = ledger
    shuffled_inv = invoices.sample(fraction=1.0, shuffle=True, seed=rnd.randrange(1_000))
    shuffled_pay = payments.sample(fraction=1.0, shuffle=True, seed=rnd.randrange(1_000))
    one = allocate(invoices, payments, as_of=as_of)
    two = allocate(shuffled_inv, shuffled_pay, as_of=as_of)
    assert one.items.sort("invoice").equals(two.items.sort("invoice"))
    order = ["invoice", "source"]
    assert one.applications.sort(order).equals(two.applications.sort(order))
    assert one.credit.equals(two.credit)


@FAST
@given(ledgers(), st.integers(1, 40))
def test_records_after_the_date_change_nothing_at_the_date(ledger, later):
    invoices, payments, as_of = ledger
    cut = as_of + dt.timedelta(days=later)
    # Without the later invoices a payment may name one that is not there yet: that
    # is the point of the test, so the reference check is off.
    before = ageing(
        invoices.filter(pl.col("date") <= cut),
        payments.filter(pl.col("date") <= cut),
        as_of=as_of,
        check=False,
    )
    after = ageing(invoices, payments, as_of=as_of)
    assert before.items.sort("invoice").equals(after.items.sort("invoice"))
    assert before.credit.equals(after.credit)


@FAST
@given(ledgers(explicit=False), st.integers(0, 40))
def test_issue_priority_never_moves_an_amount_once_matched(ledger, later):
    invoices, payments, as_of = ledger
    earlier = allocate(invoices, payments, as_of=as_of, priority="issue").applications
    then = allocate(
        invoices, payments, as_of=as_of + dt.timedelta(days=later), priority="issue"
    ).applications
    pieces = earlier.join(then, on=["invoice", "source"], how="left", suffix="_then")
    assert pieces.filter(
        pl.col("amount_cents_then").is_null()
        | (pl.col("amount_cents_then") < pl.col("amount_cents"))
    ).is_empty()


def _as_ids(invoices: pl.DataFrame, payments: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Return the ledger with database-style whole-number keys, in the same order."""
    client = pl.col("client").replace_strict({c: n for n, c in enumerate(CLIENTS, 1)})

    def number(column: str, offset: int = 0) -> pl.Expr:
        return (pl.col(column).str.slice(1).cast(pl.Int64) + offset).alias(column)

    return (
        invoices.with_columns(client, number("invoice"), number("applies_to")),
        payments.with_columns(client, number("payment", 1000), number("invoice")),
    )


@FAST
@given(ledgers(), st.sampled_from(("due", "issue")))
def test_whole_number_keys_match_as_their_text_does(ledger, priority):
    invoices, payments, as_of = ledger
    text = allocate(invoices, payments, as_of=as_of, priority=priority)
    ids = allocate(*_as_ids(invoices, payments), as_of=as_of, priority=priority)
    assert ids.items.schema["client"] == pl.Int64
    open_by_text = dict(text.items.select("invoice", "open_cents").iter_rows())
    open_by_id = dict(ids.items.select("invoice", "open_cents").iter_rows())
    assert open_by_id == {int(k[1:]): v for k, v in open_by_text.items()}
    credit_by_id = dict(ids.credit.iter_rows())
    assert credit_by_id == {CLIENTS.index(c) + 1: v for c, v in text.credit.iter_rows()}
    pieces = ids.applications.group_by("invoice", "kind", "source").agg(
        pl.col("amount_cents").sum()
    )
    expected = text.applications.group_by("invoice", "kind", "source").agg(
        pl.col("amount_cents").sum()
    )
    assert {(i, k, s): a for i, k, s, a in pieces.iter_rows()} == {
        (int(i[1:]), k, int(s[1:]) + (1000 if k == "payment" else 0)): a
        for i, k, s, a in expected.iter_rows()
    }


def test_a_text_key_on_either_side_makes_every_key_text():
    invoices = pl.DataFrame(
        {"invoice": [7], "client": [1], "date": [START], "due_date": [START], "amount_cents": [500]}
    )
    payments = pl.DataFrame(
        {
            "payment": ["P1"],
            "client": ["1"],
            "date": [START],
            "amount_cents": [200],
            "invoice": ["7"],
        }
    )
    allocation = allocate(invoices, payments, as_of=START)
    assert allocation.items.select("invoice", "client", "open_cents").rows() == [("7", "1", 300)]
