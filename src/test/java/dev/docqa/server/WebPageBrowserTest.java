package dev.docqa.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.docqa.indexing.IndexedDocument;
import dev.docqa.service.DocumentSource;
import dev.docqa.service.IngestOutcome;
import dev.docqa.service.LocalDocQa;
import dev.docqa.service.Origins;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real browser (Debian's chromium, headless, through its chromedriver) against {@code docqa serve}'s
 * server on the real service: a question typed and submitted from the keyboard shows the answer the JSON API gives,
 * highlighted in its passage with its document and page; a file uploaded through the page is listed; deleting it
 * removes it. Leaves a screenshot in {@code target/screenshots/}.
 */
class WebPageBrowserTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path PDF = Path.of("samples/documents/port-ellery-harbour-report.pdf");
  private static final String QUESTION = "Who inspected the harbour of Port Ellery?";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path work;
  private static LocalDocQa local;
  private static LocalServer server;
  private static WebDriver browser;

  @BeforeAll
  static void start() throws IOException {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "needs Debian's chromium and chromium-driver (.ci/run installs them: apt-get install chromium chromium-driver)");
    local = LocalDocQa.open(work.resolve("index"));
    Path pdf = work.resolve("harbour-report.pdf");
    Files.copy(PDF, pdf, StandardCopyOption.REPLACE_EXISTING);
    IngestOutcome outcome = local.service()
        .ingestAll(List.of(new DocumentSource("harbour-report.pdf", pdf, "v1", Origins.ofFile(pdf)))).getFirst();
    assertEquals(IngestOutcome.Status.INDEXED, outcome.status(), outcome.toString());
    server = LocalServer.start(local.service(), new InetSocketAddress("127.0.0.1", 0), 10_000_000);

    // The installed driver and browser: Selenium Manager then has nothing to download.
    System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectories(work.resolve("chromium-profile")));
    browser = new ChromeDriver(options);
    browser.manage().window().setSize(new Dimension(1100, 1400));
  }

  @AfterAll
  static void stop() {
    try {
      if (browser != null) {
        browser.quit();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (local != null) {
        local.close();
      }
    }
  }

  private static WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT);
  }

  @Test
  void asksUploadsAndDeletesFromThePage() throws Exception {
    browser.get(server.uri().toString());

    // Ask from the keyboard: the question box has focus, Enter submits.
    WebElement question = waiting().until(ExpectedConditions.elementToBeClickable(By.id("question")));
    assertEquals(question, browser.switchTo().activeElement(), "the question box has focus on load");
    question.sendKeys(QUESTION, Keys.ENTER);
    WebElement highlight = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("answer-highlight")));

    // The same question through the JSON API of the same server: the page shows exactly that answer.
    JsonNode api = askApi();
    assertFalse(api.get("answer").isNull(), api.toString());
    assertEquals(collapse(api.get("answer").asText()), collapse(highlight.getText()));
    assertEquals(collapse(api.get("answer").asText()), browser.findElement(By.id("answer-text")).getText());
    assertEquals("harbour-report.pdf", api.get("document").asText());
    assertEquals(api.get("document").asText(), browser.findElement(By.id("answer-document")).getText());
    assertTrue(api.get("page").asInt() >= 1, api.toString());
    assertEquals(api.get("page").asText(), browser.findElement(By.id("answer-page")).getText());
    assertTrue(browser.findElement(By.id("answer-passage")).getText().contains(highlight.getText()));
    assertEquals(api.get("alternatives").size(), browser.findElements(By.cssSelector("#alternatives-list li")).size());
    assertTrue(browser.findElement(By.id("timings")).getText().startsWith("Timings: "));
    screenshot("docqa-serve.png");
    // The retrieved passages are collapsed until opened (from the keyboard too).
    WebElement passages = browser.findElement(By.id("passages-block"));
    assertFalse(browser.findElement(By.id("passages-list")).isDisplayed());
    passages.findElement(By.tagName("summary")).sendKeys(Keys.ENTER);
    assertEquals(api.get("passages").size(), passages.findElements(By.cssSelector("#passages-list > li")).size());
    assertTrue(browser.findElement(By.id("passages-list")).isDisplayed());

    // Upload a file through the page and see it listed.
    Path upload = Files.writeString(work.resolve("glass-museum.txt"),
        "The glass museum of Port Ellery keeps the blue lanterns of the old harbour light.");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("documents-section")));
    browser.findElement(By.id("upload-input")).sendKeys(upload.toAbsolutePath().toString());
    browser.findElement(By.id("upload-button")).click();
    By uploadedRow = By.cssSelector("#documents-body tr[data-id='glass-museum.txt']");
    waiting().until(ExpectedConditions.visibilityOfElementLocated(uploadedRow));
    assertTrue(browser.findElement(By.id("upload-progress")).getText().contains("glass-museum.txt: indexed 1 passage"),
        browser.findElement(By.id("upload-progress")).getText());
    assertTrue(local.service().documents().stream().anyMatch(d -> d.documentId().equals("glass-museum.txt")));

    // Delete it from the keyboard and see it gone, from the page and from the index.
    WebElement delete = browser.findElement(By.cssSelector("button.delete[data-id='glass-museum.txt']"));
    assertEquals("Delete glass-museum.txt", delete.getAttribute("aria-label"));
    delete.sendKeys(Keys.ENTER);
    waiting().until(ExpectedConditions.invisibilityOfElementLocated(uploadedRow));
    assertEquals(List.of("harbour-report.pdf"),
        local.service().documents().stream().map(IndexedDocument::documentId).toList());
    assertEquals("Deleted glass-museum.txt.", browser.findElement(By.id("documents-status")).getText());
  }

  /** What the page sends: the question, the passages asked for, three alternatives. */
  private static JsonNode askApi() throws IOException, InterruptedException {
    String body = JSON.writeValueAsString(java.util.Map.of("question", QUESTION, "show_passages", true,
        "alternatives", 3));
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(server.uri().resolve("ask")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    return JSON.readTree(response.body());
  }

  private static String collapse(String text) {
    return text.replaceAll("\\s+", " ").strip();
  }

  private static void screenshot(String name) throws IOException {
    Path target = Files.createDirectories(Path.of("target", "screenshots")).resolve(name);
    Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), target,
        StandardCopyOption.REPLACE_EXISTING);
  }
}
