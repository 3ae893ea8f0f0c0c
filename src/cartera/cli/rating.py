"""``cartera rate`` and ``cartera profile``: rate every client, learn the ideal profile.

``cartera rate`` is what a scheduler runs (nightly, weekly): it rates every client with
the active policy, stores the ratings and the level changes, and prints the levels
(S4.5: measured constantly). ``cartera profile suggest`` proposes the conditions today's
best clients share, for a manager to accept into a profile (S4.3).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from cartera.cli.common import acting_user, fail, parse_date, write_json
from cartera.cli.django_setup import setup_django

console = Console()
profile_app = typer.Typer(help="Ideal client profiles: suggest from the best clients, list.")

AsOption = Annotated[str, typer.Option("--as", help="Act as this login (its role applies).")]


def refusal(error: Exception) -> typer.Exit:
    """Return the exit for a refused or invalid request, with the service's message."""
    from django.core.exceptions import ValidationError

    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            text = "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
            )
        else:
            text = " ".join(error.messages)
        return fail(text)
    return fail(str(error) or _("not allowed"))


def rate(
    policy: Annotated[str, typer.Option(help="Name of the policy (its active version).")] = "",
    as_of: Annotated[str, typer.Option(help="Rate at this date (YYYY-MM-DD); default today.")] = "",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the run and the level changes as JSON.")
    ] = None,
    as_user: AsOption = "",
) -> None:
    """Rate every client with the active policy; store ratings and level changes (S4.5)."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cartera.ratings.selectors import level_counts, rating_changes
    from cartera.ratings.services import rating_recalculate

    day = parse_date(as_of, "--as-of")
    user = acting_user(as_user)
    try:
        with console.status(_("Rating every client…")):
            run = rating_recalculate(by=user, policy_name=policy or None, as_of=day)
    except (ValidationError, PermissionDenied) as error:
        raise refusal(error) from None
    counts = level_counts(user)
    total = sum(counts.values()) or 1
    table = Table(
        title=_("{policy} at {day}: {n:,} clients").format(
            policy=run.policy, day=run.as_of.isoformat(), n=run.clients
        )
    )
    for position, column in enumerate((_("level"), _("clients"), _("share"))):
        table.add_column(column, justify="left" if position == 0 else "right")
    for level, clients in counts.items():
        table.add_row(level, f"{clients:,}", f"{clients / total:.1%}")
    console.print(table)
    changes = list(
        rating_changes(user, run.as_of)
        .filter(run=run)
        .values_list("account__code", "change", "old_level", "new_level", "old_score", "new_score")
    )
    kinds = Counter(change[1] for change in changes)
    moves = ", ".join(f"{kind} {count:,}" for kind, count in sorted(kinds.items()))
    console.print(_("changes: {moves}").format(moves=moves or _("none")))
    if run.dropped:
        console.print(_("criteria without data: {keys}").format(keys=", ".join(run.dropped)))
    console.print(_("{seconds:.1f} s").format(seconds=run.seconds))
    if json_out:
        payload: dict[str, Any] = {
            "run": run.pk,
            "policy": run.policy.name,
            "version": run.policy.version,
            "as_of": run.as_of.isoformat(),
            "clients": run.clients,
            "levels": counts,
            "dropped": run.dropped,
            "seconds": round(run.seconds, 3),
            "changes": [
                {"client": code, "change": kind, "old_level": old or None,
                 "new_level": new or None, "old_score": old_score, "new_score": new_score}
                for code, kind, old, new, old_score, new_score in changes
            ],
        }  # fmt: skip
        write_json(payload, json_out)


@profile_app.command("suggest")
def suggest(
    best: Annotated[
        str, typer.Option(help="Best clients: 'rating' (the best level) or 'top-decile'.")
    ] = "rating",
    min_support: Annotated[int, typer.Option(help="Fewest best clients a proposal needs.")] = 10,
    min_lift: Annotated[float, typer.Option(help="Smallest lift proposed.")] = 1.2,
    save: Annotated[str, typer.Option(help="Save the chosen proposals as this profile.")] = "",
    choose: Annotated[
        str, typer.Option(help="Proposals to save, by rank: '1,3' (default: all shown).")
    ] = "",
    client_type: Annotated[str, typer.Option(help="Client type of the saved profile.")] = "",
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write proposals as JSON.")
    ] = None,
    as_user: AsOption = "",
) -> None:
    """Propose the conditions today's best clients share, with lift, coverage, support."""
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cartera.ratings.selectors import profile_suggestions
    from cartera.ratings.services import fits_refresh, profile_save
    from cartera.reporting.json_report import records

    kinds: dict[str, Any] = {
        "rating": "rating",
        "top-decile": "top_decile",
        "top_decile": "top_decile",
    }
    if best not in kinds:
        raise fail(_("--best expects rating or top-decile, got {best!r}").format(best=best))
    user = acting_user(as_user)
    with console.status(_("Comparing the best clients with the rest…")):
        learned = profile_suggestions(
            user=user,
            best=kinds[best],
            min_support=min_support,
            min_lift=min_lift,
        )
    frame = learned.frame()
    table = Table(
        title=_(
            "{best:,} best of {accounts:,} clients (base rate {rate:.1%}); "
            "{tested:,} conditions tested"
        ).format(
            best=learned.best,
            accounts=learned.accounts,
            rate=learned.base_rate,
            tested=learned.tested,
        )
    )
    headers = ("#", _("condition"), _("lift"), _("coverage"), _("support"), _("matching"), "q")
    for position, column in enumerate(headers):
        table.add_column(column, justify="left" if position == 1 else "right")
    for row in frame.iter_rows(named=True):
        table.add_row(
            str(row["rank"]), row["description"], f"{row['lift']:.2f}", f"{row['coverage']:.0%}",
            str(row["support"]), str(row["matching"]), f"{row['q_value']:.1e}",
        )  # fmt: skip
    console.print(table if frame.height else _("No condition sets the best clients apart."))
    if json_out:
        write_json(
            {"accounts": learned.accounts, "best": learned.best, "proposals": records(frame)},
            json_out,
        )
    if not save:
        return
    try:
        chosen = [int(x) - 1 for x in choose.split(",") if x.strip()] if choose else None
    except ValueError:
        raise fail(
            _("--choose expects ranks such as 1,3, got {choose!r}").format(choose=choose)
        ) from None
    if chosen is not None and any(not 0 <= i < len(learned.proposals) for i in chosen):
        raise fail(_("--choose: ranks go from 1 to {n}").format(n=len(learned.proposals)))
    if not learned.proposals:
        raise fail(_("--save: there is no proposal to save"))
    profile = learned.to_profile(save, chosen=chosen, client_type=client_type)
    try:
        stored = profile_save(definition=profile.to_dict(), by=user)
        fitted = fits_refresh(by=user)
    except (ValidationError, PermissionDenied) as error:
        raise refusal(error) from None
    console.print(
        _("Saved profile [bold]{name}[/] with {n} conditions; {fitted:,} accounts fitted.").format(
            name=stored.name, n=len(profile.conditions), fitted=fitted
        )
    )


