# The key broker (src/broker/, docs/broker.md) as a container image: the official Node 24 image,
# the broker's own production dependencies only (src/broker/package.json: jose, yaml, prom-client;
# about 9 MB installed, not the action's 42 MB; the proxy path is Node's own), run as the image's
# non-root `node` user, nothing written at run time (works with a read-only root file system). Node 24 runs the
# TypeScript sources directly (type stripping), so there is no build step.
#
# The base is pinned by digest (the tag stays for readers and for Dependabot, which bumps both:
# .github/dependabot.yml). __tests__/broker-image.test.ts assembles exactly what this file copies,
# installs what it installs, and runs the broker from it as a non-root user on a read-only tree.
#
#   docker build -t vast-key-broker .
#   docker run --read-only -p 8080:8080 -e BROKER_AUDIENCE=https://broker.example \
#     -e VAST_ADMIN_API_KEY_FILE=/run/secrets/vast -v ./vast-key:/run/secrets/vast:ro \
#     -e BROKER_POLICY_FILE=/etc/broker/policy.yaml -v ./policy.yaml:/etc/broker/policy.yaml:ro \
#     vast-key-broker

FROM node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df AS dependencies
WORKDIR /app
COPY src/broker/package.json src/broker/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df
WORKDIR /app
ENV NODE_ENV=production
COPY --from=dependencies /app/node_modules ./node_modules
COPY src/broker/package.json ./
COPY src/broker ./src/broker
COPY src/core ./src/core
USER node
EXPOSE 8080
ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "src/broker/main.ts"]
