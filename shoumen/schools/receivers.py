"""Within the schools app: what runs when a class check is committed."""


def connect_all() -> None:
    """Connect the schools app's receivers (the outbreak rules connect theirs here)."""
