#!/usr/bin/env bash
# Creates a fresh SoftHSM2 token "cloak" holding two non-extractable AES-256 keys, "master" (id 01) and
# "master2" (id 02), in a new directory, and prints the environment that points at it as export lines:
#   eval "$(.ci/softhsm-token.sh)"            # a temporary directory
#   .ci/softhsm-token.sh /some/empty/dir      # a directory of your choice (tests use their @TempDir)
# Needs softhsm2-util and pkcs11-tool (Debian: apt-get install -y softhsm2 opensc).
set -euo pipefail

readonly MODULE="${CLOAK_TEST_PKCS11_MODULE:-/usr/lib/softhsm/libsofthsm2.so}"
readonly LABEL="${CLOAK_HSM_TOKEN_LABEL:-cloak}"
# Test-only PINs: the token lives in a throw-away directory and holds nothing but test keys.
readonly PIN="${CLOAK_HSM_PIN:-1234}"
readonly SO_PIN="${CLOAK_HSM_SO_PIN:-123456}"

die() {
    echo "softhsm-token.sh: $*" >&2
    exit 1
}

command -v softhsm2-util >/dev/null 2>&1 || die "softhsm2-util not found (apt-get install -y softhsm2)"
command -v pkcs11-tool >/dev/null 2>&1 || die "pkcs11-tool not found (apt-get install -y opensc)"
[[ -f "${MODULE}" ]] || die "PKCS#11 module ${MODULE} not found"

dir="${1:-$(mktemp -d "${TMPDIR:-/tmp}/cloak-softhsm.XXXXXX")}"
mkdir -p "${dir}/tokens"
dir="$(cd "${dir}" && pwd)"
cat > "${dir}/softhsm2.conf" <<CONF
directories.tokendir = ${dir}/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
export SOFTHSM2_CONF="${dir}/softhsm2.conf"

# Progress goes to stderr: stdout carries only the export lines, so eval sees nothing else.
softhsm2-util --init-token --free --label "${LABEL}" --so-pin "${SO_PIN}" --pin "${PIN}" >&2
# --sensitive without --extractable: the keys are CKA_SENSITIVE and never extractable.
for key in "master 01" "master2 02"; do
    set -- ${key}
    pkcs11-tool --module "${MODULE}" --token-label "${LABEL}" --login --pin "${PIN}" \
        --keygen --key-type AES:32 --label "$1" --id "$2" --sensitive >&2 2>/dev/null
done

printf 'export SOFTHSM2_CONF=%q\n' "${SOFTHSM2_CONF}"
printf 'export CLOAK_HSM_PIN=%q\n' "${PIN}"
printf 'export CLOAK_TEST_PKCS11_MODULE=%q\n' "${MODULE}"
