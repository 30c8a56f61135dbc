#!/bin/sh
# Creates Temporal's two PostgreSQL databases and brings both schemas to the newest version the
# tool embeds. Idempotent: safe on every start. Used by docker-compose (admin-tools image) and
# `npm run stack` (the go-installed tool, via TEMPORAL_SQL_TOOL).
# Connection from the tool's own variables: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD.
set -eu
TOOL="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
for pair in temporal:postgresql/v12/temporal temporal_visibility:postgresql/v12/visibility; do
  db="${pair%%:*}"
  schema="${pair#*:}"
  out=$("$TOOL" --plugin postgres12 --db "$db" create-database 2>&1) || echo "$out" | grep -q "already exists" || { echo "$out" >&2; exit 1; }
  # Versioning tables first (fails harmlessly when they exist), then every versioned step.
  "$TOOL" --plugin postgres12 --db "$db" setup-schema -v 0.0 > /dev/null 2>&1 || true
  "$TOOL" --quiet --plugin postgres12 --db "$db" update-schema --schema-name "$schema"
done
echo "temporal schemas ready"
