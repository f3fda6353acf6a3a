# The image behind docker-compose.yml's web, worker and beat services.
FROM python:3.11-slim

# PYTHONPATH: every process (gunicorn, celery, manage.py) imports the code from /app, never the
# copy pip put in site-packages, which lacks the data files (licensing/data, static).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PYTHONPATH=/app LODESTONE_VAR_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md manage.py ./
COPY licensing ./licensing
COPY applicants ./applicants
COPY reviews ./reviews
COPY templates ./templates
RUN pip install --no-cache-dir .

# Static files are collected at build time and served by WhiteNoise.
# The secret key here is a throwaway: it exists only for this command, never in the image.
RUN DJANGO_SECRET_KEY=build-only LODESTONE_PRODUCTION=1 STATIC_ROOT=/app/static \
    python manage.py collectstatic --no-input

# /data/media exists in the image so the named volume mounted there starts owned by lodestone.
RUN useradd --create-home --uid 1000 lodestone \
    && mkdir -p /data/media && chown -R lodestone:lodestone /data
USER lodestone
ENV STATIC_ROOT=/app/static
EXPOSE 8000
CMD ["gunicorn", "licensing.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "3", "--threads", "4"]
