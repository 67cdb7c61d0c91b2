"""Stub: duty API operations for test_api_matrix (OPERATIONS, QUERIES, PATH_IDS)."""

OPERATIONS: dict = {}
QUERIES: dict = {}
PATH_IDS: dict = {}
