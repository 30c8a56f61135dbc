# syntax=docker/dockerfile:1
#
# spooky-temporal production image: the compiled CLI (dist/) plus its production dependencies.
#
#   docker build -t spooky-temporal .
#   docker run --rm spooky-temporal --help
#   docker run --rm -e SURREAL_URL=ws://db:8000 -e SURREAL_USER=root -e SURREAL_PASS=... \
#     -e TEMPORAL_ADDRESS=temporal:7233 -v "$PWD/sp00ky.yml:/app/sp00ky.yml:ro" \
#     -e SPKY_CONFIG=/app/sp00ky.yml spooky-temporal start
#
# The entrypoint is the CLI, so any subcommand works (`start`, `start --worker-only`,
# `schema deploy`, `jobs list --url ...`). docker-compose.yml runs the full stack.
#
# Only compiled output ships: no src/, no TypeScript sources, no dev dependencies.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------- builder: compile TypeScript
FROM ${NODE_IMAGE} AS builder
WORKDIR /app
# Dependencies first, so source edits do not re-run `npm ci`.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY examples ./examples
RUN npm run build

# ---------------------------------------------------------------- runtime
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
# Production dependencies only (the Temporal worker's native core bridge and the workflow
# bundler ship as prebuilt packages; nothing is compiled here).
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Compiled output only. package.json stays: the CLI reads its version from it, and finds the
# package folder (examples/) by it.
COPY --from=builder /app/dist ./dist
# The example app's config and OpenAPI spec are read at run time (YAML, not compiled).
COPY examples/sp00ky.yml ./examples/sp00ky.yml
COPY examples/api ./examples/api
# docker-compose support: the stack's sp00ky.yml and the example backend's entry point.
COPY deploy/sp00ky.yml deploy/example-backend.mjs ./deploy/

# Files stay root-owned and read-only to the process; it runs as the image's `node` user.
USER node

# No HEALTHCHECK here: `start` serves /healthz and /readyz on its metrics port (SPKY_METRICS_PORT,
# 9464), and docker-compose.yml and the Kubernetes probes (deploy/k8s) ask them; other commands
# (`schema deploy`, `jobs ...`) serve nothing.
ENTRYPOINT ["node", "dist/src/app/cli/main.js"]
CMD ["start"]
