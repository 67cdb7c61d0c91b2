"""Search terms and link tokens in a query string never reach the access log; resident ID
numbers and mobile numbers are masked on every handler; in production every line is one
JSON object."""

import contextlib
import datetime
import io
import json
import logging
import logging.config

import pytest
from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from shoumen.lib.ids import id_check_digit
from shoumen.lib.logs import mask_personal_data, without_query

ID = "110105198503070019"


def test_a_request_line_loses_its_query_string():
    assert without_query(f"GET /api/v1/persons?q={ID}&page=2 HTTP/1.1") == (
        "GET /api/v1/persons HTTP/1.1"
    )


def test_the_development_server_logs_requests_without_their_query_string():
    logger = logging.getLogger("django.server")
    (handler,) = [h for h in logger.handlers if h.get_name() == "django.server"]
    stream = io.StringIO()
    original = handler.setStream(stream)
    try:
        # As django.core.servers.basehttp.WSGIRequestHandler.log_message logs a request.
        logger.info(
            '"%s" %s %s',
            f"GET /search/?q={ID} HTTP/1.1",
            "200",
            "512",
            extra={"status_code": 200, "request": None},
        )
    finally:
        handler.setStream(original)
    line = stream.getvalue()
    assert '"GET /search/ HTTP/1.1" 200 512' in line
    assert ID not in line


# Personal data masked on every handler, and one JSON object a line in production.

MOBILE = "13812345678"
HANDLERS = {
    "console": "shoumen.ops",
    "requests": "django.request",
    "django.server": "django.server",
}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"person {ID} moved", "person 110105********0019 moved"),
        ("id 11010519850307001x", "id 110105********001X"),
        (f"call {MOBILE}", "call 138****5678"),
        ("call +86 138-1234-5678 now", "call 138****5678 now"),
        ("call +8613812345678", "call 138****5678"),
        (f"ids={ID},{MOBILE}", "ids=110105********0019,138****5678"),
        # Full-width digits, as typed on a phone's keyboard.
        ("１３８１２３４５６７８", "１３８****５６７８"),
        # Not an ID number or a mobile: 19 digits, 10 digits, a landline.
        ("order 1101051985030700191", "order 1101051985030700191"),
        ("n=1381234567 t=010-12345678", "n=1381234567 t=010-12345678"),
    ],
)
def test_id_numbers_and_mobile_numbers_are_masked(text, masked):
    assert mask_personal_data(text) == masked


_NO_DIGITS = st.text(st.characters(exclude_categories=("Nd",)), max_size=30)


@given(
    before=_NO_DIGITS,
    after=_NO_DIGITS,
    region=st.integers(110000, 659999),
    born=st.dates(datetime.date(1920, 1, 1), datetime.date(2025, 12, 31)),
    sequence=st.integers(0, 999),
    carrier=st.integers(3, 9),
    subscriber=st.integers(0, 10**9 - 1),
)
def test_no_resident_id_or_mobile_survives_masking(
    before, after, region, born, sequence, carrier, subscriber
):
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    number = first17 + id_check_digit(first17)
    mobile = f"1{carrier}{subscriber:09d}"
    masked = mask_personal_data(f"{before}{number}{after} {mobile}")
    assert number not in masked
    assert mobile not in masked


@contextlib.contextmanager
def captured(handler_name: str):
    """The handler's output while inside, as a list of lines."""
    logger = logging.getLogger(HANDLERS[handler_name])
    loggers = [logger, logging.getLogger()]
    (handler,) = [h for lg in loggers for h in lg.handlers if h.get_name() == handler_name]
    stream = io.StringIO()
    original = handler.setStream(stream)
    lines: list[str] = []
    try:
        yield lines
    finally:
        handler.setStream(original)
        lines.extend(stream.getvalue().splitlines())


@pytest.fixture
def log_format(settings):
    """Logging configured from LOGGING again with the chosen SHOUMEN_LOG_FORMAT, and back."""
    original = settings.SHOUMEN_LOG_FORMAT

    def configure(chosen: str) -> None:
        settings.SHOUMEN_LOG_FORMAT = chosen
        logging.config.dictConfig(settings.LOGGING)

    yield configure
    configure(original)


def _log_through_each_handler():
    """A line through each handler, as the code that writes it would log it."""
    logging.getLogger("shoumen.ops").warning("person %s phoned from %s", ID, MOBILE)
    request = RequestFactory().get(f"/registry/persons/?q={ID}")
    logging.getLogger("django.request").warning(
        "Not Found: %s", request.path, extra={"status_code": 404, "request": request}
    )
    logging.getLogger("django.server").info(
        '"%s" %s %s',
        f"GET /search/?q={MOBILE} HTTP/1.1",
        "200",
        "512",
        extra={"status_code": 200, "request": None, "server_time": "06/Dec/2026 12:00:00"},
    )


def test_in_json_format_every_handler_writes_one_json_object_a_line(log_format):
    log_format("json")
    with (
        captured("console") as console,
        captured("requests") as requests,
        captured("django.server") as server,
    ):
        _log_through_each_handler()
    (line,) = console
    entry = json.loads(line)
    assert set(entry) == {"time", "level", "logger", "message"}
    assert (entry["level"], entry["logger"]) == ("WARNING", "shoumen.ops")
    assert entry["message"] == "person 110105********0019 phoned from 138****5678"
    assert datetime.datetime.fromisoformat(entry["time"]).utcoffset() == datetime.timedelta(0)
    (line,) = requests
    entry = json.loads(line)
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/registry/persons/", 404)
    assert "request" not in entry
    (line,) = server
    entry = json.loads(line)
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/search/", 200)
    output = "\n".join([*console, *requests, *server])
    assert ID not in output
    assert MOBILE not in output


def test_in_text_format_every_handler_masks_personal_data(log_format):
    log_format("text")
    with (
        captured("console") as console,
        captured("requests") as requests,
        captured("django.server") as server,
    ):
        _log_through_each_handler()
    assert console == ["person 110105********0019 phoned from 138****5678"]
    assert requests == ["Not Found: /registry/persons/"]
    assert server[0].endswith('"GET /search/ HTTP/1.1" 200 512')
    with pytest.raises(json.JSONDecodeError):
        json.loads(console[0])


@pytest.mark.parametrize("chosen", ["json", "text"])
def test_a_traceback_is_masked_and_a_json_line_stays_one_line(log_format, chosen):
    log_format(chosen)
    with captured("console") as console:
        try:
            raise ValueError(f"no person with ID {ID} or phone {MOBILE}")
        except ValueError:
            logging.getLogger("shoumen.ops").exception("lookup failed")
    output = "\n".join(console)
    assert "110105********0019" in output
    assert "138****5678" in output
    assert ID not in output
    assert MOBILE not in output
    if chosen == "json":
        (line,) = console
        assert "ValueError" in json.loads(line)["exc_info"]
