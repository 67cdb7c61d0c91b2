"""Reads from streaming replicas, writes to the primary (see settings.REPLICA_DATABASES)."""


class ReplicaRouter:
    """Every query goes to the primary until the router is built."""

    def db_for_read(self, model, **hints):
        return None

    def db_for_write(self, model, **hints):
        return None


class ReplicaMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
