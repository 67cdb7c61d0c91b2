"""Every duty API operation is fuzzed by one of the duty parts' fuzz tests (the project-wide
one in tests/api/test_schemathesis.py leaves them to these)."""

from shoumen.api.main import api
from tests.duty.test_checkin_api_fuzz import CHECKIN_OPERATIONS
from tests.duty.test_resolve_api_fuzz import RESOLVE_PATHS
from tests.duty.test_roster_api_fuzz import OPERATIONS as ROSTER_OPERATIONS
from tests.duty.test_setup_api_fuzz import SETUP_OPERATIONS
from tests.duty.test_swap_fuzz import SWAP_PATHS


def test_every_duty_api_operation_is_fuzzed_by_a_duty_fuzz_test():
    schema = api.get_openapi_schema()
    duty = {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        if path.startswith("/api/v1/duty/")
        for method in operations
    }
    swaps = {label for label in duty if label.split(" ", 1)[1] in SWAP_PATHS + RESOLVE_PATHS}
    fuzzed = CHECKIN_OPERATIONS | ROSTER_OPERATIONS | SETUP_OPERATIONS | swaps
    assert duty and duty == fuzzed
