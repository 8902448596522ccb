# One image for every process of WMS mesh. The process is named by SERVICE or by the first
# argument: user | shop | product | warehouse | order | gateway | migrate.
#
#   docker build -t wms-mesh .
#   docker run --rm -e DATABASE_URL=... wms-mesh migrate
#   docker run -e SERVICE=order -e DATABASE_URL=... -e REDIS_URLS=... wms-mesh
#
# Keys (JWT_*, SERVICE_*) and database URLs come from the environment (a Kubernetes Secret),
# never from the image. The root filesystem can be read-only: nothing is written outside
# DATA_DIR (/data), which only the embedded database and generated keys use.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund \
 && npm run build \
 && mkdir /empty

# Production dependencies only. The bundle inlines the workspace packages, so their links
# in node_modules are dropped.
FROM build AS production-dependencies
RUN rm -rf node_modules \
 && npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/@wms \
 && npm cache clean --force

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    DATA_DIR=/data \
    HOST=0.0.0.0 \
    GATEWAY_HOST=0.0.0.0 \
    METRICS_HOST=0.0.0.0
WORKDIR /app
COPY --from=production-dependencies /app/package.json ./package.json
COPY --from=production-dependencies /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# No RUN in this stage: the data directory is copied in, owned by the runtime user.
COPY --from=build --chown=1000:1000 /empty /data
VOLUME /data
# The base image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 50051 50052 50053 50054 50055 8080 9464
# gRPC health for a service, GET /healthz for the gateway (Kubernetes uses its own probes).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 CMD ["node", "dist/healthcheck.js"]
ENTRYPOINT ["node", "--enable-source-maps", "dist/main.js"]
