"""The schools API operations of this part, merged into test_api_matrix: OPERATIONS as
there ((method, template): (body factory, expected status per persona)), QUERIES
((method, template): query-string factory) and PATH_IDS (template: world -> the id that
fills ``{id}``)."""

OPERATIONS: dict = {}
QUERIES: dict = {}
PATH_IDS: dict = {}
