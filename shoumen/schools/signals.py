"""What the checks tell the rest of the schools app, sent once the check is committed."""

from django.dispatch import Signal

# Sent with ``check`` (a ClassCheck) after a new check is committed (not on a replay).
class_check_submitted = Signal()
