#!/bin/sh
# One-shot setup of a Temporal server for spooky-temporal (docker-compose's temporal-setup service,
# in the temporalio/admin-tools image, and `npm run stack`, with our temporal CLI as TEMPORAL_CLI):
# waits for the server, creates the namespace if it is missing, then registers our search attributes
# (all Keyword; see src/core/searchAttributes.ts) so `JobStatus = "failed"` filters work in
# the Temporal UI. Safe to run again: attributes that already exist are left alone.
set -eu

# TLS comes from the CLI's own variables (TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_CLIENT_CERT_PATH,
# TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_TLS_SERVER_NAME).
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
RETENTION="${TEMPORAL_RETENTION:-72h}"
ATTEMPTS="${SETUP_ATTEMPTS:-60}"
ATTRIBUTES="JobId JobTable JobBackend JobPath JobStatus"
temporal() { "${TEMPORAL_CLI:-temporal}" "$@"; }

attempt=1
until temporal operator cluster health --address "$ADDRESS" 2>/dev/null | grep -q SERVING; do
  if [ "$attempt" -ge "$ATTEMPTS" ]; then
    echo "temporal-setup: no healthy Temporal server at $ADDRESS after $ATTEMPTS tries" >&2
    temporal operator cluster health --address "$ADDRESS" >&2 || true
    exit 1
  fi
  echo "temporal-setup: waiting for Temporal at $ADDRESS ($attempt/$ATTEMPTS)"
  attempt=$((attempt + 1))
  sleep 2
done

if ! temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; then
  temporal operator namespace create --namespace "$NAMESPACE" --retention "$RETENTION" --address "$ADDRESS" >/dev/null 2>&1 ||
    temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null
  echo "temporal-setup: namespace '$NAMESPACE' created (retention $RETENTION)"
  # A new namespace takes up to the server's cache refresh (10 s) to serve every call.
  until temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; do sleep 1; done
fi

registered() {
  temporal operator search-attribute list --namespace "$NAMESPACE" --address "$ADDRESS" 2>/dev/null | grep -qw "$1"
}

for name in $ATTRIBUTES; do
  if registered "$name"; then
    echo "temporal-setup: search attribute $name already exists"
    continue
  fi
  if output=$(temporal operator search-attribute create --namespace "$NAMESPACE" --address "$ADDRESS" \
    --name "$name" --type Keyword 2>&1); then
    echo "temporal-setup: search attribute $name created (Keyword)"
  elif echo "$output" | grep -qi "already exists" || registered "$name"; then
    # Another setup run (or the runner, which also registers them) got there first.
    echo "temporal-setup: search attribute $name already exists"
  else
    echo "$output" >&2
    echo "temporal-setup: could not create search attribute $name in namespace '$NAMESPACE'" >&2
    exit 1
  fi
done
echo "temporal-setup: done (namespace '$NAMESPACE' at $ADDRESS)"
