#!/usr/bin/env bash
# TLS for the local test servers: a throw-away CA with server and client certificates (openssl), PostgreSQL and
# MariaDB switched to TLS with them, plain connections still accepted (the tests of refusal need a plain session).
# Sourced by .ci/run; every function takes the server's port (and files) so it can be run against any instance.
# Idempotent: each run makes new certificates and puts them in place of the last run's.

# The PostgreSQL role that may only log in with a client certificate (hostssl ... cert) and the MariaDB account that
# requires one (REQUIRE X509); the client certificate's CN is the PostgreSQL role's name.
readonly TLS_CERT_USER_PG="cloak_tls_client"
readonly TLS_CERT_USER_MARIADB="cloak_x509"
readonly TLS_P12_PASSWORD="cloak-test"

tls_step() {
    echo "[ci/tls] $*"
}

# make_tls_material DIR: in DIR, a CA (ca.crt), another CA nobody trusts (unknown-ca.crt, for the unknown-CA test),
# a server certificate for 127.0.0.1 only (server.crt, server.key: so "localhost" is a wrong host name), and a client
# certificate for TLS_CERT_USER_PG (client.crt, client.key, client.pk8 for pgjdbc, client.p12 for MariaDB).
make_tls_material() {
    local dir="$1"
    mkdir -p "${dir}"
    (
        cd "${dir}"
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Cloak CI CA" \
            -keyout ca.key -out ca.crt 2>/dev/null
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=Unknown CA" \
            -keyout unknown-ca.key -out unknown-ca.crt 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile server.ext -out server.crt 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=${TLS_CERT_USER_PG}" -keyout client.key \
            -out client.csr 2>/dev/null
        printf 'extendedKeyUsage=clientAuth\n' > client.ext
        openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
            -extfile client.ext -out client.crt 2>/dev/null
        openssl pkcs8 -topk8 -inform PEM -outform DER -nocrypt -in client.key -out client.pk8
        openssl pkcs12 -export -in client.crt -inkey client.key -name client \
            -passout "pass:${TLS_P12_PASSWORD}" -out client.p12
        rm -f ./*.csr ./*.ext ./*.srl ca.key unknown-ca.key
        chmod 600 client.key client.pk8 client.p12 server.key
    )
    tls_step "certificates in ${dir}: CA, unknown CA, server for 127.0.0.1, client ${TLS_CERT_USER_PG}"
}

# Copies the server's certificate, key and CA to DEST, owned by OWNER, the key readable by it alone.
install_server_files() {
    local material="$1" dest="$2" owner="$3"
    mkdir -p "${dest}"
    cp "${material}/server.crt" "${material}/server.key" "${material}/ca.crt" "${dest}/"
    chown -R "${owner}:${owner}" "${dest}"
    chmod 700 "${dest}"
    chmod 600 "${dest}/server.key"
}

# enable_postgres_tls PORT MATERIAL: ssl = on with MATERIAL's certificates (kept in the data directory, so a
# restart finds them), a hostssl ... cert line for TLS_CERT_USER_PG in pg_hba.conf, the role, and a reload. Other
# roles still connect without TLS.
enable_postgres_tls() {
    local port="$1" material="$2"
    local psql=(psql -h 127.0.0.1 -p "${port}" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt)
    local data hba files
    data="$("${psql[@]}" -c "SHOW data_directory")"
    hba="$("${psql[@]}" -c "SHOW hba_file")"
    files="${data}/cloak-tls"
    install_server_files "${material}" "${files}" postgres
    "${psql[@]}" -c "ALTER SYSTEM SET ssl_cert_file = '${files}/server.crt'" \
        -c "ALTER SYSTEM SET ssl_key_file = '${files}/server.key'" \
        -c "ALTER SYSTEM SET ssl_ca_file = '${files}/ca.crt'" \
        -c "ALTER SYSTEM SET ssl = on"
    local line="hostssl all ${TLS_CERT_USER_PG} 127.0.0.1/32 cert"
    if ! grep -qxF "${line}" "${hba}"; then
        # first: pg_hba.conf takes the first line that matches
        sed -i "1i ${line}" "${hba}"
    fi
    if [[ "$("${psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '${TLS_CERT_USER_PG}'")" != "1" ]]; then
        "${psql[@]}" -c "CREATE ROLE ${TLS_CERT_USER_PG} LOGIN"
    fi
    "${psql[@]}" -c "SELECT pg_reload_conf()" >/dev/null
    sleep 1
    if [[ "$("${psql[@]}" -c "SHOW ssl")" != "on" ]]; then
        tls_step "FAILED: PostgreSQL on ${port} did not turn ssl on"
        return 1
    fi
    tls_step "PostgreSQL on ${port}: ssl on, ${TLS_CERT_USER_PG} only with a client certificate"
}

# enable_mariadb_tls PORT DEFAULTS_FILE TLS_CNF MATERIAL RESTART_COMMAND...: writes TLS_CNF ([mysqld] ssl-*) with
# MATERIAL's certificates (kept next to TLS_CNF), makes DEFAULTS_FILE include it, then either reloads the certificates
# (FLUSH SSL, when TLS is on already) or runs RESTART_COMMAND; finally the account TLS_CERT_USER_MARIADB that requires
# a client certificate. require_secure_transport stays off: plain connections still work.
enable_mariadb_tls() {
    local port="$1" defaults="$2" cnf="$3" material="$4"
    shift 4
    local files
    files="$(dirname "${cnf}")/cloak-tls"
    install_server_files "${material}" "${files}" mysql
    mkdir -p "$(dirname "${cnf}")"
    printf '[mysqld]\nssl-ca = %s/ca.crt\nssl-cert = %s/server.crt\nssl-key = %s/server.key\n' \
        "${files}" "${files}" "${files}" > "${cnf}"
    if ! grep -qxF "!include ${cnf}" "${defaults}"; then
        printf '\n!include %s\n' "${cnf}" >> "${defaults}"
    fi
    local sql=(mariadb -h 127.0.0.1 -P "${port}" -u root -N -B)
    if [[ "$("${sql[@]}" -e "SELECT @@have_ssl")" == "YES" ]]; then
        "${sql[@]}" -e "FLUSH SSL"
        tls_step "MariaDB on ${port}: TLS on already, certificates reloaded"
    else
        tls_step "MariaDB on ${port}: restarting with TLS"
        "$@"
    fi
    if [[ "$("${sql[@]}" -e "SELECT @@have_ssl")" != "YES" ]]; then
        tls_step "FAILED: MariaDB on ${port} has no TLS"
        return 1
    fi
    "${sql[@]}" -e "CREATE USER IF NOT EXISTS '${TLS_CERT_USER_MARIADB}'@'127.0.0.1' REQUIRE X509;
        GRANT ALL ON test.* TO '${TLS_CERT_USER_MARIADB}'@'127.0.0.1'"
    tls_step "MariaDB on ${port}: TLS on, ${TLS_CERT_USER_MARIADB} only with a client certificate"
}
