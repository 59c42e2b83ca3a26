# HikiScreen production image: gunicorn behind your TLS proxy, PostgreSQL via DATABASE_URL.
# The steps mirror the Makefile: scripts/system_deps.sh (Debian packages), pip install
# -r requirements.txt, collectstatic, then scripts/start.sh (migrate, load_instruments,
# gunicorn) exactly as `make serve` runs it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# WeasyPrint's libraries and the Noto fonts (CJK included) for the PDF reports.
COPY scripts/system_deps.sh scripts/system_deps.sh
RUN scripts/system_deps.sh runtime && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 10001 hikiscreen \
 && mkdir -p /app/var/exports \
 && chown -R hikiscreen:hikiscreen /app

USER hikiscreen
ENV BIND=0.0.0.0:8000
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["python", "scripts/healthcheck.py"]
CMD ["scripts/start.sh"]
