# The image behind docker-compose.yml's web, worker and beat services.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 LODESTONE_VAR_DIR=/data
RUN apt-get update \
    && apt-get install -y --no-install-recommends libmagic1 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md manage.py ./
COPY licensing ./licensing
COPY applicants ./applicants
COPY reviews ./reviews
COPY templates ./templates
RUN pip install --no-cache-dir .

# Static files are collected at build time and served by WhiteNoise.
RUN DJANGO_SECRET_KEY=build-only LODESTONE_PRODUCTION=1 STATIC_ROOT=/app/static \
    python manage.py collectstatic --no-input

RUN useradd --create-home --uid 1000 lodestone && mkdir -p /data && chown lodestone /data
USER lodestone
ENV STATIC_ROOT=/app/static
EXPOSE 8000
CMD ["gunicorn", "licensing.wsgi:application", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--workers", "3", "--threads", "4"]
