"""The rating policy in versions, ideal client profiles, the contact plan and the ratings.

Policies and profiles are plain data (``cartera.analytics.rating.RatingPolicy`` and
``cartera.analytics.profile.Profile`` as JSON), validated by the library so that an error
names the field (``criteria[2].rule.full``). Ratings, fits and the rating history are
derived rows: :func:`cartera.ratings.services.rating_recalculate` rewrites them in bulk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cartera.common.fields import MoneyField, WrittenJSONField
from cartera.common.models import TimeStampedModel

if TYPE_CHECKING:
    from cartera.analytics.profile import Profile
    from cartera.analytics.rating import RatingPolicy


class RatingPolicyVersion(models.Model):
    """One immutable version of a named rating policy; one version per name is active."""

    name = models.CharField(_("name"), max_length=80)
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    is_active = models.BooleanField(_("active"), default=False)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating policy")
        verbose_name_plural = _("rating policies")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="policy_name_version"),
            models.UniqueConstraint(
                fields=["name"], condition=models.Q(is_active=True), name="policy_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def clean(self) -> None:
        from cartera.ratings.definitions import policy_from_definition

        policy_from_definition(self.definition)

    def policy(self) -> RatingPolicy:
        """Return the stored definition as the library's policy."""
        from cartera.ratings.definitions import policy_from_definition

        return policy_from_definition(self.definition)


class IdealProfile(TimeStampedModel):
    """An ideal client profile (S4.1), possibly one per client type.

    ``client_type`` empty: the profile applies to every account; otherwise only to the
    accounts whose segment or kind equals it.
    """

    name = models.CharField(_("name"), max_length=80, unique=True)
    client_type = models.CharField(_("client type"), max_length=80, blank=True)
    definition = models.JSONField(_("definition"))
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("ideal client profile")
        verbose_name_plural = _("ideal client profiles")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from cartera.ratings.definitions import profile_from_definition

        profile_from_definition(self.definition)

    def profile(self) -> Profile:
        """Return the stored definition as the library's profile."""
        from cartera.ratings.definitions import profile_from_definition

        return profile_from_definition(self.definition)


class ContactFrequency(models.Model):
    """Target days between contacts for the clients of one rating level (S2.2, S2.3)."""

    level = models.CharField(_("rating level"), max_length=8, unique=True)
    days = models.PositiveSmallIntegerField(_("days between contacts"))

    class Meta:
        verbose_name = _("contact frequency")
        verbose_name_plural = _("contact plan")
        ordering = ["days", "level"]
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="frequency_days_gte_1")
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.days}"


class RatingRun(models.Model):
    """One recalculation: which policy version, at which date, by whom, how long it took."""

    policy = models.ForeignKey(
        RatingPolicyVersion, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="runs"
    )
    as_of = models.DateField(_("as of"))
    computed_at = models.DateTimeField(_("computed at"), auto_now_add=True)
    clients = models.PositiveIntegerField(_("clients rated"), default=0)
    changes = models.PositiveIntegerField(_("level changes"), default=0)
    dropped = models.JSONField(
        _("criteria without data"),
        default=list,
        blank=True,
        help_text=_("Criteria left out because no client had data for them."),
    )
    seconds = models.FloatField(_("seconds"), default=0)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rating run")
        verbose_name_plural = _("rating runs")
        ordering = ["-id"]
        get_latest_by = "id"

    def __str__(self) -> str:
        return f"{self.policy} @ {self.as_of}"


class Rating(models.Model):
    """An account's current rating, with its explanation and its ABC class beside it.

    ``explanation`` maps each applied criterion key to ``[value, fraction, points]``; the
    labels, weights and maximum points are those of the policy of the last run (see
    :func:`cartera.ratings.selectors.account_rating`); the short text is written from
    it when read, in the reader's language (``selectors.rating_texts``). The ABC
    (Pareto) class is a ranking by revenue alone (S3.7), shown beside the rating, never
    mixed into it.

    Every rating comes from the last :class:`RatingRun`, which replaces them all in
    one transaction: its policy and date are the run's, not repeated as a reference on
    every row (two foreign keys checked per row, on 100,000 rows a run).
    """

    account = models.OneToOneField(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rating",
    )
    as_of = models.DateField(_("as of"))
    score = models.PositiveSmallIntegerField(_("score"))
    level = models.CharField(_("level"), max_length=8)
    level_rank = models.PositiveSmallIntegerField(_("level rank"), help_text=_("1 is the best."))
    adjustment = models.SmallIntegerField(_("kept within 0–100"), default=0)
    explanation = WrittenJSONField(_("explanation items"), default=dict)
    revenue = MoneyField(_("revenue in the window"), default=0)
    abc = models.CharField(_("ABC class"), max_length=1, blank=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        indexes = [
            models.Index(fields=["level_rank", "account"], name="rating_level"),
            models.Index(fields=["score", "account"], name="rating_score"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=100), name="rating_score_0_100")
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.level} ({self.score})"


class Change(models.TextChoices):
    UP = "up", _("Up")
    DOWN = "down", _("Down")
    NEW = "new", _("First rating")
    GONE = "gone", _("No longer rated")
    RESCALED = "rescaled", _("New scale")


class RatingChange(models.Model):
    """A change of an account's level: the history behind "who moved from A to B"."""

    account = models.ForeignKey(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="rating_changes",
        db_index=False,  # covered by the (account, date) index
    )
    run = models.ForeignKey(
        RatingRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="level_changes"
    )
    policy = models.ForeignKey(
        RatingPolicyVersion, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    change = models.CharField(_("change"), max_length=8, choices=Change.choices)
    old_level = models.CharField(_("old level"), max_length=8, blank=True)
    new_level = models.CharField(_("new level"), max_length=8, blank=True)
    old_score = models.PositiveSmallIntegerField(_("old score"), null=True, blank=True)
    new_score = models.PositiveSmallIntegerField(_("new score"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating change")
        verbose_name_plural = _("rating history")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["account", "date"], name="ratingchange_account_date"),
            models.Index(fields=["date", "old_level", "new_level"], name="ratingchange_date"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.old_level or '–'} → {self.new_level or '–'} {self.date}"


class AccountFit(models.Model):
    """An account's fit to the ideal client profile it fits best (S4.1, S4.2)."""

    account = models.OneToOneField(
        "clients.Account",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="fit",
    )
    profile = models.ForeignKey(
        IdealProfile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="+"
    )
    fit = models.PositiveSmallIntegerField(_("fit"))

    class Meta:
        verbose_name = _("profile fit")
        verbose_name_plural = _("profile fits")
        indexes = [models.Index(fields=["fit", "account"], name="accountfit_fit")]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.fit} ({self.profile_id})"
