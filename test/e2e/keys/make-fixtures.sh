#!/bin/sh
# Regenerates the Keys UI e2e fixtures in test/fixtures/keys/ (ui-* files; run once, outputs committed).
# Secret keys are protected with the passphrase in PASS below.
set -eu
OUT="$(cd "$(dirname "$0")/../../fixtures/keys" && pwd)"
PASS=ui-fixture-passphrase
H=$(mktemp -d)
trap 'rm -rf "$H"' EXIT
g() { gpg --homedir "$H" --batch --pinentry-mode loopback --passphrase "$PASS" "$@"; }
fpr() { g --list-keys --with-colons "$1" | awk -F: '/^fpr/{print $10; exit}'; }
curve() { # uid: an ed25519 signing key with a cv25519 encryption subkey
  g --quick-gen-key "$1" ed25519 sign,cert 2y
  g --quick-add-key "$(fpr "$2")" cv25519 encr 2y
}

# Weak: RSA 1024 must be refused, as a public and as a private key.
g --quick-gen-key 'Ui Weak <ui-weak@example.org>' rsa1024 default never
# Expired: created in 2020 with a one-day lifetime.
g --faked-system-time 20200101T000000 --quick-gen-key 'Ui Expired <ui-expired@example.org>' ed25519 default 1d
# A user ID with markup that must show as text.
curve '<img src=x onerror="document.title=1">Mallory <b>Bold</b> <mallory@example.org>' mallory@example.org
# Two different keys for the same address: the second is a key change.
curve 'Carol White <carol@example.org>' carol@example.org
g --armor --export carol@example.org > "$OUT/ui-carol-1.pub.asc"
g --batch --yes --delete-secret-and-public-key "$(fpr carol@example.org)"
curve 'Carol White <carol@example.org>' carol@example.org
g --armor --export carol@example.org > "$OUT/ui-carol-2.pub.asc"
# Dave: first exported with one user ID, then again after gaining a second one (a merge).
curve 'Dave Brown <dave@example.org>' dave@example.org
g --armor --export dave@example.org > "$OUT/ui-dave.pub.asc"
g --quick-add-uid "$(fpr dave@example.org)" 'Dave Brown <dave@work.example.org>'
g --armor --export dave@example.org > "$OUT/ui-dave-updated.pub.asc"
# Erin: published in the key directory for lookups (WKD on example.org and keys.openpgp.org).
curve 'Erin Green <erin@example.org>' erin@example.org

g --armor --export ui-weak@example.org > "$OUT/ui-rsa1024.pub.asc"
g --armor --export-secret-keys ui-weak@example.org > "$OUT/ui-rsa1024.sec.asc"
g --armor --export ui-expired@example.org > "$OUT/ui-expired.pub.asc"
g --armor --export mallory@example.org > "$OUT/ui-html-uid.pub.asc"
g --armor --export-secret-keys mallory@example.org > "$OUT/ui-html-uid.sec.asc"
g --armor --export erin@example.org > "$OUT/ui-erin.pub.asc"
g --export erin@example.org > "$OUT/ui-erin.pub.gpg"
echo "$PASS" > "$OUT/ui-passphrase.txt"
