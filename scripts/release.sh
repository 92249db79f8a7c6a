#!/usr/bin/env bash
# npm run release: builds the release artefact the AWS instances install (no build happens on them).
# Output: release/bastion-<version>.tgz holding package.json, dist/, config/ and production
# node_modules for the target platform. RELEASE_ARCH=arm64 (Graviton, the infra default) or x64;
# default: this machine's. RELEASE_VERSION overrides <version> (default: package version + commit).
set -euo pipefail
cd "$(dirname "$0")/.."

arch="${RELEASE_ARCH:-$(node -p 'process.arch')}"
case "$arch" in arm64|x64) ;; *) echo "RELEASE_ARCH must be arm64 or x64, not $arch" >&2; exit 2 ;; esac
commit="$(git rev-parse --short HEAD 2>/dev/null || echo local)"
version="${RELEASE_VERSION:-$(node -p 'require("./package.json").version')-$commit}"
case "$version" in *[!A-Za-z0-9._-]*) echo "RELEASE_VERSION may hold only letters, digits, '.', '_' and '-'" >&2; exit 2 ;; esac

npm run build >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
stage="$work/package"
mkdir -p "$stage"
cp -r dist config package-lock.json "$stage/"
# The RDS CA bundle travels in the release (certs/), so instances download nothing at boot. Fetched here,
# at build time, unless RDS_CA_BUNDLE names a copy already at hand.
mkdir -p "$stage/certs"
if [ -n "${RDS_CA_BUNDLE:-}" ]; then
  cp "$RDS_CA_BUNDLE" "$stage/certs/rds-global-bundle.pem"
else
  curl -fsSL --retry 3 -o "$stage/certs/rds-global-bundle.pem" https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem
fi
grep -q 'BEGIN CERTIFICATE' "$stage/certs/rds-global-bundle.pem" || { echo "certs/rds-global-bundle.pem is not a PEM bundle" >&2; exit 1; }
# The release's package.json: runtime dependencies only, no workspaces or scripts that need the sources.
node -e '
  const p = require("./package.json");
  // Every `tsx src/cli/<name>.ts` command becomes `node dist/cli/<name>.js`, so operators run the same
  // `npm run keys:rotate`, `npm run advisor`... on an instance as on a laptop.
  const scripts = { start: "node dist/main.js" };
  for (const [name, command] of Object.entries(p.scripts)) {
    const cli = /^tsx src\/cli\/([a-z0-9-]+)\.ts$/.exec(command);
    if (cli) scripts[name] = `node dist/cli/${cli[1]}.js`;
  }
  const out = { name: p.name, version: process.argv[1], private: true, type: p.type, engines: p.engines,
    dependencies: p.dependencies, scripts };
  require("fs").writeFileSync(process.argv[2], JSON.stringify(out, null, 2) + "\n");
' "$version" "$stage/package.json"
# Native packages (sharp, argon2) come as prebuilt optional dependencies; --cpu picks the target's.
(cd "$stage" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --os=linux --cpu="$arch" --libc=glibc >/dev/null)
mkdir -p release
tar -czf "release/bastion-$version.tgz" -C "$work" package
echo "release/bastion-$version.tgz ($arch, $(du -h "release/bastion-$version.tgz" | cut -f1))"
echo "upload: aws s3 cp release/bastion-$version.tgz s3://<artifact bucket>/releases/bastion-$version.tgz"
