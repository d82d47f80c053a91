# The key broker (broker/, docs/broker.md) as a container image: the official Node 24 image,
# production dependencies only, run as the image's non-root `node` user, nothing written at run
# time (works with a read-only root file system). Node 24 runs the TypeScript sources directly
# (type stripping), so there is no build step.
#
# The base is pinned by tag here; pin it by digest for production
# (`docker buildx imagetools inspect node:24-slim` prints it), and let Dependabot bump it.
#
#   docker build -t vast-key-broker .
#   docker run --read-only -p 8080:8080 -e BROKER_AUDIENCE=https://broker.example \
#     -e VAST_ADMIN_API_KEY_FILE=/run/secrets/vast -v ./vast-key:/run/secrets/vast:ro \
#     -e BROKER_POLICY_FILE=/etc/broker/policy.yaml -v ./policy.yaml:/etc/broker/policy.yaml:ro \
#     vast-key-broker

FROM node:24-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund

FROM node:24-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=dependencies /app/node_modules ./node_modules
COPY package.json ./
COPY broker ./broker
COPY src/core ./src/core
USER node
EXPOSE 8080
ENTRYPOINT ["node", "--disable-warning=ExperimentalWarning", "broker/main.ts"]
