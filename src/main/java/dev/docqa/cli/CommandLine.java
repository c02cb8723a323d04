package dev.docqa.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One command's arguments split into positionals, {@code --flag VALUE} (or {@code --flag=VALUE}) options and {@code
 * --switch}es, against the flags that command declares. {@code --} ends the options. Immutable.
 */
final class CommandLine {

  private final List<String> positionals;
  private final Map<String, String> values;
  private final Set<String> switches;

  private CommandLine(List<String> positionals, Map<String, String> values, Set<String> switches) {
    this.positionals = List.copyOf(positionals);
    this.values = Map.copyOf(values);
    this.switches = Set.copyOf(switches);
  }

  static CommandLine parse(List<String> args, Set<String> valueFlags, Set<String> switchFlags) throws UsageException {
    List<String> positionals = new ArrayList<>();
    Map<String, String> values = new LinkedHashMap<>();
    Set<String> switches = new LinkedHashSet<>();
    boolean optionsEnded = false;
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (optionsEnded || !arg.startsWith("--") || arg.length() == 2) {
        if (!optionsEnded && arg.equals("--")) {
          optionsEnded = true;
        } else {
          positionals.add(arg);
        }
        continue;
      }
      int equals = arg.indexOf('=');
      String flag = equals < 0 ? arg : arg.substring(0, equals);
      if (switchFlags.contains(flag)) {
        if (equals >= 0) {
          throw new UsageException(flag + " takes no value; got " + arg);
        }
        switches.add(flag);
      } else if (valueFlags.contains(flag)) {
        String value;
        if (equals >= 0) {
          value = arg.substring(equals + 1);
        } else if (i + 1 < args.size()) {
          value = args.get(++i);
        } else {
          throw new UsageException(flag + " needs a value");
        }
        if (values.putIfAbsent(flag, value) != null) {
          throw new UsageException(flag + " given twice");
        }
      } else {
        throw new UsageException("unknown option " + flag);
      }
    }
    return new CommandLine(positionals, values, switches);
  }

  List<String> positionals() {
    return positionals;
  }

  Optional<String> value(String flag) {
    return Optional.ofNullable(values.get(flag));
  }

  boolean has(String flag) {
    return switches.contains(flag) || values.containsKey(flag);
  }

  /** Fails when any of {@code flags} is present, naming the first and why it does not apply. */
  void reject(List<String> flags, String reason) throws UsageException {
    for (String flag : flags) {
      if (has(flag)) {
        throw new UsageException(flag + " cannot be used " + reason);
      }
    }
  }
}
