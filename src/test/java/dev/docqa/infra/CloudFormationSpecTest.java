package dev.docqa.infra;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Validates infra/template.yaml against the CloudFormation resource schemas, offline: property names, required
 * properties, value types (recursively through property types), the allowed values of enumerated strings and {@code
 * Fn::GetAtt} attributes. The schema subset
 * {@code cfn-spec.json} is extracted from the AWS CDK service spec by {@code infra/tools/extract_cfn_spec.py}.
 */
class CloudFormationSpecTest {

  private static final Pattern SUB_ATTRIBUTE = Pattern.compile("\\$\\{([A-Za-z0-9]+)\\.([A-Za-z0-9.]+)}");

  private final CloudFormationTemplate template = CloudFormationTemplate.load(TemplateTest.TEMPLATE);
  private final JsonNode spec = loadSpec();
  private final List<String> problems = new ArrayList<>();

  @Test
  void everyResourceMatchesItsSchema() {
    template.resources().forEach((id, resource) -> {
      String type = resource.path("Type").asText();
      JsonNode schema = spec.path("resources").path(type);
      if (schema.isMissingNode()) {
        problems.add(id + ": no schema for " + type + " (re-run infra/tools/extract_cfn_spec.py)");
        return;
      }
      checkObject(id, resource.path("Properties"), schema.path("properties"));
    });
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void everyGetAttNamesAnAttributeOfItsResource() {
    List<String[]> uses = new ArrayList<>();
    CloudFormationTemplate.walk(template.root()).forEach(node -> {
      if (node.has("Fn::GetAtt")) {
        JsonNode att = node.get("Fn::GetAtt");
        uses.add(new String[] {att.get(0).asText(), att.get(1).asText()});
      }
      JsonNode sub = node.path("Fn::Sub");
      if (!sub.isMissingNode()) {
        Matcher m = SUB_ATTRIBUTE.matcher(sub.isArray() ? sub.get(0).asText() : sub.asText());
        while (m.find()) {
          uses.add(new String[] {m.group(1), m.group(2)});
        }
      }
    });
    assertTrue(uses.size() > 5, "expected attribute uses; found " + uses.size());
    for (String[] use : uses) {
      String type = template.resource(use[0]).path("Type").asText();
      List<String> attributes = CloudFormationTemplate.strings(spec.path("resources").path(type).path("attributes"));
      if (!attributes.contains(use[1])) {
        problems.add(use[0] + " (" + type + ") has no attribute " + use[1] + "; attributes=" + attributes);
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private void checkObject(String path, JsonNode value, JsonNode properties) {
    if (isIntrinsic(value)) {
      return;
    }
    if (!value.isObject()) {
      problems.add(path + ": expected an object, got " + value);
      return;
    }
    for (Map.Entry<String, JsonNode> field : CloudFormationTemplate.fields(value).entrySet()) {
      JsonNode property = properties.path(field.getKey());
      if (property.isMissingNode()) {
        problems.add(path + ": unknown property " + field.getKey());
      } else {
        checkValue(path + "." + field.getKey(), field.getValue(), property.path("type"));
      }
    }
    CloudFormationTemplate.fields(properties).forEach((name, property) -> {
      if (property.path("required").asBoolean() && !value.has(name)) {
        problems.add(path + ": missing required property " + name);
      }
    });
  }

  private void checkValue(String path, JsonNode value, JsonNode type) {
    if (isIntrinsic(value)) {
      return;
    }
    switch (type.path("type").asText()) {
      case "string", "date-time" -> {
        expect(path, value, value.isTextual() || value.isNumber() || value.isBoolean());
        List<String> allowed = CloudFormationTemplate.strings(type.path("allowedValues"));
        if (!allowed.isEmpty() && !allowed.contains(value.asText())) {
          problems.add(path + ": value " + value + " is not one of " + allowed);
        }
      }
      case "integer" -> expect(path, value, value.isIntegralNumber() || value.asText().matches("-?\\d+"));
      case "number" -> expect(path, value, value.isNumber() || value.asText().matches("-?\\d+(\\.\\d+)?"));
      case "boolean" -> expect(path, value, value.isBoolean() || value.asText().matches("true|false"));
      case "json" -> { }
      case "tag" -> expect(path, value, value.has("Key") && value.has("Value"));
      case "array" -> {
        if (value.isArray()) {
          for (int i = 0; i < value.size(); i++) {
            checkValue(path + "[" + i + "]", value.get(i), type.path("element"));
          }
        } else {
          problems.add(path + ": expected a list, got " + value);
        }
      }
      case "map" -> CloudFormationTemplate.fields(value)
          .forEach((k, v) -> checkValue(path + "." + k, v, type.path("element")));
      case "ref" -> checkObject(path, value,
          spec.path("types").path(type.path("reference").path("$ref").asText()).path("properties"));
      case "union" -> {
        int before = problems.size();
        boolean anyFits = false;
        for (JsonNode alternative : type.path("types")) {
          checkValue(path, value, alternative);
          anyFits |= problems.size() == before;
          problems.subList(before, problems.size()).clear();
        }
        expect(path, value, anyFits);
      }
      default -> problems.add(path + ": unknown schema type " + type);
    }
  }

  private void expect(String path, JsonNode value, boolean fits) {
    if (!fits) {
      problems.add(path + ": value " + value + " does not fit its schema type");
    }
  }

  /** A value CloudFormation computes ({@code Ref}, {@code Fn::*}): its type is checked by other tests. */
  private static boolean isIntrinsic(JsonNode value) {
    if (!value.isObject() || value.size() != 1) {
      return false;
    }
    String key = value.fieldNames().next();
    return key.equals("Ref") || key.startsWith("Fn::");
  }

  private static JsonNode loadSpec() {
    try (InputStream in = CloudFormationSpecTest.class.getResourceAsStream("cfn-spec.json")) {
      if (in == null) {
        throw new AssertionError("cfn-spec.json missing from the test resources");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new AssertionError("cannot read cfn-spec.json", e);
    }
  }
}
