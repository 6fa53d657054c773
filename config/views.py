"""Infrastructure endpoints that belong to no app."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers and docker-compose: the database (and Redis, if used) answer."""
    problems = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means unhealthy; say which part
        problems.append(f"database: {type(exc).__name__}")
    if settings.REDIS_URL:
        try:
            cache.set("healthz", "ok", timeout=10)
        except Exception as exc:
            problems.append(f"redis: {type(exc).__name__}")
    if problems:
        return HttpResponse(
            "unhealthy\n" + "\n".join(problems), status=503, content_type="text/plain"
        )
    return HttpResponse("ok", content_type="text/plain")
