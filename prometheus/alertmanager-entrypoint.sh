#!/bin/sh
# Start Alertmanager with the SMTP settings taken from the environment.
#
# Used by docker-compose.yml. Copies /etc/netscore/alertmanager.yml to a
# writable directory, replaces these values when the variable is set and not
# empty, then execs Alertmanager with the remaining arguments:
#
#   SMTP_SMARTHOST      -> global.smtp_smarthost      (host:port)
#   SMTP_FROM           -> global.smtp_from
#   SMTP_HELLO          -> global.smtp_hello
#   SMTP_AUTH_USERNAME  -> global.smtp_auth_username
#   SMTP_AUTH_PASSWORD  -> global.smtp_auth_password
#   SMTP_REQUIRE_TLS    -> global.smtp_require_tls    (true | false)
#   ALERT_EMAIL_TO      -> every receiver's email `to:`
#
# Values are written as YAML single-quoted strings (a quote is doubled), so
# passwords may contain any character. The generated file lives only inside
# the container (/tmp); nothing secret is written to the repository.
set -eu

SRC_DIR=${NETSCORE_AM_SRC_DIR:-/etc/netscore}
OUT_DIR=${NETSCORE_AM_OUT_DIR:-/tmp/netscore-alertmanager}

mkdir -p "$OUT_DIR"
rm -f "$OUT_DIR/templates"
ln -s "$SRC_DIR/templates" "$OUT_DIR/templates"

awk -v q="'" '
function yq(v) { gsub(q, q q, v); return q v q }
function setkey(key, envname,   m) {
  if (!(envname in ENVIRON) || ENVIRON[envname] == "") return 0
  if (match($0, "^[ \t]*" key ":")) {
    m = substr($0, 1, RLENGTH)
    if (key == "smtp_require_tls") print m " " ENVIRON[envname]
    else print m " " yq(ENVIRON[envname])
    return 1
  }
  return 0
}
{
  if (setkey("smtp_smarthost", "SMTP_SMARTHOST")) next
  if (setkey("smtp_from", "SMTP_FROM")) next
  if (setkey("smtp_hello", "SMTP_HELLO")) next
  if (setkey("smtp_auth_username", "SMTP_AUTH_USERNAME")) next
  if (setkey("smtp_auth_password", "SMTP_AUTH_PASSWORD")) next
  if (setkey("smtp_require_tls", "SMTP_REQUIRE_TLS")) next
  if (setkey("- to", "ALERT_EMAIL_TO")) next
  print
}' "$SRC_DIR/alertmanager.yml" > "$OUT_DIR/alertmanager.yml"
chmod 600 "$OUT_DIR/alertmanager.yml"

exec "${ALERTMANAGER_BIN:-/bin/alertmanager}" --config.file="$OUT_DIR/alertmanager.yml" "$@"
