"""The daily reports' API operations, merged into test_api_matrix: OPERATIONS, QUERIES and
PATH_IDS as in reports_matrix."""

OPERATIONS: dict = {}
QUERIES: dict = {}
PATH_IDS: dict = {}
