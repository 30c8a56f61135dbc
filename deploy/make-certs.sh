#!/bin/sh
# Makes the stack's test PKI with openssl: one CA, a server certificate (Temporal's frontend and
# internode, the SurrealDB wss:// listener) and a client certificate for the runners (mTLS).
# Idempotent: existing files are kept. Used by `npm run stack` and docker-compose's `certs` service.
#   sh deploy/make-certs.sh <dir>     # default ./certs
# Not for production: use your own CA there. The keys are written 0600 (KEY_MODE=0644 in
# docker-compose, where the servers and runners read them as other users from a private volume).
set -eu
DIR="${1:-certs}"
DAYS="${CERT_DAYS:-825}"
NAMES="${CERT_SERVER_NAMES:-DNS:localhost,DNS:temporal,DNS:surrealdb,DNS:temporal.stack.test,IP:127.0.0.1}"
mkdir -p "$DIR"
cd "$DIR"
umask 077

if [ ! -f ca.pem ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days "$DAYS" -subj "/CN=spooky-temporal stack CA" \
    -keyout ca.key -out ca.pem 2>/dev/null
fi

sign() { # name subject extensions
  [ -f "$1.pem" ] && return 0
  openssl req -newkey rsa:2048 -nodes -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days "$DAYS" -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}

sign server "/CN=temporal.stack.test" "subjectAltName=$NAMES
extendedKeyUsage=serverAuth,clientAuth"
sign client "/CN=spooky-temporal-runner" "extendedKeyUsage=clientAuth"
# Certificates are public; the server processes (other users in containers) must read them.
chmod 0644 ca.pem server.pem client.pem
chmod "${KEY_MODE:-0600}" server.key client.key
echo "certificates in $(pwd): ca.pem, server.pem/.key, client.pem/.key"
