"""Column mappings saved by name, to import the same kind of file again the same way."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.models import TimeStampedModel


class ColumnMapping(TimeStampedModel):
    """Which header of a file fills which field, for one kind of import (``--save-map``)."""

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind of rows"), max_length=20)
    columns = models.JSONField(
        _("columns"), default=dict, help_text=_("Field → header as written in the file.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="columnmapping_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.name}"
