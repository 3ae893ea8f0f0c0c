"""``django-admin refresh_metrics``: recompute the stored client metrics (for cron and imports)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cartera.metrics.services import metrics_refresh


class Command(BaseCommand):
    help = "Recompute every client's ABC class, RFM segment, P(alive) and CLV."

    def handle(self, *args: Any, **options: Any) -> None:
        run = metrics_refresh()
        self.stdout.write(
            f"{run.clients} clients as of {run.as_of} in {run.seconds:.1f} s"
            + (f" ({run.note})" if run.note else "")
        )
