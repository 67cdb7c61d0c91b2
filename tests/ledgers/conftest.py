import pytest


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Import jobs always go to the task queue; here the queue runs each task as it is
    enqueued (tests/test_task_queue.py runs a real worker)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
