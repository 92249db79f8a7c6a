#!/usr/bin/env bash
# Rolls the app fleet onto its current launch template (a new release) with an instance refresh that keeps
# full capacity and rolls back by itself when a release alarm fires. The preferences come from the app
# stack's InstanceRefreshPreferences output, so this script and the release pipeline roll the same way.
#   infra/scripts/instance-refresh.sh [--region <region>] [--stack BastionApp]
# With PUBLIC_URL set (run from a checkout of the release), it then runs `npm run pages:verify` against it.
# Exit 0: the refresh succeeded (and the payment pages match the script inventory). Exit 1: it failed, was
# cancelled or rolled back (the fleet runs the previous release again), or the payment pages differ.
set -euo pipefail
region="${AWS_REGION:-}"
stack=BastionApp
while [ $# -gt 0 ]; do
  case "$1" in
    --region) region="$2"; shift 2 ;;
    --stack) stack="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
aws_() { aws ${region:+--region "$region"} "$@"; }
output() { aws_ cloudformation describe-stacks --stack-name "$stack" --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text; }

group="$(output AutoScalingGroupName)"
preferences="$(output InstanceRefreshPreferences)"
id="$(aws_ autoscaling start-instance-refresh --auto-scaling-group-name "$group" --strategy Rolling \
  --preferences "$preferences" --query InstanceRefreshId --output text)"
echo "instance refresh $id on $group"
while true; do
  read -r status percent <<<"$(aws_ autoscaling describe-instance-refreshes --auto-scaling-group-name "$group" \
    --instance-refresh-ids "$id" --query 'InstanceRefreshes[0].[Status,PercentageComplete]' --output text)"
  echo "$(date -u +%H:%M:%S) $status ${percent}%"
  case "$status" in
    Successful)
      # The payment pages as shoppers now get them must match the release's script inventory (PCI DSS 11.6.1).
      if [ -n "${PUBLIC_URL:-}" ]; then
        PAYMENTS="${PAYMENTS:-$(output Payments)}" npm run --silent pages:verify || { echo "payment pages differ from the script inventory" >&2; exit 1; }
      fi
      exit 0 ;;
    Failed|Cancelled|RollbackSuccessful|RollbackFailed|Baking) [ "$status" = Baking ] || { echo "release not rolled out: $status" >&2; exit 1; } ;;
  esac
  sleep 30
done
