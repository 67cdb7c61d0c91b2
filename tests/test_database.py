"""The database connection as configured: PostgreSQL prepares queries it runs often."""

import pytest
from django.db import connection

from shoumen.places.models import OrgUnit

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL prepares statements")
def test_a_query_run_often_on_a_connection_is_prepared_once():
    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    before = prepared()
    for code in ("A", "B", "C", "D", "E", "F"):
        list(OrgUnit.objects.filter(code=code))
    new = prepared() - before
    assert any('"places_orgunit"."code" = $1' in statement for statement in new)
