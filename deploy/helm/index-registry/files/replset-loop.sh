#!/bin/sh
# The `replset` sidecar: runs replset.js every few seconds until this member is in the set, then
# every $INTERVAL seconds. /tmp/replset/ready is its readiness; /tmp/replset/heartbeat its liveness.
set -u
mkdir -p /tmp/replset
trap 'exit 0' TERM INT
while true; do
  if timeout 60 mongosh --quiet --norc 'mongodb://127.0.0.1:27017/admin?directConnection=true' /scripts/replset.js; then
    touch /tmp/replset/ready
  else
    rm -f /tmp/replset/ready
  fi
  touch /tmp/replset/heartbeat
  if [ -e /tmp/replset/ready ]; then pause=$INTERVAL; else pause=5; fi
  sleep "$pause" &
  wait $!
done