@profile_app.command("list")
def list_profiles(
    min_fit: Annotated[int, typer.Option(help="Fit that counts as matching (0–100).")] = 80,
    as_user: AsOption = "",
) -> None:
    """List the stored profiles with their market reality: clients and prospects matching."""
    setup_django()
    from cartera.ratings.selectors import active_profiles, profile_market

    if not 0 <= min_fit <= 100:
        raise fail(_("--min-fit must be within 0–100"))
    user = acting_user(as_user)
    stored = active_profiles()
    if not stored:
        console.print(_("No profile stored yet: try [bold]cartera profile suggest --save NAME[/]."))
        return
    for item in stored:
        market = profile_market(user=user, profile=item.profile, min_fit=min_fit)
        table = Table(
            title=_(
                "{profile}: {clients:,} of {all_clients:,} clients, "
                "{prospects:,} of {all_prospects:,} prospects fit ≥ {fit}"
            ).format(
                profile=market.profile,
                clients=market.matching_clients,
                all_clients=market.clients,
                prospects=market.matching_prospects,
                all_prospects=market.prospects,
                fit=min_fit,
            )
        )
        headers = (_("condition"), _("group"), _("clients"), _("prospects"), _("unknown"))
        for position, column in enumerate(headers):
            table.add_column(column, justify="left" if position < 2 else "right")
        for row in market.conditions.iter_rows(named=True):
            table.add_row(
                row["description"], row["group"], f"{row['clients_meeting']:,}",
                f"{row['prospects_meeting']:,}", f"{row['unknown']:,}",
            )  # fmt: skip
        console.print(table)
        if market.competition_note:
            console.print(_("competition: {note}").format(note=market.competition_note))


def register(app: typer.Typer) -> None:
    app.command("rate")(rate)
    app.add_typer(profile_app, name="profile")
