# Production image: slim base, non-root user; migrates, seeds (idempotent) and serves.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DATABASE_URL=sqlite:////app/var/uppdrag.db \
    WORKERS=2

WORKDIR /app
RUN useradd --create-home --uid 10001 uppdrag

COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install .

COPY alembic.ini ./
COPY migrations ./migrations
COPY seeds ./seeds
RUN mkdir -p /app/var && chown uppdrag:uppdrag /app/var

USER uppdrag
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"

CMD ["sh", "-c", "uppdrag migrate && uppdrag seed && exec uppdrag serve --host 0.0.0.0 --port 8000 --workers \"$WORKERS\""]
