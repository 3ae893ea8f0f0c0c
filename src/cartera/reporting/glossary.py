"""The pinned definitions of the diagnosis, shown in the HTML report (and in docs/diagnosis.md)."""

from __future__ import annotations

from gettext import gettext as _
from typing import Final

GLOSSARY: Final[tuple[tuple[str, str], ...]] = (
    (
        _("as_of"),
        _(
            "The date the diagnosis is made at; by default the latest sale date. "
            "Lines after it are ignored."
        ),
    ),
    (
        _("window"),
        _(
            "The 12 calendar months ending on as_of (for 2025-12-31: 2025-01-01 … 2025-12-31; "
            "for 2025-06-15: 2024-06-16 … 2025-06-15). "
            "The previous window is the 12 months before it."
        ),
    ),
    (_("revenue"), _("The sum of the net line amounts dated in the window (returns subtract).")),
    (_("active client"), _("A client with at least one line in the window.")),
    (_("new client"), _("A client whose first purchase ever falls in the window (S3.9.6).")),
    (
        _("lost client"),
        _("A client active in the previous window with no line in the window (S0.4)."),
    ),
    (
        _("retention rate"),
        _("Previous-window actives active again in the window / previous-window actives."),
    ),
    (_("attrition rate"), _("1 − retention rate.")),
    (
        _("replacement ratio"),
        _("New clients / lost clients: above 1 the portfolio replaces what it loses (S0.4)."),
    ),
    (
        _("ABC class"),
        _(
            "Active clients sorted by window revenue, descending (ties: client code ascending). "
            "A client is A while the cumulative share of the clients before it is below 80 %, "
            "B while below 95 %, else C (thresholds configurable; S3.7)."
        ),
    ),
    (
        _("repeat clients share"),
        _(
            "Active clients with purchases on at least 2 distinct days in the window / "
            "active clients (S3.9.1)."
        ),
    ),
    (
        _("average ticket"),
        _(
            "Window revenue / number of tickets: distinct invoices (per client), or distinct "
            "client-days when the file has no invoice number (S3.9.2)."
        ),
    ),
    (
        _("top-k share"),
        _("Window revenue of the k largest clients / window revenue (S4.4)."),
    ),
    (
        _("HHI"),
        _(
            "Herfindahl–Hirschman index: Σ (client share of window revenue)², from 1/n (revenue "
            "spread evenly over n clients) to 1 (one client)."
        ),
    ),
    (
        _("Gini"),
        _(
            "Inequality of the active clients' window revenues: 0 when all are equal, "
            "near 1 when one holds it all."
        ),
    ),
    (
        _("concentration alert"),
        _("Raised when one client holds 25 % or more of the window revenue (S4.4)."),
    ),
    (
        _("RFM"),
        _(
            "Recency (days since the last purchase), frequency (distinct purchase days) and "
            "monetary value (revenue), over the window and the previous window, for clients "
            "active in either. "
            "Scores 1–5 are quintiles with ties kept together; segments follow the recency × "
            "frequency grid (champions, loyal, potential loyalist, new, promising, need attention, "
            "about to sleep, can't lose, at risk, hibernating)."
        ),
    ),
    (
        _("new product"),
        _("A product launched within the 12 months ending on as_of (S3.9.5)."),
    ),
    (
        _("cohort"),
        _(
            "Clients whose first purchase falls in the same calendar month; the heatmap shows the "
            "share of them buying in each later month."
        ),
    ),
    (
        _("group of a client"),
        _(
            "In breakdowns by salesperson, segment, city or channel, a client belongs to the value "
            "on its latest line up to as_of, so every client counts once."
        ),
    ),
    (
        _("attention"),
        _(
            "Contacts in the window. The attention index of a class is its share of contacts over "
            "its share of revenue; over-served C clients have at least the typical (median) number "
            "of contacts, under-served A clients fewer (S2.3)."
        ),
    ),
    (
        _("amounts and shares"),
        _("Amounts are rounded to cents at the edges only; shares are fractions from 0 to 1."),
    ),
)
"""(term, definition) pairs, in reading order."""
