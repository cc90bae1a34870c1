#!/bin/sh
# Installs the Debian packages listed in mk/debian-packages that are missing.
# Prints exactly what it runs. Without root it prints the command to run and
# fails, so nothing is half-installed behind the user's back.
set -eu
cd "$(dirname "$0")/.."
pkgs=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' mk/debian-packages)
missing=""
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run as root:  apt-get update && $cmd" >&2
    exit 1
fi
echo "deps: apt-get update"
apt-get update -q
echo "deps: $cmd"
DEBIAN_FRONTEND=noninteractive $cmd
