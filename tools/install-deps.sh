#!/bin/sh
# Install what lxrun's build and tests need on Debian 12, when missing.
# Runs as root (CI does); as another user it only reports what is missing.
set -e
PKGS="build-essential clang pkg-config libelf-dev libcapstone-dev libcmocka-dev
strace python3 golang-go inotify-tools coreutils procps iproute2 redis-server
redis-tools syncthing nebula iputils-ping qemu-system-x86 busybox-static
e2fsprogs mount hyperfine chromium nodejs postgresql nginx"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing Debian packages:$missing (run as root)" >&2
	exit 1
fi
echo "install-deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
