#!/bin/sh
# Installs those of the named Debian packages that are missing, as root;
# as anyone else, prints the apt-get line and fails.
#   tools/install-packages.sh [--no-recommends] PACKAGE...
# nodejs and npm count as present when their command is, wherever it came from.
set -eu
recommends=""
if [ "${1:-}" = "--no-recommends" ]; then recommends="--no-install-recommends"; shift; fi
missing=""
for p in "$@"; do
    case $p in
        nodejs) command -v node >/dev/null && continue ;;
        npm) command -v npm >/dev/null && continue ;;
    esac
    dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $recommends $missing
else
    echo "missing packages:$missing"
    echo "run: sudo apt-get install -y$missing"
    exit 1
fi
