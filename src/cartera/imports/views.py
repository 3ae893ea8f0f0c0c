"""The import page (issue 9): upload, column mapping and dry run, confirm, report.

The steps are those of :mod:`cartera.imports.services`. The uploaded file waits between
steps in a folder of the data directory, named by a random token kept in the session
(never in the database), and is deleted once the import is confirmed or cancelled;
uploads abandoned halfway are swept a day later, on the next upload.

Each view of step 2 re-reads the file for the preview and the dry run, and the confirm
runs the import inside the request: fine for the files of a sales team (tens of
thousands of rows take seconds), but a million rows keep the request open for minutes,
with no progress shown. That would need a background worker reporting
``on_progress``; the command ``cartera import`` shows it meanwhile.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cartera.analytics.io import ReadError, open_table
from cartera.common.scoping import sees_all
from cartera.imports.forms import SUFFIXES, MappingForm, UploadForm
from cartera.imports.kinds import kind_named
from cartera.imports.matching import TABLE_NAMES
from cartera.imports.report import ImportReport
from cartera.imports.services import (
    DatabaseChangedError,
    Preview,
    import_file,
    import_preview,
    mapping_save,
)

SESSION_KEY = "imports.upload"
SHOWN_PROBLEMS = 200
"""Problems listed on the page; the rest are counted."""
SAMPLE_ROWS = 10
ABANDONED_AFTER = 24 * 3600
"""Seconds after which an upload nobody confirmed or cancelled is deleted."""
_TOKEN = re.compile(r"[0-9a-f]{32}")


def _managers_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse the page to who may not import (the rule of ``imports.services._allowed``)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not sees_all(request.user):
            raise PermissionDenied(_("Only managers and administrators can import."))
        return view(request, *args, **kwargs)

    return checked


# --- the uploaded file, between steps ---------------------------------------------------


def _folder() -> Path:
    return Path(settings.DATA_DIR) / "imports"


def _path(upload: dict[str, Any]) -> Path | None:
    """Return the stored file of the session's upload, when it is well formed and there."""
    token, suffix = str(upload.get("token", "")), str(upload.get("suffix", ""))
    # The session is the server's, but the path is built from it: check it all the same.
    if not _TOKEN.fullmatch(token) or suffix not in SUFFIXES:
        return None
    path = _folder() / f"{token}{suffix}"
    return path if path.is_file() else None


def _current(request: HttpRequest) -> tuple[dict[str, Any], Path] | None:
    upload = request.session.get(SESSION_KEY)
    if not isinstance(upload, dict):
        return None
    path = _path(upload)
    if path is None:
        request.session.pop(SESSION_KEY, None)
        return None
    return upload, path


def _forget(request: HttpRequest) -> None:
    """Delete the session's upload, file and key."""
    upload = request.session.pop(SESSION_KEY, None)
    if isinstance(upload, dict):
        path = _path(upload)
        if path is not None:
            path.unlink(missing_ok=True)


def _sweep() -> None:
    cutoff = time.time() - ABANDONED_AFTER
    for old in _folder().glob("*"):
        if old.is_file() and old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)


def _store(request: HttpRequest, form: UploadForm) -> None:
    _forget(request)
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    _sweep()
    upload = form.cleaned_data["file"]
    suffix = Path(upload.name).suffix.lower()
    token = secrets.token_hex(16)
    with (folder / f"{token}{suffix}").open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    sheet = form.cleaned_data["sheet"].strip()
    request.session[SESSION_KEY] = {
        "token": token,
        "suffix": suffix,
        "name": Path(upload.name).name,
        "kind": form.cleaned_data["kind"],
        "mapping": form.cleaned_data["mapping_name"],
        "sheet": int(sheet) if sheet.isdigit() else sheet or None,
        "create_missing": form.cleaned_data["create_missing"],
        "columns": {},
        "headers": [],
    }


# --- what the pages show ----------------------------------------------------------------


def _problems(frame: Any) -> list[dict[str, Any]]:
    return frame.head(SHOWN_PROBLEMS).to_dicts()


def _read_problems(exc: ReadError) -> list[dict[str, Any]]:
    return [
        {"row": p.row, "column": p.column, "value": p.value, "expected": p.expected}
        for p in exc.problems[:SHOWN_PROBLEMS]
    ]


def _counts(report: ImportReport) -> list[dict[str, Any]]:
    return [
        {"table": TABLE_NAMES.get(name, name), **counts.as_dict()}
        for name, counts in report.counts.items()
    ]


def _report_context(report: ImportReport) -> dict[str, Any]:
    return {
        "report": report,
        "counts": _counts(report),
        "problems": _problems(report.problems),
        "hidden_problems": max(
            report.problem_count - min(report.problems.height, SHOWN_PROBLEMS), 0
        ),
    }


