package dev.docqa.ingestion;

import dev.docqa.DocqaException;
import dev.docqa.InvalidInputException;
import dev.docqa.config.IngestSettings;
import dev.docqa.ingestion.DocumentRejectedException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.Detector;
import org.apache.tika.exception.EncryptedDocumentException;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.mime.MediaTypeRegistry;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.sax.BodyContentHandler;
import org.xml.sax.ContentHandler;

/**
 * Turns one document's bytes into its {@link ExtractedDocument canonical text}. The media type is detected from the
 * content, with the file name only as a hint. Plain-text types (text, Markdown, source code) are decoded as they are
 * (charset detected, BOM dropped) so that offsets index the file itself; PDF, HTML/XHTML and DOCX go through Tika, and
 * PDF page boundaries are kept. A file named {@code .pdf} or {@code .docx} whose content is not one is
 * {@link Reason#CORRUPT} (HTML whitespace is collapsed as a browser renders it). Everything else is
 * {@link Reason#UNSUPPORTED}.
 *
 * <p>Limits come from {@link IngestSettings}: documents over {@code maxDocumentBytes} are refused before parsing,
 * text over {@code maxExtractedChars} stops the parse, Tika's {@code SecureContentHandler} stops decompression bombs,
 * and each document is parsed on a worker thread that the caller waits on for at most {@code extractionTimeout}. On
 * timeout the worker is interrupted (the content handler stops at its next event) and abandoned; workers are daemon
 * threads, so a parser stuck in a loop cannot hold the caller or the JVM. Every failure specific to one document is a
 * {@link DocumentRejectedException} with a reason.
 *
 * <p>Thread-safe: one instance serves concurrent callers (each call runs on its own worker). Create once, reuse, and
 * {@link #close()} it to interrupt any extraction still running.
 */
public final class DocumentExtractor implements AutoCloseable {

  static final MediaType PDF = MediaType.application("pdf");
  static final MediaType XHTML = MediaType.application("xhtml+xml");
  static final MediaType DOCX = MediaType.application("vnd.openxmlformats-officedocument.wordprocessingml.document");

  /** Types parsed by Tika; plain-text types are decoded directly instead. */
  private static final Set<MediaType> PARSED_TYPES = Set.of(PDF, MediaType.TEXT_HTML, XHTML, DOCX);
  /** Binary formats: a file named as one of them must hold one (its content decides, never the name alone). */
  private static final Set<MediaType> BINARY_TYPES = Set.of(PDF, DOCX);

  private final IngestSettings settings;
  private final Detector detector;
  private final MediaTypeRegistry registry;
  private final AutoDetectParser parser;
  private final ExecutorService workers;

  public DocumentExtractor(IngestSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    TikaConfig tika = TikaConfig.getDefaultConfig();
    this.detector = tika.getDetector();
    this.registry = tika.getMediaTypeRegistry();
    this.parser = new AutoDetectParser(tika);
    this.workers = Executors.newThreadPerTaskExecutor(daemonThreads());
  }

