"""The Celery application. Settings come from Django's settings under the CELERY_ prefix.

Without REDIS_URL the settings make every task run eagerly in the calling process (the embedded
default); with it, tasks go to Redis and a worker (`celery -A config worker`) runs them.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
