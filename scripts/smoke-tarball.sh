#!/usr/bin/env bash
# Packs the package (prepack builds dist), installs the tarball into a fresh project in a temp
# directory (dependencies from the npm cache where it has them) without the optional peers
# ioredis and kinesalite, and checks it as a user would: an ES module project, a CommonJS
# project, a TypeScript project with moduleResolution "node" (node10), and `npx rxjs-kinesis --help`.
# The ES module check also loads rxjs-kinesis/browser (the browser build, which Node can run too).
# Usage: scripts/smoke-tarball.sh [path/to/rxjs-kinesis-x.y.z.tgz]   (default: packs one)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fixtures="$root/test/packaging/fixtures"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
  tarball="$(basename "$1")"
  cp "$1" "$work/$tarball"
else
  echo "smoke: npm pack"
  tarball="$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)"
fi
listing="$(tar -tzf "$work/$tarball")"
for file in LICENSE dist/cjs/index.js dist/esm/index.js dist/cjs/nestjs/index.d.ts local/package.json \
  dist/cjs/testing/index.d.ts testing/package.json dist/esm/browser/index.js dist/cjs/browser/index.js \
  dist/esm/browser/index.d.ts browser/package.json; do
  grep -qx "package/$file" <<<"$listing" || { echo "smoke: $file missing from the tarball" >&2; exit 1; }
done

app="$work/app"
mkdir -p "$app"
cp -R "$fixtures/esm" "$fixtures/cjs" "$fixtures/node10" "$app/"
printf '{ "name": "smoke-app", "version": "1.0.0", "private": true }\n' >"$app/package.json"
typescript="$(node -p "require('$root/node_modules/typescript/package.json').version")"
nest="$(node -p "require('$root/node_modules/@nestjs/microservices/package.json').version")"
echo "smoke: npm install (tarball, TypeScript $typescript, NestJS $nest)"
(cd "$app" && npm install --prefer-offline --no-audit --no-fund --loglevel=error \
  "$work/$tarball" "typescript@$typescript" "@types/node@22" \
  "@nestjs/common@$nest" "@nestjs/core@$nest" "@nestjs/microservices@$nest" reflect-metadata >/dev/null)
for peer in ioredis kinesalite; do
  if [ -e "$app/node_modules/$peer" ]; then echo "smoke: $peer was installed though it is an optional peer" >&2; exit 1; fi
done

(cd "$app/esm" && printf '{ "type": "module" }\n' >package.json && node check.mjs)
(cd "$app/cjs" && node check.cjs)
(cd "$app/node10" && node "$app/node_modules/typescript/bin/tsc" -p tsconfig.json && echo "node10 types: ok")
help="$(cd "$app" && npx --no-install rxjs-kinesis --help)"
grep -q 'Usage: rxjs-kinesis' <<<"$help" || { echo "smoke: unexpected --help output: $help" >&2; exit 1; }
echo "npx rxjs-kinesis --help: ok"
set +e
local_out="$(cd "$app" && timeout 60 npx --no-install rxjs-kinesis local 2>&1)"
local_status=$?
set -e
if [ "$local_status" -ne 1 ] || ! grep -q 'npm install kinesalite' <<<"$local_out"; then
  echo "smoke: 'rxjs-kinesis local' without kinesalite exited $local_status: $local_out" >&2
  exit 1
fi
echo "npx rxjs-kinesis local without kinesalite: says to install it"
echo "smoke: ok"
