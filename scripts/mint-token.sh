#!/usr/bin/env bash
# Mints a bearer JWT for a grocer server in the secure profile, for local use: RS256, signed with the
# private key whose public half the server trusts (spring.security.oauth2.resourceserver.jwt.public-key-location).
# Needs only openssl. A real deployment gets its tokens from an identity provider instead.
#
#   scripts/mint-token.sh PRIVATE_KEY.pem [SCOPE] [LIFETIME_SECONDS] [SUBJECT]
#   scripts/mint-token.sh jwt-private.pem grocer.write 3600 ada
#
# SCOPE is a space-separated list (default grocer.write); LIFETIME_SECONDS defaults to 3600; SUBJECT to "dev".
set -euo pipefail

if [[ $# -lt 1 || $# -gt 4 ]]; then
  echo "usage: $0 PRIVATE_KEY.pem [SCOPE] [LIFETIME_SECONDS] [SUBJECT]" >&2
  exit 2
fi
key=$1
scope=${2:-grocer.write}
lifetime=${3:-3600}
subject=${4:-dev}

[[ -r $key ]] || { echo "cannot read the private key '$key'" >&2; exit 2; }
[[ $lifetime =~ ^[0-9]+$ ]] || { echo "LIFETIME_SECONDS must be a whole number, was '$lifetime'" >&2; exit 2; }
# Plain characters only, so the values need no JSON escaping.
for value in "$scope" "$subject"; do
  [[ $value =~ ^[A-Za-z0-9._:@\ -]+$ ]] || { echo "unsupported character in '$value'" >&2; exit 2; }
done

base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

now=$(date +%s)
header=$(printf '{"alg":"RS256","typ":"JWT"}' | base64url)
payload=$(printf '{"sub":"%s","scope":"%s","iat":%d,"nbf":%d,"exp":%d}' \
  "$subject" "$scope" "$now" "$now" "$((now + lifetime))" | base64url)
signature=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | base64url)
printf '%s.%s.%s\n' "$header" "$payload" "$signature"
