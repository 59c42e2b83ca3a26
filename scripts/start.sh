#!/usr/bin/env bash
# Start HikiScreen for real use: migrate, load the bundled instruments, serve with gunicorn.
# The Dockerfile's CMD and `make serve` both run this script, so they cannot drift apart.
# Environment: DATABASE_URL, SECRET_KEY, ALLOWED_HOSTS (+ README.md); BIND (default
# 0.0.0.0:8000), WEB_CONCURRENCY (gunicorn workers, default 3), PYTHON (default python).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
"$PYTHON" manage.py migrate --noinput
"$PYTHON" manage.py load_instruments
# The access log leaves out the URL: respondent links carry invitation tokens.
exec "$PYTHON" -m gunicorn hikiscreen.wsgi \
  --bind "${BIND:-0.0.0.0:8000}" \
  --workers "${WEB_CONCURRENCY:-3}" \
  --timeout 60 \
  --access-logfile - \
  --access-logformat '%(h)s %(t)s "%(m)s" %(s)s %(B)s %(M)sms'
