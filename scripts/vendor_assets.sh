#!/usr/bin/env bash
# Refresh the vendored front-end files from the npm registry (no CDN at run time).
# Only dist files and licences are kept, under static/vendor/<lib>-<version>/.
# Usage: scripts/vendor_assets.sh   (versions below; bump them deliberately)
set -euo pipefail
BOOTSTRAP=5.3.9
AXE=4.14.1
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
npm pack --silent "bootstrap@$BOOTSTRAP" "axe-core@$AXE" >/dev/null
mkdir bs axe
tar xzf "bootstrap-$BOOTSTRAP.tgz" -C bs
tar xzf "axe-core-$AXE.tgz" -C axe
dest="$here/static/vendor/bootstrap-$BOOTSTRAP"
rm -rf "$dest" && mkdir -p "$dest/css" "$dest/js"
cp bs/package/dist/css/bootstrap.min.css bs/package/dist/css/bootstrap.min.css.map "$dest/css/"
cp bs/package/dist/js/bootstrap.bundle.min.js bs/package/dist/js/bootstrap.bundle.min.js.map "$dest/js/"
cp bs/package/LICENSE "$dest/LICENSE"
dest="$here/static/vendor/axe-core-$AXE"
rm -rf "$dest" && mkdir -p "$dest"
cp axe/package/axe.min.js axe/package/LICENSE "$dest/"
echo "vendored bootstrap $BOOTSTRAP and axe-core $AXE under static/vendor/"
