"""The audit trail's tables: per-row history of the audited models, and bulk events.

Row history comes from django-simple-history: each audited model gets a historical
twin *in this app* (``audit_historicalaccount`` …), so its migrations live here and
never collide with the domain apps' own. A history row is written by the model's
``post_save``/``post_delete`` signal, i.e. by every service that saves through the ORM.

Bulk writes (``bulk_insert``, ``QuerySet.update``, ``bulk_create``) send no signal; the
service doing one records an :class:`AuditEvent` with :func:`cartera.audit.services.record_bulk`
(one row per operation: who, when, what, how many), or snapshots the rows it changed
with :func:`cartera.audit.services.record_rows`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register

from cartera.audit.context import history_user
from cartera.clients.models import Account, OwnershipPeriod
from cartera.receivables.models import Payment, ProvisionOverride
from cartera.sales.models import Sale

AUDITED: tuple[type[models.Model], ...] = (
    Account,
    OwnershipPeriod,
    Sale,
    Payment,
    ProvisionOverride,
)

for _model in AUDITED:
    register(_model, app="cartera.audit", get_user=history_user)


class AuditEvent(models.Model):
    """One bulk operation or one action that leaves no row history (an erasure …)."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=60)
    model = models.CharField(
        _("what"), max_length=100, help_text=_("The rows' model, e.g. sales.sale.")
    )
    count = models.PositiveIntegerField(_("rows"))
    account = models.ForeignKey(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Set when the operation concerns one account."),
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "at"], name="auditevent_account_at")]

    def __str__(self) -> str:
        return f"{self.action} {self.model} ×{self.count}"
