"""Steps that several apps' migrations share."""

from __future__ import annotations

from typing import Any

from django.db import migrations


def analyze(app_label: str, model_name: str) -> migrations.RunPython:
    """Return a step that refreshes the planner's statistics of one model's table.

    A migration that adds an index runs it: without statistics the planner guesses, and
    may sort every match of a filter instead of reading the new index in order.
    """

    def run(apps: Any, schema_editor: Any) -> None:
        table = apps.get_model(app_label, model_name)._meta.db_table
        if schema_editor.connection.vendor in ("sqlite", "postgresql"):
            schema_editor.execute(f"ANALYZE {schema_editor.quote_name(table)}")

    return migrations.RunPython(run, migrations.RunPython.noop, elidable=True)
