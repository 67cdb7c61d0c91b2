#!/bin/sh
# Copy the pinned front-end builds from node_modules into static/vendor/.
# Usage: npm ci && npm run vendor   (then commit static/vendor/; node_modules stays out)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
nm="$root/node_modules"
out="$root/static/vendor"
mkdir -p "$out/bootstrap" "$out/htmx" "$out/jsqr" "$out/noble-ed25519" "$out/echarts"
cp "$nm/bootstrap/dist/css/bootstrap.min.css" "$nm/bootstrap/dist/css/bootstrap.min.css.map" "$out/bootstrap/"
cp "$nm/bootstrap/dist/js/bootstrap.bundle.min.js" "$nm/bootstrap/dist/js/bootstrap.bundle.min.js.map" "$out/bootstrap/"
cp "$nm/bootstrap/LICENSE" "$out/bootstrap/LICENSE"
cp "$nm/htmx.org/dist/htmx.min.js" "$out/htmx/"
cp "$nm/htmx.org/LICENSE" "$out/htmx/LICENSE"
# QR decoding for the checkpoint scan page; Ed25519 for phones whose WebCrypto lacks it.
cp "$nm/jsqr/dist/jsQR.js" "$nm/jsqr/LICENSE" "$out/jsqr/"
cp "$nm/@noble/ed25519/index.js" "$nm/@noble/ed25519/LICENSE" "$out/noble-ed25519/"
# Charts of the schools board.
cp "$nm/echarts/dist/echarts.min.js" "$nm/echarts/LICENSE" "$nm/echarts/NOTICE" "$out/echarts/"
node -e 'for (const p of ["bootstrap","htmx.org","jsqr","@noble/ed25519","echarts"]) console.log(p, require(process.argv[1]+"/"+p+"/package.json").version)' "$nm" > "$out/VERSIONS"
echo "vendored into $out:"; cat "$out/VERSIONS"
