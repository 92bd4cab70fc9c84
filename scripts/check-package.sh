#!/usr/bin/env bash
# Packs the package as `npm publish` would (prepack builds it) into a temporary directory, then
# lints that tarball: publint (package.json, exports, files) and arethetypeswrong (the types of
# every entry point under node10, node16 CommonJS and ESM, and bundler resolution). Any problem
# either reports fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

npm pack --silent --pack-destination "$dir" >/dev/null
tarball=$(ls "$dir"/*.tgz)
echo "check:package: $(basename "$tarball"), $(tar -tzf "$tarball" | wc -l) files"

# publint on the tarball itself: what is in it is what gets published.
npx publint run "$tarball" --strict
# attw on the same tarball (what `attw --pack .` would pack), every entry point of `exports`.
npx attw "$tarball" --profile strict
