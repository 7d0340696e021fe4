#!/usr/bin/env bash
# Build the front-end assets into motcua/static/vendor/ from node_modules (offline, idempotent):
# the USWDS theme (sass), Public Sans fonts, htmx and axe-core.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE="$ROOT/node_modules"
OUT="$ROOT/motcua/static/vendor"
USWDS="$NODE/@uswds/uswds"
# USWDS 3.14 uses the CSS-style if() of Dart Sass >= 1.95 (it is built with 1.100).
SASS="${SASS:-$NODE/.bin/sass}"

for required in "$USWDS/packages" "$NODE/htmx.org/dist/htmx.min.js" \
  "$NODE/axe-core/axe.min.js" "$SASS"; do
  [ -e "$required" ] || { echo "missing $required: run npm ci first" >&2; exit 1; }
done

sass_version=$("$SASS" --version | cut -d' ' -f1)
if [ "$(printf '%s\n1.95.0\n' "$sass_version" | sort -V | head -n1)" != 1.95.0 ]; then
  echo "sass $sass_version is too old for USWDS 3.14: need >= 1.95 (set SASS=... or bump package.json)" >&2
  exit 1
fi

mkdir -p "$OUT/css" "$OUT/fonts/public-sans"

"$SASS" --no-source-map --style=compressed --quiet \
  --load-path="$USWDS/packages" \
  "$ROOT/motcua/static/scss/motcua.scss" "$OUT/css/motcua.css.tmp"
mv "$OUT/css/motcua.css.tmp" "$OUT/css/motcua.css"

# Only the Public Sans faces the stylesheet refers to.
grep -o 'public-sans/PublicSans-[A-Za-z]*\.woff2' "$OUT/css/motcua.css" | sort -u |
  while read -r font; do
    cp "$USWDS/dist/fonts/$font" "$OUT/fonts/$font"
  done
# Only the USWDS images the stylesheet refers to: icons, and the checkbox ticks and other
# images it names directly under img/ (a missing one is a 404 and an unticked-looking box).
grep -o 'url("\{0,1\}\.\./img/[A-Za-z0-9_./-]*' "$OUT/css/motcua.css" | sed 's|^url("\{0,1\}\.\./||' |
  sort -u | while read -r image; do
    mkdir -p "$OUT/$(dirname "$image")"
    cp "$USWDS/dist/$image" "$OUT/$image"
  done
cp "$USWDS/dist/fonts/public-sans/OFL.txt" "$OUT/fonts/public-sans/" 2>/dev/null || true

cp "$NODE/htmx.org/dist/htmx.min.js" "$OUT/htmx.min.js"
cp "$NODE/axe-core/axe.min.js" "$OUT/axe.min.js"

css_bytes=$(wc -c <"$OUT/css/motcua.css")
css_gzip=$(gzip -9c "$OUT/css/motcua.css" | wc -c)
echo "built $OUT: motcua.css ${css_bytes} bytes (${css_gzip} gzip)"
