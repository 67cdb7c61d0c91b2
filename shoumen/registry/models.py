import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shoumen.lib import crypto
from shoumen.lib.dates import age_on, today
from shoumen.lib.ids import mask_id_number, normalize_id_number
from shoumen.lib.phones import mask_phone
from shoumen.places.models import Level, OrgUnit

ID_CONTEXT = "person.id_number"
ID_LAST4_CONTEXT = "person.id_number.last4"
PHONE_CONTEXT = "person.phone"
ELDERLY_AGE = 60
CHILD_AGE = 14


class Building(models.Model):
    grid = models.ForeignKey(
        OrgUnit,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="buildings",
        limit_choices_to={"level": Level.GRID},
    )
    name = models.CharField(_("name"), max_length=50, help_text=_("e.g. Building 5"))
    units = models.PositiveSmallIntegerField(_("units"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        constraints = [
            models.UniqueConstraint(fields=["grid", "name"], name="building_unique_name_in_grid"),
            models.CheckConstraint(condition=Q(units__gte=1), name="building_units_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Household(models.Model):
    grid = models.ForeignKey(
        OrgUnit,
        verbose_name=_("grid"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Level.GRID},
        db_index=False,  # the (grid, building, unit, door) index serves it
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        on_delete=models.PROTECT,
        related_name="households",
        null=True,
        blank=True,
        db_index=False,  # the one-door-per-building unique index serves it
    )
    address = models.CharField(
        _("address"), max_length=200, blank=True, help_text=_("Used when there is no building")
    )
    unit = models.CharField(_("unit"), max_length=10, blank=True)
    door_number = models.CharField(_("door number"), max_length=20, blank=True)
    head = models.ForeignKey(
        "Person",
        verbose_name=_("head of household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        constraints = [
            models.UniqueConstraint(
                fields=["building", "unit", "door_number"],
                condition=Q(building__isnull=False),
                name="household_unique_door_in_building",
            ),
            models.CheckConstraint(
                condition=Q(building__isnull=False) | ~Q(address=""),
                name="household_has_building_or_address",
            ),
        ]
        # Indexes are declared here rather than with db_index, which on PostgreSQL adds a
        # second, LIKE-prefix index to every indexed text column; nothing matches these
        # by prefix, and each index costs every insert (ledger imports write thousands).
        indexes = [
            models.Index(fields=["grid", "building", "unit", "door_number"]),
            models.Index(fields=["door_number"], name="household_door_number"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.building is not None:
            unit = _("Unit %(unit)s ") % {"unit": self.unit} if self.unit else ""
            return f"{self.building.name} {unit}{self.door_number}".strip()
        return f"{self.address} {self.door_number}".strip()


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class DocumentType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID card")
    PASSPORT = "passport", _("Passport")
    HK_MACAO = "hk_macao", _("Hong Kong/Macao permit")
    TAIWAN = "taiwan", _("Taiwan permit")
    FOREIGN_PR = "foreign_pr", _("Foreign permanent resident ID")
    OTHER = "other", _("Other document")
    NONE = "none", _("No document")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    TENANT = "tenant", _("Tenant")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    RESIDENT = "resident", _("Resident")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")
    MERGED = "merged", _("Merged into another record")


class Tag(models.TextChoices):
    ELDERLY = "elderly", _("Elderly (60+)")
    CHILD = "child", _("Child under 14")
    CHRONIC = "chronic", _("Chronic disease")
    PREGNANT = "pregnant", _("Pregnant")
    DISABLED = "disabled", _("Disabled")
    LIVING_ALONE = "living_alone", _("Living alone")


# Tags kept as flags; elderly and child follow from the birth date and never go stale.
FLAG_TAGS = {
    Tag.CHRONIC: "has_chronic_disease",
    Tag.PREGNANT: "is_pregnant",
    Tag.DISABLED: "is_disabled",
    Tag.LIVING_ALONE: "lives_alone",
}


class Person(models.Model):
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"), null=True, blank=True, db_index=True)
    document_type = models.CharField(
        _("document type"), max_length=16, choices=DocumentType.choices
    )
    # Sensitive values: ciphertext, keyed blind index for exact lookup, and for search by
    # the last 4 characters a keyed index of them: a plain last 4 beside the plain birth
    # date would rebuild the ID number from a database dump (``id_last4_index``).
    id_number_encrypted = models.BinaryField(null=True, editable=False)
    id_number_index = models.CharField(max_length=64, null=True, editable=False)
    id_number_last4_index = models.CharField(max_length=64, blank=True, editable=False)
    phone_encrypted = models.BinaryField(null=True, editable=False)
    phone_index = models.CharField(max_length=64, null=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="members",
        db_index=False,  # the (household, status) index serves it
    )
    # Always the household's grid: scoping filters persons without joining households.
    grid = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,  # the (grid, status, id) index serves it
    )
    relation_to_head = models.CharField(
        _("relation to head"), max_length=16, choices=Relation.choices, default=Relation.OTHER
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.RESIDENT
    )
    status_changed_on = models.DateField(_("status changed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )
    has_chronic_disease = models.BooleanField(_("chronic disease"), default=False)
    is_pregnant = models.BooleanField(_("pregnant"), default=False)
    is_disabled = models.BooleanField(_("disabled"), default=False)
    lives_alone = models.BooleanField(_("living alone"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    search_text = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="person_unique_document"),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False)
                | (~Q(status="merged") & Q(merged_into__isnull=True)),
                name="person_merged_has_target",
            ),
            models.CheckConstraint(
                condition=Q(document_type="none", id_number_index__isnull=True)
                | (~Q(document_type="none") & Q(id_number_index__isnull=False)),
                name="person_document_has_number",
            ),
        ]
        # Declared here, not with db_index (see Household.Meta.indexes).
        indexes = [
            # On PostgreSQL the index also carries search_text, so that scoped name search
            # filters without reading the table (an index-only scan for the short queries
            # the trigram index cannot serve, such as 王伟 or wj); other databases ignore
            # the included column (models.W040 is silenced in settings for this).
            models.Index(
                fields=["grid", "status", "id"],
                include=["search_text"],
                name="registry_person_scope_search",
            ),
            models.Index(fields=["household", "status"]),
            models.Index(fields=["id_number_last4_index"], name="person_id_last4_index"),
            models.Index(fields=["phone_last4"], name="person_phone_last4"),
            models.Index(fields=["phone_index"], name="person_phone_index"),
        ]

    def __str__(self) -> str:
        return self.name

    # Sensitive values: decrypted only on purpose; masked forms for display.
    def id_number(self) -> str:
        if self.id_number_encrypted is None:
            return ""
        return crypto.decrypt(self.id_number_encrypted, context=ID_CONTEXT)

    def phone(self) -> str:
        if self.phone_encrypted is None:
            return ""
        return crypto.decrypt(self.phone_encrypted, context=PHONE_CONTEXT)

    @property
    def id_number_masked(self) -> str:
        number = self.id_number()
        return mask_id_number(number) if number else ""

    @property
    def phone_masked(self) -> str:
        number = self.phone()
        return mask_phone(number) if number else ""

    @property
    def age(self) -> int | None:
        """Age today: shown wherever the ID number is masked, instead of the birth date."""
        return self.age_on(today())

    def age_on(self, day: datetime.date) -> int | None:
        return None if self.birth_date is None else age_on(self.birth_date, day)

    def tags_on(self, day: datetime.date) -> list[str]:
        tags = [tag for tag, field in FLAG_TAGS.items() if getattr(self, field)]
        age = self.age_on(day)
        if age is not None and age >= ELDERLY_AGE:
            tags.insert(0, Tag.ELDERLY)
        elif age is not None and age < CHILD_AGE:
            tags.insert(0, Tag.CHILD)
        return [str(t) for t in tags]


def document_index(document_type: str, number: str) -> str:
    """The blind index of a normalised document number, as stored in ``id_number_index``."""
    return crypto.blind_index(f"{document_type}:{number}", context=ID_CONTEXT)


def id_last4_index(number: str) -> str:
    """The keyed blind index of a document number's last 4 characters, as stored in
    ``Person.id_number_last4_index``: pass the whole number or the 4 characters searched
    for (normalised here); "" for no number."""
    last4 = normalize_id_number(number)[-4:]
    return crypto.blind_index(last4, context=ID_LAST4_CONTEXT) if last4 else ""


def birth_date_cutoff(day: datetime.date, years: int) -> datetime.date:
    """The latest birth date of someone who is at least ``years`` old on ``day``."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def tag_q(tag: str, day: datetime.date) -> Q:
    if tag == Tag.ELDERLY:
        return Q(birth_date__lte=birth_date_cutoff(day, ELDERLY_AGE))
    if tag == Tag.CHILD:
        return Q(birth_date__gt=birth_date_cutoff(day, CHILD_AGE))
    return Q(**{FLAG_TAGS[Tag(tag)]: True})


VOLUNTEER_PHONE_CONTEXT = "volunteer.phone"


class Team(models.TextChoices):
    PARTY = "party", _("Party vanguard team")  # 党员先锋队
    MEDICAL = "medical", _("Medical team")  # 防控医疗队
    RESIDENTS = "residents", _("Residents' self-help team")  # 居民自治队


class Skill(models.TextChoices):
    FIRST_AID = "first_aid", _("First aid")
    DRIVING = "driving", _("Driving")
    DIALECT = "dialect", _("Local dialect")
    IT = "it", _("Phones and computers")


class TimeOfDay(models.TextChoices):
    MORNING = "morning", pgettext_lazy("time of day", "Morning")
    AFTERNOON = "afternoon", pgettext_lazy("time of day", "Afternoon")
    EVENING = "evening", pgettext_lazy("time of day", "Evening")
    NIGHT = "night", pgettext_lazy("time of day", "Night")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class VolunteerSource(models.TextChoices):
    STAFF = "staff", _("Added by staff")
    SIGN_UP = "sign_up", _("Signed up by QR code")


class Volunteer(models.Model):
    """The platform's one volunteer registry: a community's volunteers, whoever uses them
    (duty rosters, resident services). A volunteer may be a registered resident and may
    have a login (a checkpoint volunteer's account)."""

    community = models.ForeignKey(
        OrgUnit,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="volunteers",
        limit_choices_to={"level": Level.COMMUNITY},
    )
    name = models.CharField(_("name"), max_length=50)
    phone_encrypted = models.BinaryField(null=True, editable=False)
    phone_last4 = models.CharField(max_length=4, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    resident = models.ForeignKey(
        Person,
        verbose_name=_("resident"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteering",
    )
    user = models.OneToOneField(
        "accounts.User",
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Keyed digest of the phone: one volunteer per phone in a community.
    phone_index = models.CharField(max_length=64, null=True, editable=False)
    teams = models.JSONField(_("teams"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    weekdays = models.JSONField(_("days they can usually help"), default=list, blank=True)
    times_of_day = models.JSONField(_("times of day they can help"), default=list, blank=True)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=VolunteerStatus.choices,
        default=VolunteerStatus.APPROVED,
    )
    source = models.CharField(
        _("source"), max_length=8, choices=VolunteerSource.choices, default=VolunteerSource.STAFF
    )
    signed_up_at = models.DateTimeField(_("signed up"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("approved or rejected by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("approved or rejected"), null=True, blank=True)
    reject_reason = models.CharField(_("reason for rejecting"), max_length=200, blank=True)
    # Set by a phone that may send the same registration twice: the replay finds this row.
    client_uuid = models.UUIDField(null=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        indexes = [
            models.Index(fields=["community", "is_active"], name="volunteer_by_community"),
            models.Index(fields=["community", "status"], name="volunteer_by_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "phone_index"],
                condition=Q(phone_index__isnull=False),
                name="volunteer_unique_phone_in_community",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def phone(self) -> str:
        if self.phone_encrypted is None:
            return ""
        return crypto.decrypt(bytes(self.phone_encrypted), context=VOLUNTEER_PHONE_CONTEXT)

    @property
    def phone_masked(self) -> str:
        number = self.phone()
        return mask_phone(number) if number else ""

    def age_on(self, day: datetime.date) -> int | None:
        """Age at the end of ``day``'s year at most: the year of birth is all that is kept."""
        return None if self.birth_year is None else day.year - self.birth_year

    def team_labels(self) -> list[str]:
        return [str(Team(t).label) for t in self.teams if t in Team.values]

    def skill_labels(self) -> list[str]:
        return [str(Skill(s).label) for s in self.skills if s in Skill.values]

    def weekday_labels(self) -> list[str]:
        return [str(Weekday(d).label) for d in sorted(self.weekdays) if d in Weekday.values]

    def time_of_day_labels(self) -> list[str]:
        return [str(TimeOfDay(t).label) for t in self.times_of_day if t in TimeOfDay.values]
