"""`shoumen check --database default`: the configured keys are this database's."""

from django.core.checks import CheckMessage, Error, Tags, register
from django.db import DatabaseError

from shoumen.accounts.keys import key_problems
from shoumen.accounts.models import KeyCanary

CHECK_IDS: dict[str, str] = {
    KeyCanary.Name.DATA_KEY: "shoumen.E001",
    KeyCanary.Name.PASS_SIGNING_KEY: "shoumen.E002",
}


@register(Tags.database)
def configured_keys_match_the_database(app_configs=None, databases=None, **kwargs):
    errors: list[CheckMessage] = []
    for alias in databases or ():
        try:
            problems = key_problems(alias)
        except DatabaseError:
            continue  # not migrated yet: nothing was encrypted with any key
        errors.extend(Error(message, id=CHECK_IDS[name]) for name, message in problems.items())
    return errors
