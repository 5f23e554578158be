# One image for the app, the webhook worker and the one-shot migration (see docker-compose.yml).
# The build stage makes the wheel, which carries the migrations and the seed files; the runtime stage
# installs it for a non-root user. Nothing at start-up migrates: `uppdrag migrate` runs once, on its own.

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY app ./app
COPY migrations ./migrations
COPY seeds ./seeds
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////app/var/uppdrag.db \
    WORKERS=2
# WeasyPrint (the PDFs) lays text out with Pango; DejaVu and Liberation are the fonts the PDFs use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 10001 uppdrag
COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl && rm -rf /wheels
WORKDIR /app
RUN mkdir -p /app/var && chown uppdrag:uppdrag /app/var
USER uppdrag
EXPOSE 8000
# Alive, not ready: /readyz (database reachable and migrated) is for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["sh", "-c", "exec uppdrag serve --host 0.0.0.0 --port 8000 --workers \"$WORKERS\""]
