# The Rasa environment (Python 3.10): the Rasa server and the action server run from this image,
# as in development (one environment for bot/ and actions/). The model is trained at build time,
# so a container starts with it and needs no write access to the image.
FROM python:3.10.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2
RUN useradd --create-home --uid 1001 coach
WORKDIR /app

COPY requirements/rasa.txt requirements/rasa.txt
RUN pip install --no-cache-dir -r requirements/rasa.txt

# The knowledge package and the bot's spaCy components, installed as packages.
COPY pyproject.toml ./
COPY knowledge knowledge
COPY bot/extensions bot/extensions
RUN pip install --no-cache-dir --no-deps . ./bot/extensions

COPY bot/config.yml bot/credentials.yml bot/endpoints.production.yml bot/
COPY bot/domain bot/domain
COPY bot/data bot/data
COPY actions actions
RUN python -m coalitie_rasa.build bot/.build/spacy-nl \
 && cd bot && rasa train --domain domain --data data --config config.yml --out models \
      --fixed-model-name coalitiecoach --quiet \
 && rm -rf /app/bot/.rasa

USER coach
EXPOSE 5005 5055
# docker-compose.yml chooses the command: `rasa run` in bot/, or the action server in /app.
CMD ["python", "-m", "rasa_sdk", "--actions", "actions", "-p", "5055"]
