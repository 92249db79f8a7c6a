#!/usr/bin/env bash
# Restores the Bastion database into a NEW instance and checks it: the restored data answers /readyz, its
# tables are counted and its audit chain verified (the bastion-db-ops project, OPS_TASK=restore-check).
# The running database is never touched. docs/deploy-aws.md "Recovery" says when to use which source.
#
#   infra/scripts/restore-database.sh --region <region> --release <version> [--source latest|backup] [--target <id>]
#
#   --source latest  point-in-time restore of bastion-db to its latest restorable time (about 5 minutes old)
#   --source backup  the newest completed AWS Backup recovery point in --vault (default: the plan's vault;
#                    in the recovery Region, bastion-recovery), for a lost Region or a bad change found late
#   --release        the release whose code checks the restore (as deployed: releases/bastion-<version>.tgz)
#
# Needs an operator's credentials (not the deploy role): rds:Restore*, rds:ModifyDBInstance,
# secretsmanager:CreateSecret/PutSecretValue on bastion/restore-check, codebuild:StartBuild.
set -euo pipefail
region="${AWS_REGION:-}"; release=""; source="latest"; vault=""
target="bastion-restore-$(date -u +%Y%m%d-%H%M)"
while [ $# -gt 0 ]; do
  case "$1" in
    --region) region="$2"; shift 2 ;;
    --release) release="$2"; shift 2 ;;
    --source) source="$2"; shift 2 ;;
    --vault) vault="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$region" ] && [ -n "$release" ] || { echo "--region and --release are required" >&2; exit 2; }
aws_() { aws --region "$region" "$@"; }
started=$(date +%s)

# Where the restored instance lives: beside the current one (same subnets, security group, parameters).
read -r subnets group params class <<<"$(aws_ rds describe-db-instances --db-instance-identifier bastion-db \
  --query 'DBInstances[0].[DBSubnetGroup.DBSubnetGroupName, VpcSecurityGroups[0].VpcSecurityGroupId, DBParameterGroups[0].DBParameterGroupName, DBInstanceClass]' --output text)"
placement=(--db-subnet-group-name "$subnets" --vpc-security-group-ids "$group" --db-parameter-group-name "$params" --db-instance-class "$class" --no-multi-az --no-publicly-accessible --deletion-protection)

case "$source" in
  latest)
    echo "point-in-time restore of bastion-db (latest restorable time) into $target"
    aws_ rds restore-db-instance-to-point-in-time --source-db-instance-identifier bastion-db --use-latest-restorable-time \
      --target-db-instance-identifier "$target" "${placement[@]}" >/dev/null
    ;;
  backup)
    if [ -z "$vault" ]; then
      vault="$(aws_ backup list-backup-vaults --query "BackupVaultList[?starts_with(BackupVaultName, 'BackupVault') || BackupVaultName=='bastion-recovery'] | [0].BackupVaultName" --output text)"
    fi
    point="$(aws_ backup list-recovery-points-by-backup-vault --backup-vault-name "$vault" --by-resource-type RDS \
      --query 'sort_by(RecoveryPoints[?Status==`COMPLETED`], &CreationDate)[-1].RecoveryPointArn' --output text)"
    [ "$point" != "None" ] || { echo "no completed recovery point in $vault" >&2; exit 1; }
    echo "restoring $point (vault $vault) into $target"
    # An RDS recovery point is a DB snapshot: RDS restores it directly, no Backup restore role needed.
    aws_ rds restore-db-instance-from-db-snapshot --db-snapshot-identifier "$point" --db-instance-identifier "$target" "${placement[@]}" >/dev/null
    ;;
  *) echo "--source must be latest or backup" >&2; exit 2 ;;
esac

aws_ rds wait db-instance-available --db-instance-identifier "$target"
echo "restored in $(( ($(date +%s) - started) / 60 )) min; giving it a fresh master password for the check"
password="$(openssl rand -hex 32)"
aws_ rds modify-db-instance --db-instance-identifier "$target" --master-user-password "$password" --apply-immediately >/dev/null
sleep 30 && aws_ rds wait db-instance-available --db-instance-identifier "$target"
read -r host port user <<<"$(aws_ rds describe-db-instances --db-instance-identifier "$target" \
  --query 'DBInstances[0].[Endpoint.Address, Endpoint.Port, MasterUsername]' --output text)"
secret="$(printf '{"engine":"postgres","host":"%s","port":%s,"username":"%s","password":"%s","dbname":"bastion"}' "$host" "$port" "$user" "$password")"
unset password
if arn="$(aws_ secretsmanager describe-secret --secret-id bastion/restore-check --query ARN --output text 2>/dev/null)"; then
  aws_ secretsmanager put-secret-value --secret-id "$arn" --secret-string "$secret" >/dev/null
else
  arn="$(aws_ secretsmanager create-secret --name bastion/restore-check --description 'Bastion restore check (scripts/restore-database.sh)' --secret-string "$secret" --query ARN --output text)"
fi
unset secret

echo "checking the restore: /readyz, row counts, audit:verify"
build="$(aws_ codebuild start-build --project-name bastion-db-ops --environment-variables-override \
  name=OPS_TASK,value=restore-check "name=RELEASE_VERSION,value=$release" "name=RESTORED_SECRET_ARN,value=$arn" --query build.id --output text)"
while true; do
  status="$(aws_ codebuild batch-get-builds --ids "$build" --query 'builds[0].buildStatus' --output text)"
  case "$status" in
    IN_PROGRESS) sleep 20 ;;
    SUCCEEDED) break ;;
    *) echo "restore check $status: see the bastion-db-ops build $build" >&2; exit 1 ;;
  esac
done
echo "restore of $target checked in $(( ($(date +%s) - started) / 60 )) min (build $build has the row counts)."
echo "To serve from it: docs/deploy-aws.md, Recovery, step 4. To discard it:"
echo "  aws --region $region rds modify-db-instance --db-instance-identifier $target --no-deletion-protection --apply-immediately"
echo "  aws --region $region rds delete-db-instance --db-instance-identifier $target --skip-final-snapshot"
