#!/usr/bin/env bash
# Builds libamfkeys.so for the Maven build: checks the C toolchain and OpenSSL headers (installing
# them with apt-get when it runs as root on Debian or Ubuntu), then runs CMake.
#   build.sh OUTPUT_DIR JAVA_HOME BUILD_DIR [TEST_OUTPUT_DIR]
# With TEST_OUTPUT_DIR, the test variant libamfkeys-test.so (fault injection; AMFKEYS_TEST_HOOKS) is
# built there as well. It must not be in OUTPUT_DIR, which is what the jar packs.
set -euo pipefail

out="$1"
java_home="$2"
build="$3"
test_out="${4:-}"
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

test_hooks=(-DAMFKEYS_TEST_HOOKS=OFF)
if [ -n "$test_out" ]; then
    mkdir -p "$test_out"
    test_hooks=(-DAMFKEYS_TEST_HOOKS=ON -DAMFKEYS_TEST_OUTPUT_DIR="$test_out")
fi

mkdir -p "$build" "$out"
if [ -n "$test_out" ] && [ "$(cd "$test_out" && pwd -P)" = "$(cd "$out" && pwd -P)" ]; then
    echo "amfkeys native: the test variant would be packed into the jar: give it its own directory" >&2
    exit 1
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DAMFKEYS_JAVA_HOME="$java_home" -DAMFKEYS_OUTPUT_DIR="$out" "${test_hooks[@]}" >"$build/configure.log" 2>&1 \
    || { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" -j 2
