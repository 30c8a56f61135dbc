#!/bin/sh
# One-shot setup for the docker-compose stack (runs in the temporalio/admin-tools image):
# waits for the Temporal namespace, then registers spooky-temporal's custom search attributes
# (all Keyword; see src/workflows/searchAttributes.ts) so `JobStatus = "failed"` filters work in
# the Temporal UI. Safe to run again: attributes that already exist are left alone.
set -eu

ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ATTEMPTS="${SETUP_ATTEMPTS:-60}"
ATTRIBUTES="JobId JobTable JobBackend JobPath JobStatus"

attempt=1
until temporal operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" >/dev/null 2>&1; do
  if [ "$attempt" -ge "$ATTEMPTS" ]; then
    echo "temporal-setup: namespace '$NAMESPACE' not available at $ADDRESS after $ATTEMPTS tries" >&2
    exit 1
  fi
  echo "temporal-setup: waiting for namespace '$NAMESPACE' at $ADDRESS ($attempt/$ATTEMPTS)"
  attempt=$((attempt + 1))
  sleep 2
done

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
