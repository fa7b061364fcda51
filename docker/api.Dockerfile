# The gateway (Python 3.11): FastAPI, the web widget, the Teams endpoint, reports. Debian's
# Chromium prints the PDF reports.
FROM python:3.11.7-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CHROMIUM_PATH=/usr/bin/chromium COALITIECOACH_DATA_DIR=/data
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1001 coach \
 && mkdir /data && chown coach /data
WORKDIR /app

COPY requirements/api.txt requirements/api.txt
RUN pip install --no-cache-dir -r requirements/api.txt
COPY pyproject.toml ./
COPY knowledge knowledge
RUN pip install --no-cache-dir --no-deps .
COPY api api

USER coach
WORKDIR /app/api
EXPOSE 8000
CMD ["uvicorn", "app.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--no-access-log"]
