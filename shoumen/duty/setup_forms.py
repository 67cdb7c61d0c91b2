"""The forms that set a community's duty up: a post with its shift pattern (one small form
per shift), a person on duty, an absence."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shoumen.duty.models import AbsenceKind, PostKind, Skill, Team
from shoumen.duty.people_services import MAX_HOURS_WEEK
from shoumen.duty.setup_services import DAY_KEYS, DEFAULT_PATTERN, HEADCOUNT_MAX, PATTERNS
from shoumen.lib.forms import StyledForm
from shoumen.lib.widgets import DateInput

NO_TEAM = [("", _("Any team"))]
PATTERN_CHOICES = [(key, label) for key, (label, _rows) in PATTERNS.items()]
DAY_LABELS = {
    "0": _("Mon"),
    "1": _("Tue"),
    "2": _("Wed"),
    "3": _("Thu"),
    "4": _("Fri"),
    "5": _("Sat"),
    "6": _("Sun"),
    "holiday": _("Holiday"),
}
NIGHT_AUTO, NIGHT_YES, NIGHT_NO = "auto", "yes", "no"


class _Named(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class PostForm(StyledForm):
    name = forms.CharField(label=_("Post name"), max_length=100, help_text=_("e.g. 北门卡点"))
    kind = forms.ChoiceField(label=_("Kind of post"), choices=PostKind.choices)
    checkpoint = _Named(
        label=_("Checkpoint"),
        queryset=None,
        required=False,
        help_text=_("Only for a checkpoint post."),
    )
    team = forms.ChoiceField(label=_("Team only"), choices=NO_TEAM + Team.choices, required=False)

    def __init__(self, *args, checkpoints, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["checkpoint"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = checkpoints


class NewPostForm(PostForm):
    pattern = forms.ChoiceField(
        label=_("Shift pattern"),
        choices=PATTERN_CHOICES,
        initial=DEFAULT_PATTERN,
        widget=forms.RadioSelect,
        help_text=_("You can change the shifts afterwards."),
    )


class EditPostForm(PostForm):
    is_active = forms.BooleanField(label=_("In use"), required=False)


class PatternForm(StyledForm):
    pattern = forms.ChoiceField(label=_("Ready-made pattern"), choices=PATTERN_CHOICES)


class ShiftForm(StyledForm):
    code = forms.CharField(label=_("Shift code"), max_length=8)
    label = forms.CharField(label=_("Shift name"), max_length=20)
    start = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    hours = forms.DecimalField(
        label=_("Length in hours"), min_value=1, max_value=24, max_digits=4, decimal_places=2
    )
    headcount = forms.IntegerField(
        label=_("People needed"), min_value=0, max_value=HEADCOUNT_MAX, initial=1
    )
    is_night = forms.ChoiceField(
        label=_("Night shift"),
        choices=[
            (NIGHT_AUTO, _("Automatic (any time from 00:00 to 05:00)")),
            (NIGHT_YES, _("Yes")),
            (NIGHT_NO, _("No")),
        ],
        initial=NIGHT_AUTO,
    )
    needs_medical = forms.BooleanField(label=_("At least one medical team member"), required=False)
    needs_party = forms.BooleanField(label=_("At least one Party member"), required=False)
    no_lone_elder_at_night = forms.BooleanField(
        label=_("No one over 70 alone at night"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in DAY_KEYS:
            self.fields[f"day_{key}"] = forms.IntegerField(
                label=DAY_LABELS[key],
                min_value=0,
                max_value=HEADCOUNT_MAX,
                required=False,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
            )

    def day_fields(self):
        return [self[f"day_{key}"] for key in DAY_KEYS]

    def main_fields(self):
        return [self[name] for name in ("code", "label", "start", "hours", "headcount", "is_night")]

    def rule_fields(self):
        return [self[name] for name in ("needs_medical", "needs_party", "no_lone_elder_at_night")]

    def shift_row(self) -> dict:
        """The service's row for this form's shift."""
        data = self.cleaned_data
        night = data["is_night"]
        return {
            "code": data["code"],
            "label": data["label"],
            "start": data["start"],
            "hours": data["hours"],
            "headcount": data["headcount"],
            "headcount_by_day": {
                key: data[f"day_{key}"] for key in DAY_KEYS if data.get(f"day_{key}") is not None
            },
            "is_night": None if night == NIGHT_AUTO else night == NIGHT_YES,
            "needs_medical": data["needs_medical"],
            "needs_party": data["needs_party"],
            "no_lone_elder_at_night": data["no_lone_elder_at_night"],
        }


ShiftFormSet = forms.formset_factory(ShiftForm, extra=1, can_delete=True, max_num=12)


def shift_initial(shift) -> dict:
    """A form's initial values from a Shift row or a pattern's row (a dict)."""
    get = shift.get if isinstance(shift, dict) else lambda k, d=None: getattr(shift, k, d)
    by_day = get("headcount_by_day") or {}
    night = get("is_night")
    return {
        "code": get("code"),
        "label": get("label"),
        "start": get("start"),
        "hours": get("hours"),
        "headcount": get("headcount", 1),
        "is_night": NIGHT_AUTO if night is None else NIGHT_YES if night else NIGHT_NO,
        "needs_medical": get("needs_medical", False),
        "needs_party": get("needs_party", False),
        "no_lone_elder_at_night": get("no_lone_elder_at_night", False),
        **{f"day_{key}": by_day.get(key) for key in DAY_KEYS},
    }


class _PersonFields(StyledForm):
    team = forms.ChoiceField(
        label=_("Team"), choices=[("", _("No team"))] + Team.choices, required=False
    )
    is_party_member = forms.BooleanField(label=_("Party member"), required=False)
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    birth_year = forms.IntegerField(label=_("Year of birth"), required=False)
    max_hours_week = forms.IntegerField(
        label=_("Most hours a week"), min_value=1, max_value=MAX_HOURS_WEEK, initial=48
    )
    prefers_no_nights = forms.BooleanField(label=_("Prefers no nights"), required=False)
    prefers_weekends_off = forms.BooleanField(label=_("Prefers weekends off"), required=False)


PERSON_STAFF, PERSON_VOLUNTEER, PERSON_NEW_VOLUNTEER = "staff", "volunteer", "new"
ERR_CHOOSE_STAFF = _("Choose the staff member.")
ERR_CHOOSE_VOLUNTEER = _("Choose the volunteer.")
ERR_VOLUNTEER_NAME = _("Enter the volunteer's name.")


class PersonNewForm(_PersonFields):
    who = forms.ChoiceField(
        label=_("Who"),
        choices=[
            (PERSON_STAFF, _("A staff member")),
            (PERSON_VOLUNTEER, _("A registered volunteer")),
            (PERSON_NEW_VOLUNTEER, _("A new volunteer")),
        ],
        widget=forms.RadioSelect,
    )
    user = _UserChoice(label=_("Staff member"), queryset=None, required=False)
    volunteer = _Named(label=_("Volunteer"), queryset=None, required=False)
    name = forms.CharField(label=_("New volunteer's name"), max_length=50, required=False)
    phone = forms.CharField(
        label=_("New volunteer's phone"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )

    field_order = ["who", "user", "volunteer", "name", "phone", "birth_year"]

    def __init__(self, *args, staff, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        user_field, volunteer_field = self.fields["user"], self.fields["volunteer"]
        assert isinstance(user_field, forms.ModelChoiceField)
        assert isinstance(volunteer_field, forms.ModelChoiceField)
        user_field.queryset = staff
        volunteer_field.queryset = volunteers

    def clean(self):
        data = super().clean() or {}
        who = data.get("who")
        if who == PERSON_STAFF and not data.get("user"):
            self.add_error("user", ERR_CHOOSE_STAFF)
        elif who == PERSON_VOLUNTEER and not data.get("volunteer"):
            self.add_error("volunteer", ERR_CHOOSE_VOLUNTEER)
        elif who == PERSON_NEW_VOLUNTEER and not (data.get("name") or "").strip():
            self.add_error("name", ERR_VOLUNTEER_NAME)
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        who = data["who"]
        kwargs = {
            key: data[key]
            for key in (
                "team",
                "is_party_member",
                "skills",
                "birth_year",
                "max_hours_week",
                "prefers_no_nights",
                "prefers_weekends_off",
            )
        }
        if who == PERSON_STAFF:
            kwargs["user"] = data["user"]
        elif who == PERSON_VOLUNTEER:
            kwargs["volunteer"] = data["volunteer"]
        else:
            kwargs["new_volunteer"] = {
                "name": data["name"],
                "phone": data["phone"],
                "birth_year": data["birth_year"],
            }
        return kwargs


class PersonEditForm(_PersonFields):
    name = forms.CharField(label=_("Name on the roster"), max_length=50)
    phone = forms.CharField(
        label=_("New phone number"),
        max_length=30,
        required=False,
        help_text=_("Leave empty to keep the number on record."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label=_("Active on duty"), required=False)

    field_order = ["name", "phone"]

    def __init__(self, *args, volunteer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not volunteer:
            del self.fields["phone"]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("phone"):
            data.pop("phone", None)
        return data


class AbsenceForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Kind of absence"),
        choices=[(k.value, k.label) for k in (AbsenceKind.LEAVE, AbsenceKind.UNAVAILABLE)],
    )
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
