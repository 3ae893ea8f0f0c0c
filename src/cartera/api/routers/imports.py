"""``/imports``: a spreadsheet or CSV file in, checked (dry run by default) or written.

The same service as ``cartera import`` and the import page
(:func:`cartera.imports.services.import_file`): headers recognised, every problem
located by row and column, all-or-nothing unless ``keep_valid``. Managers only.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from cartera.api.access import require_manager
from cartera.api.problems import problem
from cartera.api.schemas import Problem

router = Router(tags=["imports"])

MAX_BYTES = 200 * 1024 * 1024
SUFFIXES = {".csv", ".txt", ".xlsx", ".xls", ".ods", ".parquet"}
Kind = Literal[
    "clients", "prospects", "contacts", "products", "salespeople",
    "sales", "payments", "activities", "campaigns", "goals",
]  # fmt: skip


class ImportOptions(Schema):
    dry_run: bool = Field(True, description="Check and count only; write nothing.")
    keep_valid: bool = Field(False, description="Write the rows without problems.")
    create_missing: bool = Field(False, description="Create the products and salespeople named.")


@router.post(
    "/{kind}",
    response={200: dict[str, Any], 401: Problem, 403: Problem, 409: Problem, 422: Problem},
)
def import_upload(
    request: HttpRequest,
    kind: Kind,
    file: File[UploadedFile],
    options: Form[ImportOptions],
) -> Any:
    """Import a file of ``kind``; return what was (or would be) created and every problem."""
    from cartera.analytics.io import ReadError
    from cartera.imports.services import DatabaseChangedError, import_file

    require_manager(request)
    suffix = Path(file.name or "").suffix.lower()
    if suffix not in SUFFIXES:
        raise ValidationError({"file": _("Send a CSV, XLSX, XLS, ODS or Parquet file.")})
    if file.size is not None and file.size > MAX_BYTES:
        raise ValidationError({"file": _("The file is larger than 200 MB.")})
    with tempfile.TemporaryDirectory(prefix="cartera-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in file.chunks():
                out.write(chunk)
        try:
            report = import_file(
                kind=kind,
                path=path,
                user=request.user,
                dry_run=options.dry_run,
                keep_valid=options.keep_valid,
                create_missing=options.create_missing,
            )
        except ReadError as exc:
            return _unreadable(request, exc)
        except DatabaseChangedError as exc:
            return problem(request, 409, code="conflict", detail=str(exc))
    return report.as_dict()


def _unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    located = [str(p) for p in getattr(exc, "problems", ())][:100]
    return problem(
        request,
        422,
        code="unreadable-file",
        title=_("The file cannot be read"),
        detail=located[0] if located else str(exc),
        errors={"file": located or [str(exc)]},
    )