  /** Extracts a local file; {@code documentId} names it in errors and its last path segment hints the type. */
  public ExtractedDocument extract(String documentId, Path file) {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(file, "file");
    try (InputStream in = Files.newInputStream(file)) {
      long size = Files.size(file);
      if (size > settings.maxDocumentBytes()) {
        throw new DocumentRejectedException(documentId, Reason.TOO_LARGE,
            size + " bytes is larger than maxDocumentBytes=" + settings.maxDocumentBytes());
      }
      return extract(documentId, in);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException("document file not found: " + file, e);
    } catch (IOException e) {
      throw new DocqaException("cannot read document file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Extracts a document read from {@code content} (not closed here); reads at most {@code maxDocumentBytes + 1}. */
  public ExtractedDocument extract(String documentId, InputStream content) throws IOException {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(content, "content");
    long limit = settings.maxDocumentBytes();
    byte[] bytes = content.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
    if (bytes.length > limit) {
      throw new DocumentRejectedException(documentId, Reason.TOO_LARGE,
          "larger than maxDocumentBytes=" + limit);
    }
    return extract(documentId, bytes);
  }

  /** Extracts a document held in memory. */
  public ExtractedDocument extract(String documentId, byte[] content) {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(content, "content");
    if (content.length > settings.maxDocumentBytes()) {
      throw new DocumentRejectedException(documentId, Reason.TOO_LARGE,
          content.length + " bytes is larger than maxDocumentBytes=" + settings.maxDocumentBytes());
    }
    if (content.length == 0) {
      throw new DocumentRejectedException(documentId, Reason.EMPTY, "the file has no bytes");
    }
    Future<ExtractedDocument> task = workers.submit(() -> extractNow(documentId, content));
    try {
      return task.get(settings.extractionTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new DocumentRejectedException(documentId, Reason.TIMEOUT,
          "extraction took longer than extractionTimeout=" + settings.extractionTimeout(), e);
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new DocqaException("interrupted while extracting document '" + documentId + "'", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof DocumentRejectedException rejected) {
        throw rejected;
      }
      throw new DocumentRejectedException(documentId, Reason.CORRUPT, describe(e.getCause()), e.getCause());
    }
  }

  private ExtractedDocument extractNow(String documentId, byte[] content) {
    Metadata metadata = new Metadata();
    metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName(documentId));
    MediaType type;
    try (TikaInputStream in = TikaInputStream.get(content)) {
      type = detector.detect(in, metadata).getBaseType();
    } catch (IOException e) {
      throw new DocumentRejectedException(documentId, Reason.CORRUPT, "type detection failed: " + describe(e), e);
    }
    MediaType named = typeOfName(documentId);
    if (BINARY_TYPES.contains(named) && !named.equals(type)) {
      // Junk named .pdf (or .docx) is not a document of that type; decoding it as whatever it resembles would index it.
      throw new DocumentRejectedException(documentId, Reason.CORRUPT,
          "named as " + named + " but the content is not one (it looks like " + type + ")");
    }
    if (isPlainText(type)) {
      PlainTextDecoder.Decoded decoded = PlainTextDecoder.decode(content);
      if (PlainTextDecoder.looksBinary(decoded.text())) {
        // A text name on binary bytes (the name decided the type): decoding would index garbage.
        throw new DocumentRejectedException(documentId, Reason.CORRUPT,
            "named as " + type + " but holds binary data, not text");
      }
      return document(documentId, decoded.text(), List.of(), type, decoded.charset().name());
    }
    if (!PARSED_TYPES.contains(type)) {
      throw new DocumentRejectedException(documentId, Reason.UNSUPPORTED,
          "media type " + type + " is not supported (supported: PDF, HTML, XHTML, DOCX, Markdown, plain text)");
    }
    boolean html = type.equals(MediaType.TEXT_HTML) || type.equals(XHTML);
    PageTrackingHandler handler = new PageTrackingHandler(settings.maxExtractedChars(), html);
    try (TikaInputStream in = TikaInputStream.get(content)) {
      parser.parse(in, new BodyContentHandler(handler), metadata, parseContext());
    } catch (EncryptedDocumentException e) {
      throw new DocumentRejectedException(documentId, Reason.ENCRYPTED, "the " + type + " is encrypted", e);
    } catch (Exception | StackOverflowError e) {
      // Parsers fail on malformed input in many ways (TikaException, IOException, runtime exceptions, deep recursion).
      throw rejection(documentId, type, e);
    }
    String text = handler.text();
    if (text.isBlank()) {
      String hint = PDF.equals(type) ? " (scanned pages would need OCR, which docqa does not run)" : "";
      throw new DocumentRejectedException(documentId, Reason.EMPTY, "no text in the " + type + hint);
    }
    return document(documentId, text, handler.pageStartsInCodePoints(), type, null);
  }

  /** The type the file name alone suggests ({@code application/octet-stream} when it suggests none). */
  private MediaType typeOfName(String documentId) {
    Metadata nameOnly = new Metadata();
    nameOnly.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName(documentId));
    try {
      return detector.detect(null, nameOnly).getBaseType();
    } catch (IOException e) {
      throw new DocumentRejectedException(documentId, Reason.CORRUPT, "type detection failed: " + describe(e), e);
    }
  }

  private ExtractedDocument document(
      String documentId, String text, List<Integer> pageStarts, MediaType type, String charset) {
    if (text.length() > settings.maxExtractedChars()) {
      throw new DocumentRejectedException(documentId, Reason.TOO_LARGE,
          text.length() + " characters of text exceeds maxExtractedChars=" + settings.maxExtractedChars());
    }
    if (text.isBlank()) {
      throw new DocumentRejectedException(documentId, Reason.EMPTY, "the " + type + " file holds only whitespace");
    }
    return new ExtractedDocument(text, pageStarts, type.toString(), charset, sha256Hex(text));
  }

  /** text/plain and its specialisations (Markdown, CSV, source code), but not the markup types that inherit from it. */
  private boolean isPlainText(MediaType type) {
    if (type.equals(MediaType.TEXT_PLAIN)) {
      return true;
    }
    return registry.isSpecializationOf(type, MediaType.TEXT_PLAIN)
        && !type.equals(MediaType.TEXT_HTML)
        && !registry.isSpecializationOf(type, MediaType.TEXT_HTML)
        && !type.equals(MediaType.APPLICATION_XML)
        && !registry.isSpecializationOf(type, MediaType.APPLICATION_XML);
  }

  private static ParseContext parseContext() {
    ParseContext context = new ParseContext();
    PDFParserConfig pdf = new PDFParserConfig();
    pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
    pdf.setExtractInlineImages(false);
    context.set(PDFParserConfig.class, pdf);
    TesseractOCRConfig ocr = new TesseractOCRConfig();
    ocr.setSkipOcr(true);
    context.set(TesseractOCRConfig.class, ocr);
    // Attachments and embedded files have no place in the canonical text: skip them instead of parsing them.
    context.set(EmbeddedDocumentExtractor.class, new SkipEmbedded());
    return context;
  }

  private static DocumentRejectedException rejection(String documentId, MediaType type, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof PageTrackingHandler.StopParsing stop) {
        return new DocumentRejectedException(documentId, stop.reason, stop.getMessage(), e);
      }
      if (t instanceof EncryptedDocumentException) {
        return new DocumentRejectedException(documentId, Reason.ENCRYPTED, "the " + type + " is encrypted", e);
      }
      String message = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      // Tika's SecureContentHandler and POI's ZipSecureFile both report decompression bombs only by message.
      if (message.contains("zip bomb") || message.contains("compression ratio")) {
        return new DocumentRejectedException(documentId, Reason.SUSPICIOUS_EXPANSION,
            "the " + type + " expands far beyond its size: " + t.getMessage(), e);
      }
    }
    return new DocumentRejectedException(documentId, Reason.CORRUPT,
        "the " + type + " cannot be parsed: " + describe(e), e);
  }

  private static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static String fileName(String documentId) {
    int slash = Math.max(documentId.lastIndexOf('/'), documentId.lastIndexOf('\\'));
    return documentId.substring(slash + 1);
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }

  private static ThreadFactory daemonThreads() {
    return Thread.ofPlatform().name("docqa-extract-", 1).daemon(true).factory();
  }

  /** Interrupts extractions still running; later calls fail with {@code RejectedExecutionException}. */
  @Override
  public void close() {
    workers.shutdownNow();
  }

  private static final class SkipEmbedded implements EmbeddedDocumentExtractor {
    @Override
    public boolean shouldParseEmbedded(Metadata metadata) {
      return false;
    }

    @Override
    public void parseEmbedded(InputStream stream, ContentHandler handler, Metadata metadata, boolean outputHtml) {
      // Never called: shouldParseEmbedded is always false.
    }
  }
}
