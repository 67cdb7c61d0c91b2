"""Logging without personal data: request lines lose their query strings (search terms,
link tokens), resident ID numbers and mobile numbers are masked whoever logs them, and in
production every line is one JSON object (``SHOUMEN_LOG_FORMAT``)."""

import datetime
import logging
import re
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string
from pythonjsonlogger.json import JsonFormatter

from shoumen.lib.ids import mask_id_number
from shoumen.lib.phones import mask_phone

_QUERY = re.compile(r"\?[^\s\"]*")
# Not a check of validity: a log line keeps nothing that looks like either, in ASCII or
# in full-width digits as people type them on a phone.
_D = "[0-9\uff10-\uff19]"
_ID_NUMBER = re.compile(rf"(?<!{_D}){_D}{{17}}[0-9\uff10-\uff19XxＸｘ](?!{_D})")
_MOBILE = re.compile(
    rf"(?<![0-9\uff10-\uff19+＋])(?:[+＋]?[8８][6６][\s-]?)?"
    rf"([1１][3-9３-９]{_D})[\s-]?({_D}{{4}})[\s-]?({_D}{{4}})(?!{_D})"
)
_REQUEST_LINE = re.compile(r"^(?P<method>[A-Z]+) (?P<path>\S+)")
# Extra attributes that say nothing a line needs, or could hold what it must not.
_DROPPED_EXTRAS = {"request", "server_time", "status_code", "taskName", "color_message"}


def without_query(text: str) -> str:
    """ "GET /api/v1/persons?q=110105... HTTP/1.1" -> "GET /api/v1/persons HTTP/1.1" """
    return _QUERY.sub("", text)


def mask_personal_data(text: str) -> str:
    """Resident ID numbers and mainland mobile numbers in ``text`` masked as pages show
    them (110105********0019, 138****5678)."""
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group().upper()), text)
    return _MOBILE.sub(lambda m: mask_phone("+86" + "".join(m.groups())), text)


class DropQueryStrings(logging.Filter):
    """For the development server's access log (``django.server``): the request line in the
    record's arguments is logged without its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


class MaskPersonalData(logging.Filter):
    """On every handler: the message, traceback and stack of a record with ID numbers and
    mobile numbers masked. The record is changed in place, so every handler after this
    one sees it masked too."""

    _traceback = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the message
            message = str(record.msg)
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._traceback.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True


def _request_fields(record: logging.LogRecord) -> dict[str, Any]:
    """method, path (without its query string) and status of a request's record: Django's
    request loggers attach the request; the development server logs its request line."""
    fields: dict[str, Any] = {}
    request = getattr(record, "request", None)
    method = getattr(request, "method", None)
    path = getattr(request, "path", None)
    if isinstance(method, str) and isinstance(path, str):
        fields["method"], fields["path"] = method, path
    elif record.name == "django.server":
        line = record.args[0] if isinstance(record.args, tuple) and record.args else record.msg
        found = _REQUEST_LINE.search(str(line).lstrip('"'))
        if found:
            fields["method"], fields["path"] = found["method"], found["path"]
    if "path" in fields:
        fields["path"] = mask_personal_data(without_query(fields["path"]))
    status = getattr(record, "status_code", None)
    if isinstance(status, int):
        fields["status"] = status
    return fields


class JsonLineFormatter(JsonFormatter):
    """One JSON object a line: time (UTC), level, logger, message; method, path and status
    for a request; the traceback when there is one. Other extra attributes are kept only
    when they are plain values (strings masked): a request or user object never is."""

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
        log_data["time"] = moment.isoformat(timespec="milliseconds")
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = mask_personal_data(record.message)
        log_data.update(_request_fields(record))
        for key, value in record.__dict__.items():
            if key in self.reserved_attrs or key in _DROPPED_EXTRAS or key.startswith("_"):
                continue
            if isinstance(value, str):
                log_data.setdefault(key, mask_personal_data(value))
            elif value is None or isinstance(value, bool | int | float):
                log_data.setdefault(key, value)
        traceback = record.exc_text or message_dict.get("exc_info")
        if traceback:
            log_data["exc_info"] = mask_personal_data(traceback)
        if message_dict.get("stack_info"):
            log_data["stack_info"] = mask_personal_data(message_dict["stack_info"])


def line_formatter(text_class: str = "logging.Formatter", **text_options) -> logging.Formatter:
    """The formatter of a handler in LOGGING: JSON lines when ``SHOUMEN_LOG_FORMAT`` is
    "json", else ``text_class`` with ``text_options`` (format, style). Read when logging is
    configured, after the settings are loaded."""
    if settings.SHOUMEN_LOG_FORMAT == "json":
        return JsonLineFormatter(json_ensure_ascii=False)
    fmt = text_options.pop("format", None)
    return import_string(text_class)(fmt, **text_options)
