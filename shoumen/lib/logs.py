"""Logging without personal data: request lines lose their query strings (search terms,
link tokens), whoever logs them."""

import logging
import re

_QUERY = re.compile(r"\?[^\s\"]*")


def without_query(text: str) -> str:
    """ "GET /api/v1/persons?q=110105... HTTP/1.1" -> "GET /api/v1/persons HTTP/1.1" """
    return _QUERY.sub("", text)


class DropQueryStrings(logging.Filter):
    """For the development server's access log (``django.server``): the request line in the
    record's arguments is logged without its query string."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                without_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True