def _options(upload: dict[str, Any], path: Path) -> dict[str, Any]:
    """Return the arguments both service calls take for the session's upload."""
    return {
        "kind": upload["kind"],
        "path": path,
        "columns": upload.get("columns") or None,
        "mapping": upload.get("mapping") or None,
        "sheet": upload.get("sheet"),
    }


def _preview_or_none(upload: dict[str, Any], path: Path) -> Preview | None:
    try:
        return import_preview(**_options(upload, path), sample_rows=0)
    except (ReadError, ValidationError):
        return None


def _headers(preview: Preview | None, path: Path, upload: dict[str, Any]) -> list[str]:
    """Return the headers of the file, as recognised or, failing that, its first row."""
    if preview is not None:
        return list(preview.sample.columns)
    try:
        table = open_table(path, sheet=upload.get("sheet"))
    except ReadError:
        return []
    return [str(h) for h in table.frame.collect_schema().names()]


def _step_two(
    request: HttpRequest, upload: dict[str, Any], path: Path, form: Any = None
) -> HttpResponse:
    """Render the mapping, the first rows and the dry run of the session's upload."""
    kind = kind_named(upload["kind"])
    options = _options(upload, path)
    context: dict[str, Any] = {"step": 2, "upload": upload, "kind": kind}
    preview: Preview | None = None
    try:
        preview = import_preview(**options, sample_rows=SAMPLE_ROWS)
        report = import_file(
            **options, user=request.user, dry_run=True, create_missing=upload["create_missing"]
        )
    except ReadError as exc:
        context["read_problems"] = _read_problems(exc)
    except ValidationError as exc:
        context["read_problems"] = [{"expected": m} for m in exc.messages]
    else:
        context |= _report_context(report)
        context["preview"] = preview
        context["sample_headers"] = preview.sample.columns
        context["sample"] = preview.sample.rows()
    headers = _headers(preview, path, upload)
    if headers != upload.get("headers"):
        upload["headers"] = headers
        request.session[SESSION_KEY] = upload
    columns = dict(preview.columns) if preview is not None else dict(upload.get("columns") or {})
    context["mapping_form"] = form or MappingForm(kind=kind, headers=headers, columns=columns)
    return render(request, "imports/import.html", context)


# --- the views --------------------------------------------------------------------------


@login_required
@_managers_only
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """Step 1 (choose and upload) or, with a file waiting, step 2 (mapping and dry run)."""
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            _store(request, form)
            return redirect("imports:index")
        return render(request, "imports/import.html", {"step": 1, "form": form})
    current = _current(request)
    if current is None:
        return render(request, "imports/import.html", {"step": 1, "form": UploadForm()})
    return _step_two(request, *current)


@login_required
@_managers_only
@require_POST
def import_mapping(request: HttpRequest) -> HttpResponse:
    """Take the user's corrections of the columns; save them by name when asked."""
    current = _current(request)
    if current is None:
        return redirect("imports:index")
    upload, path = current
    kind = kind_named(upload["kind"])
    headers = upload.get("headers") or _headers(_preview_or_none(upload, path), path, upload)
    form = MappingForm(request.POST, kind=kind, headers=headers, columns={})
    if not form.is_valid():
        return _step_two(request, upload, path, form)
    columns = form.cleaned_data["columns"]
    upload["columns"] = columns
    # The corrections now say everything a saved mapping said.
    upload["mapping"] = ""
    request.session[SESSION_KEY] = upload
    name = form.cleaned_data["save_as"].strip()
    if name:
        try:
            mapping_save(name=name, kind=kind.name, columns=columns, user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Mapping saved as %(name)s.") % {"name": name})
    return redirect("imports:index")


@login_required
@_managers_only
@require_POST
def import_confirm(request: HttpRequest) -> HttpResponse:
    """Step 3: import for real and show what was kept and what was rejected, and why."""
    current = _current(request)
    if current is None:
        messages.error(request, _("There is no file waiting to be imported; upload it again."))
        return redirect("imports:index")
    upload, path = current
    keep_valid = request.POST.get("keep_valid") == "on"
    try:
        report = import_file(
            **_options(upload, path),
            user=request.user,
            keep_valid=keep_valid,
            create_missing=upload["create_missing"],
        )
    except DatabaseChangedError as exc:
        # Someone else wrote meanwhile: the file stays, to be checked and confirmed again.
        messages.error(request, str(exc))
        return redirect("imports:index")
    except (ReadError, ValidationError) as exc:
        _forget(request)
        problems = (
            _read_problems(exc)
            if isinstance(exc, ReadError)
            else [{"expected": m} for m in exc.messages]
        )
        context = {"step": 3, "upload": upload, "read_problems": problems}
        return render(request, "imports/import.html", context)
    _forget(request)
    context = {"step": 3, "upload": upload, "kind": kind_named(upload["kind"])}
    return render(request, "imports/import.html", context | _report_context(report))


@login_required
@_managers_only
@require_POST
def import_cancel(request: HttpRequest) -> HttpResponse:
    _forget(request)
    return redirect("imports:index")
