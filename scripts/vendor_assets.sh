#!/usr/bin/env bash
# Refresh the vendored front-end files under static/vendor/ from the npm registry.
# No CDN is ever linked: users' networks (like the build machines) are often closed.
# Usage: bash scripts/vendor_assets.sh   (needs npm; run by hand, commit the result)
set -euo pipefail
cd "$(dirname "$0")/.."

BOOTSTRAP=5.3.9
BOOTSTRAP_ICONS=1.13.2
HTMX=2.0.11        # htmx 2.x: npm's `latest` is a breaking major
ECHARTS=6.1.0

dest=static/vendor
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fetch() {  # fetch NAME VERSION -> unpacks into $work/NAME
  mkdir -p "$work/$1"
  (cd "$work/$1" && npm pack --silent "$1@$2" >/dev/null && tar xzf ./*.tgz)
}

rm -rf "$dest"
mkdir -p "$dest"/{bootstrap/css,bootstrap/js,bootstrap-icons/fonts,htmx,echarts}

fetch bootstrap "$BOOTSTRAP"
cp "$work"/bootstrap/package/dist/css/bootstrap.min.css{,.map} "$dest/bootstrap/css/"
cp "$work"/bootstrap/package/dist/js/bootstrap.bundle.min.js{,.map} "$dest/bootstrap/js/"
cp "$work"/bootstrap/package/LICENSE "$dest/bootstrap/LICENSE"

fetch bootstrap-icons "$BOOTSTRAP_ICONS"
cp "$work"/bootstrap-icons/package/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp "$work"/bootstrap-icons/package/font/fonts/bootstrap-icons.woff{,2} "$dest/bootstrap-icons/fonts/"
cp "$work"/bootstrap-icons/package/LICENSE "$dest/bootstrap-icons/LICENSE"

fetch htmx.org "$HTMX"
cp "$work"/htmx.org/package/dist/htmx.min.js "$dest/htmx/"
cp "$work"/htmx.org/package/LICENSE "$dest/htmx/LICENSE"

fetch echarts "$ECHARTS"
cp "$work"/echarts/package/dist/echarts.min.js "$dest/echarts/"
cp "$work"/echarts/package/LICENSE "$dest/echarts/LICENSE"

cat > "$dest/VERSIONS" <<VERSIONS
# Vendored by scripts/vendor_assets.sh from the npm registry
bootstrap $BOOTSTRAP
bootstrap-icons $BOOTSTRAP_ICONS
htmx.org $HTMX
echarts $ECHARTS
VERSIONS
echo "vendored into $dest:"; find "$dest" -type f | sort
