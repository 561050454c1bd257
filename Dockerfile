# syntax=docker/dockerfile:1

# Front-end packages: only node_modules and the built service worker leave this stage, so the
# runtime image has no Node.
FROM node:20-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY offline/sw-src.js offline/sw-src.js
RUN npx --no-install esbuild offline/sw-src.js --bundle --minify --format=iife \
        --define:process.env.NODE_ENV='"production"' --outfile=build/sw.js \
    && npm prune --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    WEB_CONCURRENCY=3

# Pango, HarfBuzz and fonts for WeasyPrint's PDF rendering.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --create-home --uid 1000 app

WORKDIR /app

# pyproject.toml installs the dependencies only (py-modules = []), so this layer is cached
# until the dependencies change.
COPY pyproject.toml ./
RUN pip install .

COPY --from=frontend /app/node_modules ./node_modules
COPY --from=frontend /app/build ./build
COPY . .

# Settings refuse to load with DEBUG off unless these are set; they exist only for this step.
RUN DEBUG=0 ALLOWED_HOSTS=build.invalid \
    SECRET_KEY=collectstatic-only-build-key-not-used-at-runtime-0123456789 \
    python manage.py collectstatic --noinput \
    && mkdir -p media && chown app:app media

USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
