#!/usr/bin/env bash
# Builds the integration-test image from Debian packages, without any container registry:
# debootstrap a minimal bookworm root file system, then `docker import` it.
#
# Usage: integration-tests/docker/build-image.sh [--force]
#   --force   rebuild even when an up-to-date image already exists
# Environment (all optional):
#   TETHER_IT_IMAGE   image name:tag to build        (default tether-it:bookworm)
#   TETHER_IT_MIRROR  Debian mirror for debootstrap  (default: the host's apt mirror, else deb.debian.org)
#   TETHER_IT_SUITE   Debian suite                   (default bookworm)
#
# Needs root, docker (with a running engine) and debootstrap. Where a registry is reachable,
# the Dockerfile beside this script builds an equivalent image from debian:bookworm-slim.
set -euo pipefail

IMAGE="${TETHER_IT_IMAGE:-tether-it:bookworm}"
SUITE="${TETHER_IT_SUITE:-bookworm}"
FORCE=false

# Keep this list in step with the Dockerfile. Why each package is here:
#   bash grep procps sed coreutils  Testcontainers' port wait (sh, grep, sleep) and scenario scripts
#   tini                            PID 1 that forwards signals and reaps children, so `docker stop` is prompt
#   openssl socat                   TLS/plain echo servers and `openssl s_server` peers
#   nginx libnginx-mod-stream       nginx `stream` TLS termination
#   haproxy stunnel4 redis-server   the other real servers under test (redis-server brings redis-cli)
#   iproute2                        `ss` to inspect sockets from inside the container
#   dnsmasq-base                    a DNS server whose records a test changes (hosts file + SIGHUP) while
#                                   clients resolve through it; -base is the bare binary, without a service
#                                   that would try to start at install time
#   ca-certificates                 a sane trust store for tools that expect one
PACKAGES=(
  bash grep procps sed coreutils tini
  openssl ca-certificates
  socat
  nginx libnginx-mod-stream
  haproxy stunnel4 redis-server
  iproute2
  dnsmasq-base
)

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

for arg in "$@"; do
  case "$arg" in
    --force) FORCE=true ;;
    -h|--help) usage; exit 0 ;;
    *) echo "build-image: unknown argument: $arg" >&2; usage >&2; exit 2 ;;
  esac
done

log() { echo "[build-image $(date -u +%H:%M:%S)] $*"; }
die() { echo "[build-image] ERROR: $*" >&2; exit 1; }

default_mirror() {
  # Use whatever mirror this host's apt already reaches; deb.debian.org otherwise.
  local uri
  uri="$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null \
        | grep -v -e security -e '\[' | grep -oE 'https?://[^ ]+/debian/?' | head -n1 || true)"
  echo "${uri:-http://deb.debian.org/debian}"
}
MIRROR="${TETHER_IT_MIRROR:-$(default_mirror)}"

command -v docker >/dev/null || die "docker CLI not found (install docker.io)"
docker info >/dev/null 2>&1 || die "no Docker engine answers 'docker info' (start dockerd first)"

# A recipe digest stored in the image lets a changed package list trigger a rebuild by itself.
RECIPE="$(printf '%s\n' "$SUITE" "${PACKAGES[@]}" | sha256sum | cut -c1-16)"

if [[ "$FORCE" != true ]] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  have="$(docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$IMAGE" \
          | sed -n 's/^TETHER_IT_RECIPE=//p')"
  if [[ "$have" == "$RECIPE" ]]; then
    log "image $IMAGE is up to date (recipe $RECIPE); nothing to do (use --force to rebuild)"
    exit 0
  fi
  if [[ -z "$have" ]]; then
    # Built some other way (e.g. from the Dockerfile): trust it rather than replace it behind the user's back.
    log "image $IMAGE exists but was not built by this script; keeping it (use --force to rebuild)"
    exit 0
  fi
  log "image $IMAGE has recipe $have, the package list now gives $RECIPE: rebuilding"
fi

[[ "$(id -u)" == 0 ]] || die "debootstrap needs root (run as root or via sudo)"
command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/tether-it-rootfs.XXXXXX")"
cleanup() {
  # debootstrap may leave proc/sys mounted inside the tree after a failure; never delete through a mount.
  local m
  while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done < <(awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r)
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT

ROOTFS="$WORK/rootfs"
start=$(date +%s)
log "debootstrap $SUITE (minbase) from $MIRROR into $ROOTFS"
log "packages: ${PACKAGES[*]}"
include="$(IFS=,; echo "${PACKAGES[*]}")"
if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$ROOTFS" "$MIRROR" > "$WORK/debootstrap.log" 2>&1; then
  tail -n 40 "$WORK/debootstrap.log" >&2
  [[ -f "$ROOTFS/debootstrap/debootstrap.log" ]] && tail -n 40 "$ROOTFS/debootstrap/debootstrap.log" >&2
  die "debootstrap failed (log above)"
fi
log "debootstrap done in $(( $(date +%s) - start ))s"

# The image runs servers in the foreground under test control; nothing should start by itself,
# and the caches only make the image bigger.
rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/var/cache/apt/*.bin "$ROOTFS"/var/cache/apt/archives/*.deb \
       "$ROOTFS"/var/log/*.log "$ROOTFS"/debootstrap
: > "$ROOTFS/etc/machine-id"

# Sanity checks inside the tree before importing: every capability the tests rely on must be there.
check() { chroot "$ROOTFS" /bin/sh -c "$1" >/dev/null 2>&1 || die "image check failed: $2"; }
check 'command -v sh && command -v grep && command -v sleep' "sh, grep and sleep are needed for port waits"
# shellcheck disable=SC2016 # expanded by the shell inside the image, not here
check 'redis-server --version | grep -q "v=7\." && ldd "$(readlink -f "$(command -v redis-server)")" | grep -q libssl' \
  "redis-server is not Redis 7 built with TLS (--tls-port needs libssl)"
check 'redis-cli --help 2>&1 | grep -q -- --tls' "redis-cli without --tls"
check 'test -f /usr/lib/nginx/modules/ngx_stream_module.so' "nginx stream module missing"
check 'nginx -t -q' "nginx default configuration does not load"
check 'socat -V | grep -q "#define WITH_OPENSSL 1"' "socat without OpenSSL"
check 'haproxy -vv | grep -q "OpenSSL"' "haproxy without OpenSSL"
check 'command -v stunnel4 || command -v stunnel' "stunnel missing"
check 'command -v tini && command -v ss && command -v openssl' "tini, ss or openssl missing"
check 'dnsmasq --version | grep -q "^Dnsmasq version"' "dnsmasq missing"

previous_id="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
log "importing as $IMAGE"
tar --numeric-owner -C "$ROOTFS" -c . | docker import \
  --change 'ENTRYPOINT ["/usr/bin/tini", "--"]' \
  --change 'CMD ["/bin/bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV TETHER_IT_RECIPE=$RECIPE" \
  --message "tether integration-test image: debootstrap $SUITE minbase + ${PACKAGES[*]}" \
  - "$IMAGE" >/dev/null

if [[ -n "$previous_id" && "$previous_id" != "$(docker image inspect -f '{{.Id}}' "$IMAGE")" ]]; then
  # The replaced image is now untagged; drop it unless a container still uses it.
  if docker image rm "$previous_id" >/dev/null 2>&1; then
    log "removed the replaced image ${previous_id#sha256:}"
  fi
fi
size="$(docker image inspect -f '{{.Size}}' "$IMAGE")"
log "built $IMAGE ($(( size / 1024 / 1024 )) MiB, recipe $RECIPE) in $(( $(date +%s) - start ))s"
