# The images of Switchyard, one build target each. The build context is the
# repository root:
#   docker build --target gateway            -t switchyard/gateway .
#   docker build --target worker-cloud       -t switchyard/worker-cloud .
#   docker build --target worker-local       -t switchyard/worker-local .
#   docker build --target webhook-dispatcher -t switchyard/webhook-dispatcher .
#   docker build --target mock-upstream      -t switchyard/mock-upstream .
# Without --target the gateway is built. Migrations run from the gateway image:
#   docker run --rm -e DATABASE_URL=postgres://... switchyard/gateway node packages/database/dist/migrate.js
#
# The stages up to `workspace-dist` are shared: dependencies are installed
# once with the lockfile and every image's packages are built once with turbo.
# Each app then gets its production dependencies installed from the same pnpm
# store (so an image holds only what its app needs), and its target copies out
# the app and the workspace packages it depends on. An image keeps the workspace layout
# (apps/gateway/dist/main.js, packages/database/dist/migrate.js) rather than
# `pnpm deploy`'s, so commands read the same in the repository, in
# docker-compose.yml and in k8s/.

ARG NODE_IMAGE=node:22-bookworm-slim

# The pnpm version is the one the root package.json pins in `packageManager`.
# Only that string leaves this stage, so editing package.json otherwise does
# not invalidate the cached pnpm install and dependency download below.
FROM ${NODE_IMAGE} AS pnpm-version
COPY package.json /tmp/package.json
RUN node -e "const m = /^pnpm@([^+]+)/.exec(require('/tmp/package.json').packageManager || ''); if (!m) { console.error('package.json must pin pnpm in packageManager'); process.exit(1); } process.stdout.write(m[1]);" > /pnpm-version

FROM ${NODE_IMAGE} AS pnpm
# CI=true: non-interactive pnpm with a frozen lockfile by default.
# PNPM_CONFIG_PM_ON_FAIL=ignore: the pinned pnpm is the one installed below, so
# there is no version to switch to; this also keeps pnpm 11 and later from
# failing a frozen install over a pin the lockfile does not record.
ENV CI=true \
    PNPM_CONFIG_PM_ON_FAIL=ignore \
    TURBO_TELEMETRY_DISABLED=1 \
    npm_config_update_notifier=false \
    npm_config_fund=false
COPY --from=pnpm-version /pnpm-version /tmp/pnpm-version
RUN npm install -g "pnpm@$(cat /tmp/pnpm-version)" && pnpm --version
WORKDIR /app

# Download every package the lockfile names into pnpm's store. Only the
# lockfile and the workspace settings are copied, so this layer is reused
# until dependencies change, and no list of workspace manifests has to be
# kept here as packages are added.
FROM pnpm AS fetch
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch

FROM fetch AS build
COPY . .
RUN pnpm install --offline --frozen-lockfile
# The packages the images run, each with the packages it depends on.
RUN pnpm exec turbo run build \
      --filter=@switchyard/gateway... \
      --filter=@switchyard/worker-cloud... \
      --filter=@switchyard/worker-local... \
      --filter=@switchyard/webhook-dispatcher... \
      --filter=@switchyard/testing...

# What the images run of the workspace: each package keeps its package.json
# and dist/; node_modules is installed per app below.
FROM build AS workspace-dist
RUN find . -name node_modules -type d -prune -exec rm -rf {} + \
 && rm -rf .turbo \
 && find apps packages -mindepth 2 -maxdepth 2 ! -name package.json ! -name dist -exec rm -rf {} +

# The production dependencies of each image's app, from the store `fetch` filled.
# The gateway and the workers share theirs (see gateway-and-workers below).
FROM workspace-dist AS gateway-and-workers-deps
RUN pnpm install --offline --frozen-lockfile --prod \
      --filter-prod=@switchyard/gateway... \
      --filter-prod=@switchyard/worker-cloud... \
      --filter-prod=@switchyard/worker-local...

FROM workspace-dist AS webhook-dispatcher-deps
RUN pnpm install --offline --frozen-lockfile --prod --filter-prod=@switchyard/webhook-dispatcher...

FROM workspace-dist AS mock-upstream-deps
RUN pnpm install --offline --frozen-lockfile --prod --filter-prod=@switchyard/testing...

FROM ${NODE_IMAGE} AS runtime
# tini runs as PID 1 and forwards SIGTERM to node, which then shuts down cleanly.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# The `node` user of the base image, by number so Kubernetes can check runAsNonRoot.
USER 1000:1000
ENTRYPOINT ["/usr/bin/tini", "--"]

# Each target copies, from its app's -deps stage, the app and every workspace
# package the app depends on (their package.json files say which;
# test/deployment/dockerfile.test.ts checks the lists), and /app/node_modules,
# which holds the third-party packages they link to. The routing config,
# switchyard.yaml, goes with the apps that read it (found from the working
# directory unless SWITCHYARD_CONFIG says otherwise).

# Mock OpenAI-compatible upstream (provider `mock`, model `echo`), for
# development and first runs. It depends on no other package.
FROM runtime AS mock-upstream
COPY --from=mock-upstream-deps /app/packages/testing /app/packages/testing
ENV MOCK_HOST=0.0.0.0 \
    MOCK_PORT=8090 \
    MOCK_RECORD=0
EXPOSE 8090
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.MOCK_PORT || 8090) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "packages/testing/dist/mock-upstream-cli.js"]

