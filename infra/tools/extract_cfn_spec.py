"""Extracts the CloudFormation resource types that infra/template.yaml uses from the AWS CDK service spec.

Input: db.json.gz of the npm package @aws-cdk/aws-service-spec (Apache-2.0, built from the CloudFormation registry
schemas). Output: src/test/resources/dev/docqa/infra/cfn-spec.json, read by CloudFormationSpecTest, so the template's
property names, required properties, value types and GetAtt attributes are checked offline.

  npm install --prefix /tmp/cfnspec @aws-cdk/aws-service-spec@0.1.216
  /usr/bin/python3 infra/tools/extract_cfn_spec.py /tmp/cfnspec/node_modules/@aws-cdk/aws-service-spec/db.json.gz \
      infra/template.yaml src/test/resources/dev/docqa/infra/cfn-spec.json
"""
import gzip
import json
import re
import sys


def main(db_path, template_path, out_path):
    db = json.load(gzip.open(db_path))["schema"]
    types_used = sorted(set(re.findall(r"^\s+Type: (AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)\s*$",
                                       open(template_path).read(), re.M)))
    resources = {r["cloudFormationType"]: r for r in db["resource"]["entities"]}
    definitions = {t["$id"]: t for t in db["typeDefinition"]["entities"]}
    out = {"source": "@aws-cdk/aws-service-spec db.json.gz", "resources": {}, "types": {}}
    pending = []

    def walk_type(t):
        if t.get("type") == "ref":
            pending.append(t["reference"]["$ref"])
        for key in ("element",):
            if key in t:
                walk_type(t[key])
        for inner in t.get("types", []):
            walk_type(inner)

    def properties(props):
        result = {}
        for name, p in props.items():
            result[name] = {"type": p["type"], "required": bool(p.get("required", False))}
            walk_type(p["type"])
        return result

    for cfn_type in types_used:
        r = resources[cfn_type]
        out["resources"][cfn_type] = {"properties": properties(r["properties"]),
                                      "attributes": sorted(r.get("attributes", {}).keys())}
    while pending:
        type_id = pending.pop()
        if type_id in out["types"]:
            continue
        t = definitions[type_id]
        out["types"][type_id] = {"name": t["name"], "properties": {}}
        out["types"][type_id]["properties"] = properties(t["properties"])
    with open(out_path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"{len(out['resources'])} resource types, {len(out['types'])} property types -> {out_path}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
