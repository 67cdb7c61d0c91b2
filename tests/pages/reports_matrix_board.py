"""The boards with charts of the reports app, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona)."""

ROUTES: dict = {}
POST_ROUTES: dict = {}
