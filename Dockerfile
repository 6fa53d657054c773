# The production image: gunicorn for the web, the same image runs the Celery worker.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_DATA_DIR=/app/var

WORKDIR /app
# WeasyPrint's Pango, fonts (Latin and Devanagari), Chromium for exporting charts, and GNU
# gettext's msgfmt to compile the Hindi catalogue.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-dejavu-core fonts-lohit-deva chromium gettext \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --create-home --home-dir /home/app app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# Static files are collected, compressed and hashed at build time; whitenoise serves them. The
# Hindi catalogue is compiled (the .mo is not in git).
RUN msgfmt --check -o locale/hi/LC_MESSAGES/django.mo locale/hi/LC_MESSAGES/django.po \
    && DJANGO_DEBUG=1 python manage.py collectstatic --noinput --verbosity 0 \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
