"""Stub: the duty my pages, merged into test_page_matrix (ROUTES, POST_ROUTES)."""

ROUTES: dict = {}
POST_ROUTES: dict = {}