# What the gateway and both workers run on: the worker runtime (packages/worker,
# which the gateway depends on too), every package it depends on, their
# third-party packages and the routing config. Sharing it makes it one layer
# wherever these images run together, at the cost of the workers carrying the
# gateway's HTTP framework.
FROM runtime AS gateway-and-workers
COPY --from=gateway-and-workers-deps /app/node_modules /app/node_modules
COPY --from=gateway-and-workers-deps /app/packages/contracts /app/packages/contracts
COPY --from=gateway-and-workers-deps /app/packages/config /app/packages/config
COPY --from=gateway-and-workers-deps /app/packages/observability /app/packages/observability
COPY --from=gateway-and-workers-deps /app/packages/tokens /app/packages/tokens
COPY --from=gateway-and-workers-deps /app/packages/structured-output /app/packages/structured-output
COPY --from=gateway-and-workers-deps /app/packages/providers /app/packages/providers
COPY --from=gateway-and-workers-deps /app/packages/database /app/packages/database
COPY --from=gateway-and-workers-deps /app/packages/queue /app/packages/queue
COPY --from=gateway-and-workers-deps /app/packages/admission /app/packages/admission
COPY --from=gateway-and-workers-deps /app/packages/async-jobs /app/packages/async-jobs
COPY --from=gateway-and-workers-deps /app/packages/webhooks /app/packages/webhooks
COPY --from=gateway-and-workers-deps /app/packages/sessions /app/packages/sessions
COPY --from=gateway-and-workers-deps /app/packages/worker /app/packages/worker
COPY --from=gateway-and-workers-deps /app/switchyard.yaml /app/switchyard.yaml

# Cloud worker: consumes the provider queues in Redis and calls the hosted LLM
# providers. It serves no HTTP port. On SIGTERM it stops taking jobs and drains
# the ones in flight, which can take as long as an LLM call: give it a long
# stop timeout (120 s in docker-compose.yml and k8s/), or jobs are cut off and
# retried elsewhere.
FROM gateway-and-workers AS worker-cloud
COPY --from=gateway-and-workers-deps /app/apps/worker-cloud /app/apps/worker-cloud
CMD ["node", "apps/worker-cloud/dist/main.js"]

# Local worker: consumes the queues of the model servers you run yourself
# (provider kinds ollama, llamacpp, vllm and tgi in switchyard.yaml) and calls
# those servers. It serves no HTTP port and needs no GPU itself: the model
# server does. When the routing config enables none of those providers it logs
# so and exits at once with status 0: run it with a restart policy that
# restarts on failure only (docker-compose.yml), and deploy it only where a
# local provider is configured (k8s/worker-local.yaml). Like worker-cloud it
# drains its jobs on SIGTERM: give it 120 s.
FROM gateway-and-workers AS worker-local
COPY --from=gateway-and-workers-deps /app/apps/worker-local /app/apps/worker-local
CMD ["node", "apps/worker-local/dist/main.js"]

# Webhook dispatcher: consumes the webhook queue in Redis and POSTs each event,
# signed the Standard Webhooks way, to the URL its async job named. It serves
# no HTTP port and reads no routing config. On SIGTERM it stops taking
# deliveries and waits for those in flight, each bounded by WEBHOOK_TIMEOUT_MS
# (15 s by default): a stop timeout of 30 s (docker-compose.yml and k8s/) is enough.
FROM runtime AS webhook-dispatcher
COPY --from=webhook-dispatcher-deps /app/node_modules /app/node_modules
COPY --from=webhook-dispatcher-deps /app/packages/contracts /app/packages/contracts
COPY --from=webhook-dispatcher-deps /app/packages/config /app/packages/config
COPY --from=webhook-dispatcher-deps /app/packages/observability /app/packages/observability
COPY --from=webhook-dispatcher-deps /app/packages/database /app/packages/database
COPY --from=webhook-dispatcher-deps /app/packages/queue /app/packages/queue
COPY --from=webhook-dispatcher-deps /app/packages/webhooks /app/packages/webhooks
COPY --from=webhook-dispatcher-deps /app/apps/webhook-dispatcher /app/apps/webhook-dispatcher
CMD ["node", "apps/webhook-dispatcher/dist/main.js"]

# The gateway: the OpenAI-compatible HTTP API. Its image also holds the
# migrations (packages/database/dist/migrate.js). The default target, so it
# stays last.
FROM gateway-and-workers AS gateway
COPY --from=gateway-and-workers-deps /app/packages/prompts /app/packages/prompts
COPY --from=gateway-and-workers-deps /app/packages/tasks /app/packages/tasks
# The admin console's built page and assets (dist/app), served at /console/.
COPY --from=gateway-and-workers-deps /app/packages/console /app/packages/console
COPY --from=gateway-and-workers-deps /app/apps/gateway /app/apps/gateway
# The repository's prompts folder, shared by every tenant. Named outright, since
# a mounted routing file (k8s: /etc/switchyard) has no prompts folder beside it;
# point SWITCHYARD_PROMPTS_DIR at a mounted folder to use another.
COPY --from=gateway-and-workers-deps /app/prompts /app/prompts
ENV HOST=0.0.0.0 \
    PORT=8080 \
    SWITCHYARD_PROMPTS_DIR=/app/prompts
EXPOSE 8080
# Liveness only: /readyz (Redis and PostgreSQL reachable) is for orchestrators' readiness checks.
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
CMD ["node", "apps/gateway/dist/main.js"]
