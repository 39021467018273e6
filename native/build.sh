#!/usr/bin/env bash
# Builds libamfkeys.so for the Maven build: checks the C toolchain and OpenSSL headers (installing
# them with apt-get when it runs as root on Debian or Ubuntu), then runs CMake.
#   build.sh OUTPUT_DIR JAVA_HOME BUILD_DIR
set -euo pipefail

out="$1"
java_home="$2"
build="$3"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

missing=()
command -v cmake >/dev/null 2>&1 || missing+=(cmake)
command -v cc >/dev/null 2>&1 || missing+=(gcc)
if ! printf '#include <openssl/sha.h>\n' | cc -E -x c - >/dev/null 2>&1; then
    missing+=(libssl-dev)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "amfkeys native: installing ${missing[*]}" >&2
        apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
    else
        echo "amfkeys native: missing ${missing[*]}: install them, or build without the native library (mvn -Dnative.skip)" >&2
        exit 1
    fi
fi

mkdir -p "$build" "$out"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DAMFKEYS_JAVA_HOME="$java_home" -DAMFKEYS_OUTPUT_DIR="$out" >"$build/configure.log" 2>&1 \
    || { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j 2
