#!/usr/bin/env bash
# Debian packages the test suite needs: Chromium for Playwright (its own browser download cannot
# run here), and gnome-keyring + dbus + secret-tool for the credential vault tests against a real
# Secret Service. Installs what is missing when run as root on Debian; otherwise says what to run.
set -euo pipefail
need=()
# PEREGRINE_CHROMIUM=playwright: the e2e tests use Playwright's own Chromium (CI runners).
if [ "${PEREGRINE_CHROMIUM:-system}" != playwright ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
command -v gnome-keyring-daemon >/dev/null 2>&1 || need+=(gnome-keyring)
command -v dbus-run-session >/dev/null 2>&1 || need+=(dbus dbus-bin)
command -v secret-tool >/dev/null 2>&1 || need+=(libsecret-tools)
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
if [ "${#need[@]}" -eq 0 ]; then
  echo "system-deps: chromium, gnome-keyring, dbus and secret-tool are present"
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
  echo "system-deps: missing ${need[*]}; install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
