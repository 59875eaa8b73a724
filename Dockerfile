# The ketamine-kg service: the package, the curated corpus and the web form's browser assets.
# At start it builds the graph into Neo4j (KG_STORE=neo4j, NEO4J_URI, NEO4J_PASSWORD from
# docker-compose.yml), then serves the JSON API and web form on port 8765 with KG_WORKERS gunicorn
# workers (one per core the container may use).

# The web form's vendored Cytoscape.js (service/static/vendor/, written by npm's postinstall step).
FROM node:20-slim AS web-assets
WORKDIR /src
COPY package.json package-lock.json ./
COPY scripts/vendor-assets.mjs scripts/
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml README.md ./
COPY kg kg
COPY ontology ontology
COPY loaders loaders
COPY service service
COPY --from=web-assets /src/service/static/vendor service/static/vendor
RUN pip install . && rm -rf build
COPY data/curated data/curated
RUN useradd --create-home --uid 10001 kg
USER kg
ENV KG_STORE=neo4j \
    KG_CURATED_DIR=/app/data/curated \
    KG_HOST=0.0.0.0 \
    KG_PORT=8765 \
    KG_WORKERS=2
EXPOSE 8765
CMD ["sh", "-c", "kg build && exec kg serve --host 0.0.0.0 --port 8765 --workers \"$KG_WORKERS\""]
