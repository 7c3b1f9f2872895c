#!/bin/sh
# Lints src/main/proto with buf (see buf.yaml). Needs npm; buf comes from the npm registry, and the
# google/rpc and google/type protos the contracts import come from the Maven dependency that ships them.
set -eu
cd "$(dirname "$0")/.."
./mvnw -q -B dependency:unpack-dependencies -DincludeArtifactIds=proto-google-common-protos \
  -Dmdep.includes='google/**/*.proto' -DoutputDirectory=target/buf-deps
exec npx --yes @bufbuild/buf@1.75.0 lint "$@"
