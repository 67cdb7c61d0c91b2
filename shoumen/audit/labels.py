"""Audit events in words: action codes, field names, choice values and ids as people read them.

Each app registers its own vocabulary in its ``AppConfig.ready()`` (the audit app sits
below them all and knows none of their models): action labels, and per target type the
labels, hidden and masked fields and the model a bare id refers to. Everything else comes
from the target model's own fields: verbose names, choice labels, foreign keys.
``describe`` turns a page of events into entries, naming every referred id in one query
per referred model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

Namer = Callable[[Iterable[Any]], Mapping[Any, str]]

YES, NO = _("Yes"), _("No")


@dataclass
class TargetVocabulary:
    labels: dict[str, Any] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    masked: dict[str, str] = field(default_factory=dict)
    # A change key that is not a model field (or names another model): the model its ids refer to.
    refers_to: dict[str, str] = field(default_factory=dict)
    # A change key whose values are choice values of these TextChoices.
    choices: dict[str, Any] = field(default_factory=dict)


_actions: dict[str, Any] = {}
_targets: dict[str, TargetVocabulary] = defaultdict(TargetVocabulary)
_namers: dict[str, Namer] = {}


def register_actions(labels: Mapping[str, Any]) -> None:
    _actions.update(labels)


def register_target(
    target_type: str,
    *,
    labels: Mapping[str, Any] | None = None,
    hidden: Iterable[str] = (),
    masked: Mapping[str, str] | None = None,
    refers_to: Mapping[str, str] | None = None,
    choices: Mapping[str, Any] | None = None,
) -> None:
    vocabulary = _targets[target_type]
    vocabulary.labels.update(labels or {})
    vocabulary.hidden.update(hidden)
    vocabulary.masked.update(masked or {})
    vocabulary.refers_to.update(refers_to or {})
    vocabulary.choices.update(choices or {})


def register_namer(model_label: str, namer: Namer) -> None:
    """How ids of ``model_label`` ("app.model") are named in bulk: ids → {id: name}."""
    _namers[model_label] = namer


def action_label(code: str) -> str:
    return str(_actions.get(code, code))


class ChangeRow(NamedTuple):
    label: str
    old: Any  # None: a value set, not changed from another
    new: Any


@dataclass
class HistoryEntry:
    event: Any
    action: str
    rows: list[ChangeRow]

    def __getattr__(self, name: str) -> Any:  # the event's own fields: occurred_at, reason…
        return getattr(self.__dict__["event"], name)


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


@dataclass
class _KeyRule:
    label: str
    mask: str | None = None
    refers_to: str | None = None
    choices: dict[str, Any] | None = None


def _rule(target_type: str, name: str) -> _KeyRule | None:
    vocabulary = _targets.get(target_type) or TargetVocabulary()
    if name in vocabulary.hidden:
        return None
    model_field = _model_field(_model(target_type), name)
    label = vocabulary.labels.get(name)
    if label is None:
        verbose = getattr(model_field, "verbose_name", None)
        label = capfirst(verbose) if verbose else name
    rule = _KeyRule(label=str(label), mask=vocabulary.masked.get(name))
    if name in vocabulary.refers_to:
        rule.refers_to = vocabulary.refers_to[name]
    elif model_field is not None and model_field.many_to_one and model_field.related_model:
        rule.refers_to = model_field.related_model._meta.label_lower
    if name in vocabulary.choices:
        rule.choices = dict(vocabulary.choices[name].choices)
    elif model_field is not None and getattr(model_field, "choices", None):
        rule.choices = dict(model_field.choices)
    return rule


def _values(value) -> list:
    return value if isinstance(value, list) else [value]


def _name_all(wanted: dict[str, set]) -> dict[str, Mapping[Any, str]]:
    names: dict[str, Mapping[Any, str]] = {}
    for model_label, ids in wanted.items():
        ids.discard(None)
        if not ids:
            continue
        namer = _namers.get(model_label)
        if namer is not None:
            names[model_label] = namer(ids)
            continue
        model = _model(model_label)
        if model is None:
            continue
        names[model_label] = {
            pk: str(obj) for pk, obj in model._default_manager.in_bulk(list(ids)).items()
        }
    return names


def _word(value, rule: _KeyRule, names: dict[str, Mapping[Any, str]]):
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        words = [_word(v, rule, names) for v in value]
        return "、".join(str(w) for w in words if w is not None) or None
    if rule.mask is not None:
        return rule.mask
    if isinstance(value, bool):
        return str(YES if value else NO)
    if rule.refers_to is not None:
        named = names.get(rule.refers_to, {})
        return named.get(value, named.get(_as_int(value), f"#{value}"))
    if rule.choices is not None and value in rule.choices:
        return str(rule.choices[value])
    return value


def _as_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def describe(events: Iterable[Any]) -> list[HistoryEntry]:
    """The events as entries in words; one query per model their ids refer to."""
    events = list(events)
    planned: list[tuple[Any, list[tuple[_KeyRule, Any]]]] = []
    wanted: dict[str, set] = defaultdict(set)
    for event in events:
        keyed = []
        for name, value in (event.changes or {}).items():
            rule = _rule(event.target_type, name)
            if rule is None:
                continue
            keyed.append((rule, value))
            if rule.refers_to is not None and rule.mask is None:
                pair = value if _is_change(value) else [value]
                for side in pair:
                    wanted[rule.refers_to].update(_as_int(v) for v in _values(side))
        planned.append((event, keyed))
    names = _name_all(wanted)
    entries = []
    for event, keyed in planned:
        rows = []
        for rule, value in keyed:
            if _is_change(value):
                old, new = (_word(v, rule, names) for v in value)
                if old is not None or new is not None:  # blank to blank says nothing
                    rows.append(ChangeRow(rule.label, old, new))
            elif (word := _word(value, rule, names)) is not None:  # a snapshot skips blanks
                rows.append(ChangeRow(rule.label, None, word))
        entries.append(HistoryEntry(event, action_label(event.action), rows))
    return entries


def _is_change(value) -> bool:
    """Services record a change as [old, new], a snapshot value as itself."""
    return isinstance(value, list) and len(value) == 2
