"""How recorded follow-ups count, one definition for the indicators and the work points:

- a follow-up is on time when it is dated on or before the day the patient's previous
  follow-up set (its ``next_follow_up_on``); a patient's first follow-up is on time;
- a referral (a follow-up that referred, urgently or routinely) is followed up when the
  patient's next follow-up is dated on or before the check day the referral set, its own
  ``next_follow_up_on`` (whatever the referral-check setting says today).

"Previous" and "next" order a patient's follow-ups by date, then by record."""

import datetime

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from shoumen.healthcentre.models import FollowUp, Referral

REFERRED = (Referral.URGENT, Referral.ROUTINE)


def _previous() -> QuerySet[FollowUp]:
    return (
        FollowUp.objects.filter(patient=OuterRef("patient"))
        .filter(Q(date__lt=OuterRef("date")) | Q(date=OuterRef("date"), pk__lt=OuterRef("pk")))
        .order_by("-date", "-pk")
    )


def with_previous(follow_ups: QuerySet[FollowUp]) -> QuerySet[FollowUp]:
    """``follow_ups`` with ``on_time`` and ``referral_checked``: whether each is on time,
    and whether it is the follow-up that checked a referral in time."""
    previous = _previous()
    return follow_ups.annotate(
        prev_next=Subquery(previous.values("next_follow_up_on")[:1]),
        prev_referral=Subquery(previous.values("referral")[:1]),
    ).annotate(
        on_time=Q(prev_next__isnull=True) | Q(date__lte=F("prev_next")),
        referral_checked=Q(prev_referral__in=REFERRED) & Q(date__lte=F("prev_next")),
    )


def referral_follow_up_counts(follow_ups: QuerySet[FollowUp], on: datetime.date) -> tuple[int, int]:
    """Of the referrals among ``follow_ups``: how many were followed up by ``on`` in time,
    and how many count (those, and those whose check day has passed by ``on``: an open
    window is not yet a failure)."""
    following = (
        FollowUp.objects.filter(patient=OuterRef("patient"), date__lte=on)
        .filter(Q(date__gt=OuterRef("date")) | Q(date=OuterRef("date"), pk__gt=OuterRef("pk")))
        .order_by("date", "pk")
    )
    checked = Q(next_date__lte=F("next_follow_up_on"))
    counts = (
        follow_ups.filter(referral__in=REFERRED)
        .annotate(next_date=Subquery(following.values("date")[:1]))
        .aggregate(
            done=Count("pk", filter=checked),
            counted=Count("pk", filter=checked | Q(next_follow_up_on__lt=on)),
        )
    )
    return counts["done"], counts["counted"]
