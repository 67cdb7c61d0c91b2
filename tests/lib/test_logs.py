"""Search terms and link tokens in a query string never reach the access log."""

import io
import logging

from shoumen.lib.logs import without_query

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
