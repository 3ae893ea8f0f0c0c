"""Per-client results of the analytics, stored so that a list of a million clients can be
filtered and sorted by ABC class, RFM segment, last purchase, value or overdue debt with
an index.

The rows are derived data: :func:`cartera.metrics.services.metrics_refresh` rewrites
them from :mod:`cartera.analytics` (diagnosis, CLV and the receivables ageing) whenever
the sales or the payments change; no other code writes them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField


class AbcClass(models.TextChoices):
    A = "A", _("A")
    B = "B", _("B")
    C = "C", _("C")


class RfmSegment(models.TextChoices):
    """The segments of :data:`cartera.analytics.diagnosis.SEGMENTS`, best first."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL_LOYALIST = "potential_loyalist", _("Potential loyalists")
    NEW = "new", _("New")
    PROMISING = "promising", _("Promising")
    NEED_ATTENTION = "need_attention", _("Need attention")
    ABOUT_TO_SLEEP = "about_to_sleep", _("About to sleep")
    CANT_LOSE = "cant_lose", _("Can't lose them")
    AT_RISK = "at_risk", _("At risk")
    HIBERNATING = "hibernating", _("Hibernating")


class Movement(models.TextChoices):
    """How a client moved between the previous 12 months and the last 12 (S0.4)."""

    NEW = "new", _("New")
    RETAINED = "retained", _("Retained")
    REACTIVATED = "reactivated", _("Reactivated")
    LOST = "lost", _("Lost")
    INACTIVE = "inactive", _("Inactive")


class ClientMetrics(models.Model):
    """What the analytics say about one client, as of the run that wrote it."""

    account = models.OneToOneField(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="metrics",
    )
    abc_class = models.CharField(
        _("ABC class"),
        max_length=1,
        choices=AbcClass.choices,
        blank=True,
        help_text=_("Empty: no purchase in the last 12 months."),
    )
    rfm_segment = models.CharField(
        _("RFM segment"), max_length=20, choices=RfmSegment.choices, blank=True
    )
    rfm_score = models.CharField(_("RFM score"), max_length=3, blank=True)
    movement = models.CharField(_("movement"), max_length=12, choices=Movement.choices)
    window_revenue = MoneyField(_("revenue, last 12 months"), default=0)
    first_purchase = models.DateField(_("first purchase"), null=True, blank=True)
    last_purchase = models.DateField(_("last purchase"), null=True, blank=True)
    purchase_days = models.PositiveIntegerField(_("purchase days, last 12 months"), default=0)
    p_alive = models.FloatField(_("P(alive)"), null=True, blank=True)
    expected_purchases = models.FloatField(
        _("expected purchases, next 12 months"), null=True, blank=True
    )
    clv = MoneyField(_("lifetime value, next 12 months"), null=True, blank=True)
    value_at_risk = MoneyField(_("value at risk"), null=True, blank=True)
    at_risk = models.BooleanField(
        _("valuable client at risk"),
        default=False,
        help_text=_("P(alive) fell below one half (S0.4)."),
    )
    open_receivable = MoneyField(_("open receivables"), default=0)
    # The due date rather than "days overdue": the days grow every night without any
    # write, whereas "due before today minus N days" stays right until a payment or a
    # sale changes the open items (and those refresh the row).
    oldest_open_due = models.DateField(
        _("oldest open due date"),
        null=True,
        blank=True,
        help_text=_("Due date of the oldest invoice not fully paid; empty: nothing owed."),
    )

    class Meta:
        verbose_name = _("client metrics")
        verbose_name_plural = _("client metrics")
        indexes = [
            models.Index(fields=["abc_class", "account"], name="metrics_abc"),
            models.Index(fields=["rfm_segment", "account"], name="metrics_rfm"),
            models.Index(fields=["last_purchase", "account"], name="metrics_last_purchase"),
            models.Index(fields=["window_revenue", "account"], name="metrics_revenue"),
            # A class in revenue order: the list filtered by class B and sorted by revenue
            # would otherwise walk every class A client first, or sort every match.
            models.Index(
                fields=["abc_class", "window_revenue", "account"], name="metrics_abc_revenue"
            ),
            models.Index(fields=["clv", "account"], name="metrics_clv"),
            models.Index(
                fields=["value_at_risk"],
                name="metrics_at_risk",
                condition=models.Q(at_risk=True),
            ),
            models.Index(fields=["oldest_open_due", "account"], name="metrics_oldest_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.abc_class or '-'} {self.rfm_segment or '-'}"


class MetricsRun(models.Model):
    """One refresh of :class:`ClientMetrics`: when, from which data, how long it took."""

    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    sales_version = models.BigIntegerField(_("sales data version"))
    payments_version = models.BigIntegerField(_("payments data version"), default=0)
    clients = models.PositiveIntegerField(_("clients"), default=0)
    seconds = models.FloatField(_("seconds"), default=0)
    clv_fitted = models.BooleanField(_("lifetime value model fitted"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("metrics run")
        verbose_name_plural = _("metrics runs")
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"{self.computed_at:%Y-%m-%d %H:%M} ({self.clients} clients)"
