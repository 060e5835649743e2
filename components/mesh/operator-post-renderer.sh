#!/bin/sh
# Helm post-renderer for the submariner-operator chart: passes every rendered document through except the chart's
# `Submariner` CR (a document whose top-level kind is Submariner), which would make the operator start a gateway and
# a route agent. geo-kafka uses Submariner for service discovery only (docs/mesh.md); its ServiceDiscovery CR is
# created beside the release. Reads the rendered manifests on stdin and writes them on stdout.
set -eu
exec awk '
  function flush() { if (!drop) printf "%s", doc; doc = ""; drop = 0 }
  /^---[[:space:]]*$/ { flush(); doc = $0 "\n"; next }
  {
    doc = doc $0 "\n"
    if ($0 ~ /^kind:[[:space:]]*["'"'"']?Submariner["'"'"']?[[:space:]]*$/) drop = 1
  }
  END { flush() }
'
