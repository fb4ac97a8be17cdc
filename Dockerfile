# syntax=docker/dockerfile:1
# Multi-stage image for Star Export: build with dev dependencies, run with production ones only,
# on Debian's Chromium (Instagram's browser session) and yt-dlp (optional YouTube video files).

FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
# The API, the web app it serves at / (dist/web), and the platform sandbox (docker compose --profile sandbox).
RUN npx nest build api && npx nest build platform-sandbox && npx vite build --config apps/web/vite.config.mjs && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium yt-dlp ca-certificates tini \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --uid 10001 starexport \
 && mkdir -p /data && chown starexport /data
WORKDIR /app
# The live heap stays near 60 MiB whatever the size of an export; without a limit V8 lets garbage pile
# up towards 4 GiB, so RSS would climb with the length of an export (README, NODE_OPTIONS). A fixed
# mmap threshold lets glibc give freed buffers back instead of keeping them (README, MALLOC_MMAP_THRESHOLD_).
# The demo, the bench and the tests take both from apps/api/src/launch-settings.ts.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-old-space-size=256 \
    MALLOC_MMAP_THRESHOLD_=131072 \
    PORT=5000 \
    DATA_DIR=/data \
    CHROMIUM_PATH=/usr/bin/chromium \
    YTDLP_PATH=/usr/bin/yt-dlp
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER starexport
VOLUME ["/data"]
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||5000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/apps/api/src/main.js"]
