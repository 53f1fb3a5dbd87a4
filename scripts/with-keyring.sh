#!/usr/bin/env bash
# Usage: scripts/with-keyring.sh CMD [ARG...]
#
# Runs CMD inside a private D-Bus session bus with its own gnome-keyring Secret Service, created
# and unlocked in a throwaway directory, so the credential vault tests (and anything else) talk to
# a real OS keychain on a headless machine or CI runner. The user's own login keyring is never
# touched. CMD's exit status is passed through.
#
# CMD sees PEREGRINE_KEYRING=gnome-keyring (a Secret Service answers on DBUS_SESSION_BUS_ADDRESS)
# and PEREGRINE_KEYRING_DIR (where the daemon keeps its encrypted keyring files), or
# PEREGRINE_KEYRING=unavailable when the tools are missing and CMD runs directly.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 CMD [ARG...]" >&2
  exit 2
fi

if [ "${1:-}" = "--inside-session" ]; then
  shift
  state=$(mktemp -d "${TMPDIR:-/tmp}/peregrine-keyring.XXXXXX")
  mkdir -p "$state/data" "$state/run"
  chmod 700 "$state/run"
  daemon_pid=""
  cleanup() {
    if [ -n "$daemon_pid" ]; then
      kill "$daemon_pid" 2>/dev/null || true
      wait "$daemon_pid" 2>/dev/null || true
    fi
    rm -rf "$state"
  }
  trap cleanup EXIT

  # Keyring files, caches and the control socket live in the throwaway dir. The daemon stays in
  # the foreground (as our child) so we know its pid and stop exactly it. --unlock reads the
  # password for a fresh "login" keyring from stdin, which also makes it the default collection,
  # so nothing ever prompts (there is no display to prompt on).
  keyring_env=(XDG_DATA_HOME="$state/data" XDG_RUNTIME_DIR="$state/run" XDG_CACHE_HOME="$state/cache" XDG_CONFIG_HOME="$state/config")
  printf '%s' 'peregrine-test' |
    env "${keyring_env[@]}" gnome-keyring-daemon --foreground --unlock --components=secrets \
      >"$state/daemon.out" 2>"$state/daemon.err" &
  daemon_pid=$!

  # Wait (bounded) until the daemon owns the Secret Service name and its control socket exists:
  # a client arriving earlier would make D-Bus activate a second, locked daemon that prompts.
  secrets_owned() {
    if ! command -v dbus-send >/dev/null 2>&1; then
      return 0
    fi
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'
  }
  ready=""
  for _ in $(seq 1 200); do
    if ! kill -0 "$daemon_pid" 2>/dev/null; then
      break
    fi
    if [ -S "$state/run/keyring/control" ] && secrets_owned; then
      ready=1
      break
    fi
    sleep 0.05
  done
  if [ -z "$ready" ]; then
    echo "with-keyring: gnome-keyring-daemon did not provide a Secret Service:" >&2
    cat "$state/daemon.err" >&2
    exit 1
  fi

  # --start finds the running daemon through its control socket, makes sure the secrets component
  # is initialized, and prints the environment a client may need.
  if ! started=$(env "${keyring_env[@]}" gnome-keyring-daemon --start --components=secrets 2>>"$state/daemon.err"); then
    echo "with-keyring: gnome-keyring-daemon --start failed:" >&2
    cat "$state/daemon.err" >&2
    exit 1
  fi
  while IFS='=' read -r name value; do
    case "$name" in
      GNOME_KEYRING_CONTROL) export "$name=$value" ;;
    esac
  done <<<"$started"

  export PEREGRINE_KEYRING=gnome-keyring
  export PEREGRINE_KEYRING_DIR="$state/data/keyrings"
  status=0
  "$@" || status=$?
  exit "$status"
fi

if ! command -v dbus-run-session >/dev/null 2>&1 || ! command -v gnome-keyring-daemon >/dev/null 2>&1; then
  echo "with-keyring: dbus-run-session or gnome-keyring-daemon not found; the keychain tests will use the memory fallback" >&2
  export PEREGRINE_KEYRING=unavailable
  exec "$@"
fi

exec dbus-run-session -- "$0" --inside-session "$@"
