#!/usr/bin/env bash
# Debian packages the test suite uses: Chromium (browser test), LibreOffice Writer +
# poppler (DOCX -> PDF -> PNG check) and nginx (two replicas behind it, deploy/cluster.sh).
# Installs only what is missing; needs root.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v nginx >/dev/null 2>&1 || need+=(nginx)  # the cluster test (deploy/cluster.sh)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "system-deps: missing ${need[*]}; run as root or install them (tests needing them skip)" >&2
  exit 0
fi
echo "system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
