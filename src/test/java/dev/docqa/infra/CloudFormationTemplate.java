package dev.docqa.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A CloudFormation template read as a JSON tree (long-form intrinsics only, which is what {@code infra/template.yaml}
 * uses), with the queries the infrastructure tests need: resources by type, IAM statements, and references between
 * resources. Immutable after loading; safe to share between tests.
 */
final class CloudFormationTemplate {

  /** One statement of an identity policy, with the role it is attached to. */
  record Statement(String role, JsonNode node) {

    String effect() {
      return node.path("Effect").asText();
    }

    List<String> actions() {
      return strings(node.path("Action"));
    }

    List<JsonNode> resources() {
      JsonNode resource = node.path("Resource");
      return resource.isArray() ? list(resource) : List.of(resource);
    }
  }

  private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9:]+)(\\.[A-Za-z0-9.]+)?}");

  private final JsonNode root;

  private CloudFormationTemplate(JsonNode root) {
    this.root = root;
  }

  static CloudFormationTemplate load(Path file) {
    try {
      return new CloudFormationTemplate(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + file, e);
    }
  }

  JsonNode root() {
    return root;
  }

  /**
   * The template as CloudFormation deploys it for {@code parameters} (the others at their defaults): conditions
   * evaluated, resources and outputs whose condition is false removed, each {@code Fn::If} replaced by its chosen
   * branch and {@code AWS::NoValue} left out. Parameters, conditions and rules are kept as they are.
   */
  CloudFormationTemplate resolve(Map<String, String> parameters) {
    Map<String, String> values = new LinkedHashMap<>();
    fields(root.path("Parameters")).forEach((name, parameter) -> {
      if (parameter.has("Default")) {
        values.put(name, parameter.get("Default").asText());
      }
    });
    values.putAll(parameters);
    Map<String, Boolean> conditions = new LinkedHashMap<>();
    fields(root.path("Conditions")).keySet().forEach(name -> condition(name, values, conditions));

    ObjectNode resolved = root.deepCopy();
    for (String section : List.of("Resources", "Outputs")) {
      ObjectNode entries = (ObjectNode) resolved.path(section);
      for (String id : List.copyOf(fields(entries).keySet())) {
        JsonNode condition = entries.get(id).path("Condition");
        if (!condition.isMissingNode() && !condition(condition.asText(), values, conditions)) {
          entries.remove(id);
        } else {
          entries.set(id, chooseBranches(entries.get(id), conditions));
        }
      }
    }
    return new CloudFormationTemplate(resolved);
  }

  private boolean condition(String name, Map<String, String> values, Map<String, Boolean> known) {
    Boolean value = known.get(name);
    if (value == null) {
      JsonNode definition = root.path("Conditions").path(name);
      if (definition.isMissingNode()) {
        throw new AssertionError("no condition " + name);
      }
      value = conditionValue(definition, values, known);
      known.put(name, value);
    }
    return value;
  }

  private boolean conditionValue(JsonNode node, Map<String, String> values, Map<String, Boolean> known) {
    if (node.has("Condition")) {
      return condition(node.get("Condition").asText(), values, known);
    }
    if (node.has("Fn::Equals")) {
      JsonNode args = node.get("Fn::Equals");
      return evaluate(args.get(0), values).equals(evaluate(args.get(1), values));
    }
    if (node.has("Fn::Not")) {
      return !conditionValue(node.get("Fn::Not").get(0), values, known);
    }
    if (node.has("Fn::And") || node.has("Fn::Or")) {
      boolean and = node.has("Fn::And");
      boolean result = and;
      for (JsonNode operand : node.get(and ? "Fn::And" : "Fn::Or")) {
        result = and ? result && conditionValue(operand, values, known) : result || conditionValue(operand, values, known);
      }
      return result;
    }
    throw new IllegalArgumentException("cannot evaluate condition " + node);
  }

  /** {@code node} with every {@code Fn::If} replaced by its chosen branch; {@code null} for {@code AWS::NoValue}. */
  private static JsonNode chooseBranches(JsonNode node, Map<String, Boolean> conditions) {
    if (node.isObject() && node.has("Fn::If")) {
      JsonNode args = node.get("Fn::If");
      Boolean holds = conditions.get(args.get(0).asText());
      if (holds == null) {
        throw new AssertionError("Fn::If names unknown condition " + args.get(0));
      }
      return chooseBranches(args.get(holds ? 1 : 2), conditions);
    }
    if (node.isObject() && node.size() == 1 && node.path("Ref").asText().equals("AWS::NoValue")) {
      return null;
    }
    if (node.isObject()) {
      ObjectNode copy = new ObjectMapper().createObjectNode();
      fields(node).forEach((key, value) -> {
        JsonNode chosen = chooseBranches(value, conditions);
        if (chosen != null) {
          copy.set(key, chosen);
        }
      });
      return copy;
    }
    if (node.isArray()) {
      var copy = new ObjectMapper().createArrayNode();
      node.forEach(element -> {
        JsonNode chosen = chooseBranches(element, conditions);
        if (chosen != null) {
          copy.add(chosen);
        }
      });
      return copy;
    }
    return node;
  }

  Map<String, JsonNode> resources() {
    return fields(root.path("Resources"));
  }

  JsonNode resource(String logicalId) {
    JsonNode resource = root.path("Resources").path(logicalId);
    if (resource.isMissingNode()) {
      throw new AssertionError("template has no resource " + logicalId + "; resources=" + resources().keySet());
    }
    return resource;
  }

  JsonNode properties(String logicalId) {
    return resource(logicalId).path("Properties");
  }

  Map<String, JsonNode> resourcesOfType(String type) {
    Map<String, JsonNode> matching = new LinkedHashMap<>();
    resources().forEach((id, resource) -> {
      if (type.equals(resource.path("Type").asText())) {
        matching.put(id, resource);
      }
    });
    return matching;
  }

  /** Every statement of every role's inline policies and of every {@code AWS::IAM::Policy}, per attached role. */
  List<Statement> identityStatements() {
    List<Statement> statements = new ArrayList<>();
    resourcesOfType("AWS::IAM::Role").forEach((id, role) -> {
      for (JsonNode policy : list(role.path("Properties").path("Policies"))) {
        for (JsonNode statement : list(policy.path("PolicyDocument").path("Statement"))) {
          statements.add(new Statement(id, statement));
        }
      }
    });
    resourcesOfType("AWS::IAM::Policy").values().forEach(policy -> {
      for (JsonNode role : list(policy.path("Properties").path("Roles"))) {
        for (JsonNode statement : list(policy.path("Properties").path("PolicyDocument").path("Statement"))) {
          statements.add(new Statement(role.path("Ref").asText(), statement));
        }
      }
    });
    return statements;
  }

  List<Statement> identityStatements(String role) {
    return identityStatements().stream().filter(s -> s.role().equals(role)).toList();
  }

  /**
   * Logical ids (resources, parameters, pseudo parameters) that {@code node} refers to through {@code Ref},
   * {@code Fn::GetAtt}, {@code Fn::Sub} variables and {@code Condition} names, excluding variables a {@code Fn::Sub}
   * defines itself.
   */
  static Set<String> references(JsonNode node) {
    Set<String> found = new LinkedHashSet<>();
    collectReferences(node, found);
    return found;
  }

  /** Resource ids that {@code logicalId} depends on: its references plus {@code DependsOn}. */
  Set<String> dependencies(String logicalId) {
    JsonNode resource = resource(logicalId);
    Set<String> deps = new LinkedHashSet<>(references(resource.path("Properties")));
    deps.addAll(strings(resource.path("DependsOn")));
    deps.retainAll(resources().keySet());
    return deps;
  }

  private static void collectReferences(JsonNode node, Set<String> found) {
    if (node.isArray()) {
      node.forEach(child -> collectReferences(child, found));
      return;
    }
    if (!node.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : fields(node).entrySet()) {
      JsonNode value = field.getValue();
      switch (field.getKey()) {
        case "Ref" -> found.add(value.asText());
        case "Fn::GetAtt" -> found.add(value.isArray() ? value.get(0).asText() : value.asText().split("\\.")[0]);
        case "Fn::Sub" -> {
          String text = value.isArray() ? value.get(0).asText() : value.asText();
          Set<String> local = value.isArray() ? fields(value.get(1)).keySet() : Set.of();
          Matcher m = SUB_VARIABLE.matcher(text);
          while (m.find()) {
            if (!local.contains(m.group(1))) {
              found.add(m.group(1));
            }
          }
          if (value.isArray()) {
            collectReferences(value.get(1), found);
          }
        }
        default -> collectReferences(value, found);
      }
    }
  }

  /**
   * Evaluates the intrinsic functions the template uses ({@code Ref}, {@code Fn::Sub}, {@code Fn::Select},
   * {@code Fn::Split}) to a string, with {@code values} for parameters, pseudo parameters and attributes ({@code
   * Id.Attribute}). Without a value, {@code Fn::GetAtt} and a {@code Ref} to a resource evaluate to {@code
   * <Id.Attribute>} and {@code <Id>}.
   */
  static String evaluate(JsonNode node, Map<String, String> values) {
    return evaluateNode(node, values).asText();
  }

  private static JsonNode evaluateNode(JsonNode node, Map<String, String> values) {
    ObjectMapper mapper = new ObjectMapper();
    if (node.isTextual() || node.isNumber()) {
      return node;
    }
    if (node.has("Ref")) {
      String id = node.get("Ref").asText();
      return mapper.getNodeFactory().textNode(values.getOrDefault(id, "<" + id + ">"));
    }
    if (node.has("Fn::GetAtt")) {
      JsonNode att = node.get("Fn::GetAtt");
      String name = att.get(0).asText() + "." + att.get(1).asText();
      return mapper.getNodeFactory().textNode(values.getOrDefault(name, "<" + name + ">"));
    }
    if (node.has("Fn::Select")) {
      JsonNode args = node.get("Fn::Select");
      return evaluateNode(args.get(1), values).get(args.get(0).asInt());
    }
    if (node.has("Fn::Split")) {
      JsonNode args = node.get("Fn::Split");
      String text = evaluate(args.get(1), values);
      var array = mapper.createArrayNode();
      for (String part : text.split(Pattern.quote(args.get(0).asText()), -1)) {
        array.add(part);
      }
      return array;
    }
    if (node.has("Fn::Sub")) {
      JsonNode sub = node.get("Fn::Sub");
      Map<String, String> scope = new LinkedHashMap<>(values);
      if (sub.isArray()) {
        fields(sub.get(1)).forEach((name, value) -> scope.put(name, evaluate(value, values)));
      }
      String text = sub.isArray() ? sub.get(0).asText() : sub.asText();
      Matcher m = SUB_VARIABLE.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String name = m.group(1) + (m.group(2) == null ? "" : m.group(2));
        m.appendReplacement(out, Matcher.quoteReplacement(scope.getOrDefault(name, "<" + name + ">")));
      }
      m.appendTail(out);
      return mapper.getNodeFactory().textNode(out.toString());
    }
    throw new IllegalArgumentException("cannot evaluate " + node);
  }

  static Map<String, JsonNode> fields(JsonNode node) {
    Map<String, JsonNode> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), e.getValue());
    }
    return map;
  }

  static List<JsonNode> list(JsonNode node) {
    if (node.isMissingNode() || node.isNull()) {
      return List.of();
    }
    return node.isArray() ? StreamSupport.stream(node.spliterator(), false).toList() : List.of(node);
  }

  static List<String> strings(JsonNode node) {
    return list(node).stream().map(JsonNode::asText).toList();
  }

  /** {@code {"Ref": id}}, for comparing against template values. */
  static JsonNode ref(String id) {
    ObjectNode node = new ObjectMapper().createObjectNode();
    node.put("Ref", id);
    return node;
  }

  /** {@code {"Fn::GetAtt": [id, attribute]}}. */
  static JsonNode getAtt(String id, String attribute) {
    ObjectNode node = new ObjectMapper().createObjectNode();
    node.putArray("Fn::GetAtt").add(id).add(attribute);
    return node;
  }

  static Stream<JsonNode> walk(JsonNode node) {
    return Stream.concat(Stream.of(node), StreamSupport.stream(node.spliterator(), false).flatMap(CloudFormationTemplate::walk));
  }
}
