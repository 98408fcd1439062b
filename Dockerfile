# syntax=docker/dockerfile:1
#
# netscore container image.
#   docker build -t netscore --build-arg NETSCORE_REVISION=$(git rev-parse --short HEAD) .
#   docker run --rm --network host --cap-add NET_RAW --cap-add NET_ADMIN netscore run
#   docker run --rm -v "$PWD:/data:ro" --cap-add NET_RAW --cap-add NET_ADMIN netscore replay /data/x.pcap --summary
#
# The runtime image runs as the unprivileged "node" user. Packet capture needs
# CAP_NET_RAW/CAP_NET_ADMIN, which the node binary receives as file
# capabilities; the container must therefore be started with both
# capabilities in its bounding set (--cap-add, as docker-compose.yml does),
# otherwise the kernel refuses to execute node at all.

########## build: compile the libpcap addon and the TypeScript ##########
FROM node:20-bookworm AS build

RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap-dev python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src

# Dependencies first, so that source edits do not invalidate this layer.
# `npm ci` runs the package's install script, which compiles native/ with node-gyp.
COPY package.json package-lock.json binding.gyp ./
COPY native ./native
RUN npm ci --no-audit --no-fund

ARG NETSCORE_REVISION=unknown
COPY tsconfig.json ./
COPY scripts/build-info.mjs scripts/bundle.mjs ./scripts/
COPY src ./src
RUN NETSCORE_REVISION=${NETSCORE_REVISION} npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && mkdir -p /out \
 && cp -a package.json dist node_modules native /out/ \
 && if [ -d build ]; then cp -a build /out/; fi

########## runtime ##########
FROM node:20-bookworm-slim AS runtime

ARG NETSCORE_REVISION=unknown
ENV NODE_ENV=production \
    NETSCORE_REVISION=${NETSCORE_REVISION}

# libpcap0.8 is the only runtime dependency. libcap2-bin is needed just long
# enough to grant node the capture capabilities, then removed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpcap0.8 libcap2-bin \
 && setcap cap_net_raw,cap_net_admin+eip "$(readlink -f /usr/local/bin/node)" \
 && apt-get purge -y --auto-remove libcap2-bin \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY --from=build --chown=root:root /out/ ./

LABEL org.opencontainers.image.title="netscore" \
      org.opencontainers.image.description="Capture-and-score Prometheus exporter for network traffic" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.revision="${NETSCORE_REVISION}"

# "node" (uid 1000) comes with the base image. /var/lib/netscore holds the
# model state (--model.state-dir), on a volume in docker-compose.yml.
RUN mkdir -p /var/lib/netscore && chown node:node /var/lib/netscore
USER node
EXPOSE 10811

ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["run"]
