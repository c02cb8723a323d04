package dev.docqa.ingestion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Writes the generated part of {@code samples/documents/}: the long gazetteer (many passages), a PDF and a DOCX. The
 * output depends only on the fixed seed, so {@code SamplesTest} can check the committed files against it.
 *
 * <p>Run with {@code src/tools/generate-samples.sh} (compiles the tests, then calls {@link #main}).
 */
public final class SampleDocuments {

  static final String GAZETTEER = "saltmere-gazetteer.txt";
  static final String PDF = "port-ellery-harbour-report.pdf";
  static final String DOCX = "kestrel-release-notes.docx";

  private static final long SEED = 1887L;

  private SampleDocuments() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: SampleDocuments <samples/documents folder>");
      System.exit(2);
    }
    Path dir = Files.createDirectories(Path.of(args[0]));
    Files.writeString(dir.resolve(GAZETTEER), gazetteer(), StandardCharsets.UTF_8);
    Files.write(dir.resolve(PDF), TestDocuments.pdf(harbourReportPages()));
    Files.write(dir.resolve(DOCX), TestDocuments.docx(releaseNotes()));
    Files.writeString(dir.resolveSibling(SQUAD), squadJson(dir), StandardCharsets.UTF_8);
    System.out.println("wrote " + GAZETTEER + ", " + PDF + ", " + DOCX + " to " + dir + " and " + SQUAD + " beside it");
  }

  /** One SQuAD question over a plain-text sample; {@code answer} is null when the context does not answer it. */
  record SquadQuestion(String id, String document, String question, String answer, String contextAnchor) {}

  static final String SQUAD = "squad-sample.json";

  static final List<SquadQuestion> SQUAD_QUESTIONS = List.of(
      new SquadQuestion("varnholm-1", "varnholm-lighthouse.txt", "Who designed Varnholm Light?",
          "Agathe Lindqvist", null),
      new SquadQuestion("varnholm-2", "varnholm-lighthouse.txt", "When was Varnholm Light first lit?",
          "14 October 1887", null),
      new SquadQuestion("varnholm-3", "varnholm-lighthouse.txt", "How tall is the tower of Varnholm Light?",
          "38 metres", null),
      new SquadQuestion("varnholm-4", "varnholm-lighthouse.txt",
          "Who was the longest-serving principal keeper at Varnholm?", "Henrik Dahl", null),
      new SquadQuestion("varnholm-5", "varnholm-lighthouse.txt", "What did sailors call the Varnholm fog signal?",
          "the Varnholm cow", null),
      new SquadQuestion("varnholm-6", "varnholm-lighthouse.txt", "When was the Varnholm fog signal switched off?",
          null, "The fog signal was added in 1899."),
      new SquadQuestion("kestrel-1", "kestrel-language.md", "Who created the Kestrel programming language?",
          "Mireille Okafor", null),
      new SquadQuestion("kestrel-2", "kestrel-language.md", "What is the Kestrel virtual machine called?",
          "the Roost", null),
      new SquadQuestion("kestrel-3", "kestrel-language.md", "Which tool fetches Kestrel packages?", "perch", null),
      new SquadQuestion("kestrel-4", "kestrel-language.md", "What file extension do Kestrel source files use?",
          ".kes", null),
      new SquadQuestion("kestrel-5", "kestrel-language.md", "Who runs the Aerie package registry?",
          null, "The Kestrel compiler is called"),
      new SquadQuestion("saltmere-1", GAZETTEER, "What is the highest point on Kalevik?", "Signal Crag",
          "Kalevik, one of the Outer Holms"),
      new SquadQuestion("saltmere-2", GAZETTEER, "How many people lived on Oreey at the last census?", "6480",
          "The island of Oreey"),
      new SquadQuestion("saltmere-3", GAZETTEER, "When was the lighthouse on Orolvik built?", "1914",
          "Orolvik is a small island"),
      new SquadQuestion("saltmere-4", GAZETTEER, "Which seabirds nest on the cliffs of Amsinsey?", "kittiwakes",
          "Amsinsey, one of the Southern Banks"),
      new SquadQuestion("saltmere-5", GAZETTEER, "How tall is the lighthouse on Amsinsey?", null,
          "Amsinsey, one of the Southern Banks"));

  /**
   * The SQuAD v2 file: each question's context is the paragraph (text between blank lines) of its sample that holds
   * the anchor (or the answer); {@code answer_start} counts code points into the context, as SQuAD's Python does.
   */
  static String squadJson(Path documents) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode root = json.createObjectNode().put("version", "v2.0");
    ArrayNode data = root.putArray("data");
    Map<String, ObjectNode> articles = new LinkedHashMap<>();
    Map<List<String>, ArrayNode> qasByContext = new LinkedHashMap<>();
    for (SquadQuestion q : SQUAD_QUESTIONS) {
      String text = Files.readString(documents.resolve(q.document()), StandardCharsets.UTF_8);
      String anchor = q.contextAnchor() != null ? q.contextAnchor() : q.answer();
      String context = paragraphHolding(text, anchor, q.id());
      ObjectNode article = articles.computeIfAbsent(q.document(), title -> {
        ObjectNode node = data.addObject().put("title", title);
        node.putArray("paragraphs");
        return node;
      });
      ArrayNode qas = qasByContext.computeIfAbsent(List.of(q.document(), context), key -> {
        ObjectNode paragraph = ((ArrayNode) article.get("paragraphs")).addObject().put("context", context);
        return paragraph.putArray("qas");
      });
      ObjectNode qa = qas.addObject().put("id", q.id()).put("question", q.question());
      ArrayNode answers = qa.putArray("answers");
      if (q.answer() != null) {
        int utf16 = context.indexOf(q.answer());
        if (utf16 < 0) {
          throw new IllegalStateException(q.id() + ": answer '" + q.answer() + "' not in its context");
        }
        answers.addObject().put("text", q.answer()).put("answer_start", context.codePointCount(0, utf16));
      }
      qa.put("is_impossible", q.answer() == null);
    }
    return json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
  }

  private static String paragraphHolding(String text, String anchor, String id) {
    for (String paragraph : text.split("\n\\s*\n")) {
      if (paragraph.contains(anchor)) {
        return paragraph.strip();
      }
    }
    throw new IllegalStateException(id + ": no paragraph holds '" + anchor + "'");
  }

  /** Three pages of the Port Ellery Harbour Authority's (fictional) annual report. */
  static List<String> harbourReportPages() {
    return List.of(
        """
        Port Ellery Harbour Authority - Annual Report 2025
        The Harbour Authority manages the port of Port Ellery, its three basins, the pilot service and the \
        navigation lights of the approaches. This report covers the year from 1 January to 31 December 2025.
        In 2025 the port handled 4.2 million tonnes of cargo, an increase of 6 percent on the year before. \
        Timber and wood pellets remained the largest trade, followed by grain and fertiliser.""",
        """
        Pilotage and navigation
        The pilot service carried out 2,318 acts of pilotage during the year. Pilots board inbound ships at the \
        Kettle Buoy, four nautical miles south of the harbour entrance. The new pilot boat, named Tern, entered \
        service in April and can reach 26 knots.
        The leading lights on Gull Point were converted to LED lanterns in September, which cut their power use by \
        80 percent.""",
        """
        Works and finances
        Dredging of the Inner Basin to a depth of 9.5 metres was completed in July at a cost of 3.1 million euros. \
        The old North Quay, built in 1896, was closed for repairs after divers found erosion beneath its timber piles.
        The Authority's income for the year was 27.4 million euros, and it employed 212 people at the end of the year. \
        The harbour master is Captain Ines Moreau.""");
  }

  /** Release notes for the made-up Kestrel language, one Word paragraph each. */
  static List<String> releaseNotes() {
    return List.of(
        "Kestrel 2.4 release notes",
        "Kestrel 2.4 was released on 9 September 2025. It is a minor release that keeps the bytecode format of "
            + "Kestrel 1.0, so programs compiled with earlier versions run unchanged on the new Roost.",
        "New: the window stage. The window stage groups the values of a pipe into sliding windows of a fixed "
            + "length, which makes moving averages a one-line pipe.",
        "New: parallel pipes. A pipe marked with the fan keyword runs its stages on up to eight worker threads, "
            + "keeping the order of values at the end of the pipe.",
        "Changed: the perch tool now verifies package signatures by default. Unsigned packages from the Aerie are "
            + "refused unless the --allow-unsigned flag is given.",
        "Fixed: reading a CSV file with a byte order mark no longer puts the mark into the first column name.",
        "Thanks to the 41 people who contributed to this release, and to Tomasz Wierzbicki, who wrote most of "
            + "the new window stage.");
  }

  /** About 22,000 words of varied, internally consistent facts about 140 invented islands. */
  static String gazetteer() {
    Random random = new Random(SEED);
    StringBuilder text = new StringBuilder();
    text.append("A Gazetteer of the Saltmere Isles\n\n");
    text.append("The Saltmere Isles are an invented archipelago of one hundred and forty islands, described here for "
        + "the docqa samples. The islands fall into seven groups, and each entry below gives the island's size, its "
        + "people, its history and what a visitor might notice.\n\n");
    Set<String> used = new LinkedHashSet<>();
    List<String> previous = new ArrayList<>();
    for (String group : GROUPS) {
      text.append("The ").append(group).append("\n\n");
      for (int i = 0; i < 20; i++) {
        String name = uniqueName(random, used);
        text.append(island(random, name, group, previous)).append("\n\n");
        previous.add(name);
      }
    }
    return text.toString().stripTrailing() + "\n";
  }

  private static String island(Random r, String name, String group, List<String> previous) {
    String neighbour = previous.isEmpty() ? "Port Ellery" : previous.get(r.nextInt(previous.size()));
    String village = uniqueVillage(r, name);
    String hill = pick(r, HILL_PREFIX) + " " + pick(r, HILL_SUFFIX);
    int area = 2 + r.nextInt(140);
    int people = area * (5 + r.nextInt(60));
    int height = 40 + r.nextInt(420);
    int settled = 600 + r.nextInt(900);
    int event = 1750 + r.nextInt(200);
    List<String> s = new ArrayList<>();
    s.add(String.format(Locale.ROOT, pick(r, INTROS), name, group, 3 + r.nextInt(40), pick(r, DIRECTIONS), neighbour));
    s.add(String.format(Locale.ROOT, pick(r, SIZES), area, people));
    s.add(String.format(Locale.ROOT, pick(r, HEIGHTS), hill, height));
    s.add(String.format(Locale.ROOT, pick(r, VILLAGES), village, pick(r, VILLAGE_DETAILS)));
    s.add(String.format(Locale.ROOT, pick(r, ECONOMY), pick(r, TRADES), pick(r, TRADES_2)));
    s.add(capitalise(
        String.format(Locale.ROOT, pick(r, HISTORY), name, pick(r, SETTLERS), settled, pick(r, EVENTS), event)));
    if (r.nextInt(3) == 0) {
      s.add(String.format(Locale.ROOT, pick(r, LIGHTS), pick(r, POINTS), 1820 + r.nextInt(110), 2 + r.nextInt(4),
          pick(r, COLOURS), 5 + 5 * r.nextInt(6)));
    }
    s.add(String.format(Locale.ROOT, pick(r, FERRIES), pick(r, FREQUENCIES), village, pick(r, PORTS),
        15 + 5 * r.nextInt(20)));
    s.add(String.format(Locale.ROOT, pick(r, NATURE), pick(r, CLIFFS), pick(r, BIRDS), pick(r, PLANTS)));
    if (r.nextBoolean()) {
      s.add(String.format(Locale.ROOT, pick(r, FESTIVALS), pick(r, MONTHS), name, pick(r, FESTIVAL_ACTS)));
    }
    if (r.nextBoolean()) {
      s.add(String.format(Locale.ROOT, pick(r, DISHES), pick(r, DISH_NAMES), pick(r, INGREDIENTS)));
    }
    s.add(String.format(Locale.ROOT, pick(r, GEOLOGY), pick(r, ROCKS)));
    return name + "\n" + String.join(" ", s);
  }

  private static String uniqueName(Random r, Set<String> used) {
    while (true) {
      String name = pick(r, NAME_START) + pick(r, NAME_MIDDLE) + pick(r, NAME_END);
      name = Character.toUpperCase(name.charAt(0)) + name.substring(1);
      if (used.add(name)) {
        return name;
      }
    }
  }

  private static String uniqueVillage(Random r, String island) {
    String prefix = pick(r, VILLAGE_PREFIX);
    String stem = island.substring(0, Math.min(4, island.length())).toLowerCase(Locale.ROOT);
    // "Kirk" joins the stem ("Kirkrosaby"); a separate word or no prefix leaves the stem capitalised ("Port Rosaby").
    return prefix + (prefix.isEmpty() || prefix.endsWith(" ") ? capitalise(stem) : stem) + pick(r, VILLAGE_SUFFIX);
  }

  private static String capitalise(String word) {
    return Character.toUpperCase(word.charAt(0)) + word.substring(1);
  }

  private static String pick(Random r, String[] values) {
    return values[r.nextInt(values.length)];
  }

  private static final String[] GROUPS = {
    "Northern Skerries", "Grey Sound Islands", "Outer Holms", "Lantern Isles", "Western Reach", "Inner Saltmere",
    "Southern Banks"
  };
  private static final String[] NAME_START = {
    "or", "var", "skel", "hal", "bra", "tor", "mun", "eil", "fen", "gar", "lis", "ros", "sul", "ket", "dun", "ams",
    "hest", "kal", "ny", "sand"
  };
  private static final String[] NAME_MIDDLE = {"", "e", "a", "in", "ol", "ar", "ul", "sk", "ing", "er"};
  private static final String[] NAME_END = {
    "ay", "holm", "oy", "sey", "ness", "ey", "vik", "a", "skerry", "ström", "ö"
  };
  private static final String[] DIRECTIONS = {
    "north", "north-east", "east", "south-east", "south", "south-west", "west", "north-west"
  };
  private static final String[] INTROS = {
    "%s is a small island in the %s, %d kilometres %s of %s.",
    "Lying %3$d kilometres %4$s of %5$s, %1$s belongs to the %2$s.",
    "%s, one of the %s, sits %d kilometres %s of %s across open water.",
    "The island of %s is part of the %s and lies %d kilometres %s of %s."
  };
  private static final String[] SIZES = {
    "It covers %d square kilometres and had %d inhabitants at the census of 2020.",
    "The island has an area of %d square kilometres; its population was %d in 2020.",
    "With %d square kilometres of land, it was home to %d people at the last census."
  };
  private static final String[] HEIGHTS = {
    "The highest point is %s, which rises to %d metres.",
    "Its summit, %s, reaches %d metres above the sea.",
    "From the top of %s, %d metres high, most of the group can be seen on a clear day."
  };
  private static final String[] HILL_PREFIX = {
    "Raven", "Cairn", "Watch", "Beacon", "Kettle", "Heather", "Storm", "Old Man's", "Sheep", "Signal"
  };
  private static final String[] HILL_SUFFIX = {"Hill", "Fell", "Knoll", "Tor", "Head", "Crag"};
  private static final String[] VILLAGE_PREFIX = {"", "Nether ", "Upper ", "Kirk", "Port ", "Strand "};
  private static final String[] VILLAGE_SUFFIX = {"by", "wick", "ton", "haven", "stad", "sund"};
  private static final String[] VILLAGES = {
    "Most people live in %s, %s.",
    "The main settlement is %s, %s.",
    "The only village, %s, is %s."
  };
  private static final String[] VILLAGE_DETAILS = {
    "a row of white houses along the harbour wall",
    "a scatter of farms around a stone church",
    "which grew up around a herring station",
    "a cluster of red-painted boathouses at the head of a sheltered bay",
    "where the school, the shop and the post office share one building"
  };
  private static final String[] ECONOMY = {
    "The island's economy rests on %s and %s.",
    "Islanders make their living from %s, with %s as a second trade.",
    "Work on the island comes mainly from %s and %s."
  };
  private static final String[] TRADES = {
    "sheep farming", "lobster fishing", "seaweed harvesting", "salmon farming", "wool spinning", "boat building",
    "dairy farming", "peat cutting"
  };
  private static final String[] TRADES_2 = {
    "summer tourism", "a small distillery", "knitwear sold on the mainland", "a wind farm owned by the islanders",
    "smoked fish", "a ferry repair yard", "honey from heather moorland"
  };
  private static final String[] HISTORY = {
    "%s was first settled by %s around the year %d, and %s in %d.",
    "%2$s reached %1$s around %3$d; later %4$s in %5$d.",
    "The first people on %s were %s, who arrived around %d, and %s in %d."
  };
  private static final String[] SETTLERS = {
    "farmers from the mainland", "fishing families from the Grey Sound", "monks from the abbey at Osterby",
    "traders from the southern coast", "herders crossing from the Outer Holms"
  };
  private static final String[] EVENTS = {
    "the island was sold to the Ellery merchant family", "a great storm destroyed the old harbour",
    "a stone pier was built for the mail boat", "the last wolf in the group was killed there",
    "a school opened for the island's children", "the church was rebuilt after a fire",
    "a telegraph cable was landed on its shore"
  };
  private static final String[] LIGHTS = {
    "A lighthouse was built on %s in %d; it shows %d %s flashes every %d seconds.",
    "Since %2$d a lighthouse on %1$s has marked the passage, with %3$d %4$s flashes every %5$d seconds."
  };
  private static final String[] POINTS = {
    "the northern headland", "Skate Point", "the outer skerry", "Gull Rock", "the harbour mouth", "Seal Ness"
  };
  private static final String[] COLOURS = {"white", "red", "green"};
  private static final String[] FERRIES = {
    "A ferry runs %s from %s to %s, taking %d minutes.",
    "Boats sail %s between %s and %s; the crossing takes %d minutes."
  };
  private static final String[] FREQUENCIES = {"twice a day", "three times a week", "daily in summer", "once a day"};
  private static final String[] PORTS = {"Port Ellery", "Osterby", "Skarvik", "Hallsund", "Varnholm harbour"};
  private static final String[] NATURE = {
    "The cliffs at %s are home to colonies of %s, and %s grows on the higher ground.",
    "Visitors come to %s to watch %s; in spring %s covers the slopes."
  };
  private static final String[] CLIFFS = {
    "the west side", "the Black Stacks", "Eagle Geo", "the south cape", "the Kettle Rocks"
  };
  private static final String[] BIRDS = {
    "puffins", "kittiwakes", "gannets", "razorbills", "fulmars", "guillemots", "Arctic terns"
  };
  private static final String[] PLANTS = {
    "sea pink", "purple heather", "wild thyme", "spring squill", "cotton grass", "bog myrtle"
  };
  private static final String[] FESTIVALS = {
    "Every %s the people of %s hold a festival when %s.",
    "In %s, %s celebrates its island day, when %s."
  };
  private static final String[] MONTHS = {"May", "June", "July", "August", "September", "midwinter"};
  private static final String[] FESTIVAL_ACTS = {
    "boats race around the island", "a bonfire is lit on the highest hill", "the sheep are gathered from the hills",
    "fiddlers play through the night", "the first catch of the season is blessed"
  };
  private static final String[] DISHES = {
    "A local dish is %s, made from %s.",
    "Visitors are offered %s, a dish of %s."
  };
  private static final String[] DISH_NAMES = {
    "skerry stew", "salt mutton", "kelp bread", "smoked herring pie", "barley bannock", "crab broth"
  };
  private static final String[] INGREDIENTS = {
    "lamb, barley and turnips", "dried fish and potatoes", "seaweed and oat flour", "herring, onions and cream",
    "crab, leeks and butter"
  };
  private static final String[] GEOLOGY = {
    "The rock is mostly %s.",
    "Underneath the turf lies %s."
  };
  private static final String[] ROCKS = {
    "red sandstone, laid down in an ancient desert",
    "grey gneiss, folded deep in the earth long before the islands took their shape",
    "black basalt, left by lava flows that once covered the whole group",
    "pale granite, which cooled slowly far underground and was later scraped bare by ice",
    "slate, pressed from fine mud on the floor of an old sea"
  };
}
