#!/usr/bin/env bash
# Builds the docqa Lambda image, pushes it to ECR and deploys infra/template.yaml with CloudFormation.
#
# Usage: infra/deploy.sh STACK_NAME READER_MODEL_LOCATION [Key=Value ...]
#   STACK_NAME             CloudFormation stack, also the ECR repository name (lowercase)
#   READER_MODEL_LOCATION  "builtin" for docqa's own trained reader (inside the image), s3://bucket/prefix of a reader
#                          model, or "image" for a model baked in with infra/docker/Dockerfile.lambda-model (set
#                          BAKED_MODEL_DIR to its directory)
#   Key=Value              more template parameters, e.g. AskMemoryMb=6144 AskReservedConcurrency=20. The index:
#                          IndexBackend=embedded (the default: Lucene files in the bucket), serverless (a new
#                          OpenSearch Serverless vector collection) or domain (an existing OpenSearch Service domain:
#                          also pass OpenSearchDomainEndpoint=HOST and OpenSearchDomainArn=ARN); OpenSearchIndexName=NAME
#                          (default docqa-passages). Parameters left out keep the stack's current values.
# Needs: docker (with buildx), aws CLI v2 with credentials, and AWS_REGION (or a configured default region).
set -euo pipefail

if [[ $# -lt 2 ]]; then
  sed -n '2,14p' "$0" >&2
  exit 64
fi
stack="$1"
model="$2"
shift 2

if [[ ! "$stack" =~ ^[a-z][a-z0-9-]{0,62}$ ]]; then
  echo "deploy.sh: STACK_NAME must be lowercase letters, digits and '-' (it names the ECR repository); got '$stack'" >&2
  exit 64
fi

# Checked before anything is built or pushed.
if [[ "$model" == "image" || "$model" == "builtin" ]]; then
  model_params=("ReaderModelBucket=")
elif [[ "$model" =~ ^s3://([^/]+)/(.+[^/])/?$ ]]; then
  model_params=("ReaderModelBucket=${BASH_REMATCH[1]}" "ReaderModelPrefix=${BASH_REMATCH[2]}")
else
  echo "deploy.sh: READER_MODEL_LOCATION must be builtin, s3://bucket/prefix or image; got '$model'" >&2
  exit 64
fi

# The index parameters, checked here too so that a bad choice fails before the build, not at the change set.
# A domain endpoint may be given as the console shows it (https://HOST/): the template takes the host.
overrides=()
backend="" domain_endpoint="" domain_arn=""
for override in "$@"; do
  case "$override" in
    IndexBackend=*)
      backend="${override#IndexBackend=}"
      if [[ ! "$backend" =~ ^(embedded|serverless|domain)$ ]]; then
        echo "deploy.sh: IndexBackend must be embedded, serverless or domain; got '$backend'" >&2
        exit 64
      fi
      ;;
    OpenSearchDomainEndpoint=*)
      domain_endpoint="${override#OpenSearchDomainEndpoint=}"
      domain_endpoint="${domain_endpoint#https://}"
      domain_endpoint="${domain_endpoint%/}"
      if [[ ! "$domain_endpoint" =~ ^[a-z0-9][a-z0-9.-]*\.es\.amazonaws\.com$ ]]; then
        echo "deploy.sh: OpenSearchDomainEndpoint must be a domain's endpoint host (*.es.amazonaws.com); got '${override#*=}'" >&2
        exit 64
      fi
      override="OpenSearchDomainEndpoint=${domain_endpoint}"
      ;;
    OpenSearchDomainArn=*)
      domain_arn="${override#OpenSearchDomainArn=}"
      if [[ ! "$domain_arn" =~ ^arn:aws[a-z-]*:es:[a-z0-9-]+:[0-9]{12}:domain/[a-z][a-z0-9-]+$ ]]; then
        echo "deploy.sh: OpenSearchDomainArn must be arn:aws:es:REGION:ACCOUNT:domain/NAME; got '$domain_arn'" >&2
        exit 64
      fi
      ;;
  esac
  overrides+=("$override")
done
if [[ "$backend" == "domain" && ( -z "$domain_endpoint" || -z "$domain_arn" ) ]]; then
  echo "deploy.sh: IndexBackend=domain needs OpenSearchDomainEndpoint=HOST and OpenSearchDomainArn=ARN as well" >&2
  exit 64
fi

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
region="${AWS_REGION:-$(aws configure get region || true)}"
if [[ -z "$region" ]]; then
  echo "deploy.sh: set AWS_REGION (no default region configured)" >&2
  exit 64
fi
account="$(aws sts get-caller-identity --query Account --output text)"
registry="${account}.dkr.ecr.${region}.amazonaws.com"
tag="$(git -C "$repo_root" rev-parse --short=12 HEAD)-$(date -u +%Y%m%d%H%M%S)"

echo "== package (tests already ran in CI)"
(cd "$repo_root" && src/bin/mvnw-jdk21 -B -q package -DskipTests)

echo "== image ${stack}:${tag}"
docker build --platform linux/amd64 -f "$repo_root/infra/docker/Dockerfile.lambda" -t "${stack}:${tag}" "$repo_root"
image="${stack}:${tag}"
if [[ "$model" == "image" ]]; then
  : "${BAKED_MODEL_DIR:?READER_MODEL_LOCATION=image needs BAKED_MODEL_DIR, the reader model directory}"
  docker build --platform linux/amd64 -f "$repo_root/infra/docker/Dockerfile.lambda-model" \
    --build-arg "BASE_IMAGE=${stack}:${tag}" -t "${stack}:${tag}-model" "$BAKED_MODEL_DIR"
  image="${stack}:${tag}-model"
fi

echo "== push to ${registry}/${stack}"
aws ecr describe-repositories --region "$region" --repository-names "$stack" >/dev/null 2>&1 \
  || aws ecr create-repository --region "$region" --repository-name "$stack" \
       --image-scanning-configuration scanOnPush=true --image-tag-mutability IMMUTABLE >/dev/null
aws ecr get-login-password --region "$region" | docker login --username AWS --password-stdin "$registry"
docker tag "$image" "${registry}/${stack}:${tag}"
docker push "${registry}/${stack}:${tag}"

echo "== deploy stack ${stack}"
aws cloudformation deploy --region "$region" \
  --stack-name "$stack" \
  --template-file "$repo_root/infra/template.yaml" \
  --capabilities CAPABILITY_IAM \
  --no-fail-on-empty-changeset \
  --parameter-overrides "ImageUri=${registry}/${stack}:${tag}" "${model_params[@]}" ${overrides[@]+"${overrides[@]}"}

aws cloudformation describe-stacks --region "$region" --stack-name "$stack" \
  --query "Stacks[0].Outputs[].[OutputKey,OutputValue]" --output table
