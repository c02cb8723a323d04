package dev.docqa.ingestion;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.apache.poi.xwpf.usermodel.XWPFDocument;

/** Builds real PDF (PDFBox) and DOCX (POI) files in memory, for tests and for the committed samples. */
final class TestDocuments {

  private static final Calendar FIXED_DATE = fixedDate();

  private TestDocuments() {}

  /** A PDF with one page per entry; each page's text is laid out as lines of at most about 90 characters. */
  static byte[] pdf(List<String> pages) {
    return pdf(pages, null);
  }

  /** As {@link #pdf(List)}, encrypted with AES-256 and the given user password when it is not null. */
  static byte[] pdf(List<String> pages, String userPassword) {
    return pdf(pages, userPassword, null);
  }

  /** A one-page PDF that carries a text file attachment. */
  static byte[] pdfWithAttachment(String pageText, String attachmentText) {
    return pdf(List.of(pageText), null, attachmentText);
  }

  private static byte[] pdf(List<String> pages, String userPassword, String attachmentText) {
    try (PDDocument document = new PDDocument()) {
      document.getDocumentInformation().setCreationDate(FIXED_DATE);
      document.getDocumentInformation().setProducer("docqa tests");
      PDType1Font font = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
      for (String pageText : pages) {
        PDPage page = new PDPage(PDRectangle.A4);
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.beginText();
          content.setFont(font, 11);
          content.setLeading(14);
          content.newLineAtOffset(56, 780);
          for (String paragraph : pageText.split("\n")) {
            for (String line : wrap(paragraph, 90)) {
              content.showText(line);
              content.newLine();
            }
            content.newLine();
          }
          content.endText();
        }
      }
      if (attachmentText != null) {
        byte[] bytes = attachmentText.getBytes(StandardCharsets.UTF_8);
        PDEmbeddedFile file = new PDEmbeddedFile(document, new ByteArrayInputStream(bytes));
        file.setSubtype("text/plain");
        file.setSize(bytes.length);
        PDComplexFileSpecification spec = new PDComplexFileSpecification();
        spec.setFile("attachment.txt");
        spec.setEmbeddedFile(file);
        PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
        tree.setNames(java.util.Map.of("attachment.txt", spec));
        PDDocumentNameDictionary names = new PDDocumentNameDictionary(document.getDocumentCatalog());
        names.setEmbeddedFiles(tree);
        document.getDocumentCatalog().setNames(names);
      }
      if (userPassword != null) {
        StandardProtectionPolicy policy =
            new StandardProtectionPolicy("owner-" + userPassword, userPassword, new AccessPermission());
        policy.setEncryptionKeyLength(256);
        document.protect(policy);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      document.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A DOCX with one Word paragraph per entry. */
  static byte[] docx(List<String> paragraphs) {
    try (XWPFDocument document = new XWPFDocument()) {
      document.getProperties().getCoreProperties().setCreated(java.util.Optional.of(FIXED_DATE.getTime()));
      for (String paragraph : paragraphs) {
        document.createParagraph().createRun().setText(paragraph);
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      document.write(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A minimal DOCX whose body is {@code chars} characters of one repeated letter: a few kilobytes that inflate to
   * many megabytes, the shape of a decompression bomb.
   */
  static byte[] inflatingDocx(int chars) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (ZipOutputStream zip = new ZipOutputStream(out)) {
        entry(zip, "[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
            <Default Extension="xml" ContentType="application/xml"/>
            <Override PartName="/word/document.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
            </Types>""");
        entry(zip, "_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="word/document.xml"/>
            </Relationships>""");
        entry(zip, "word/document.xml",
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                + "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
                + "<w:p><w:r><w:t>" + "a".repeat(chars) + "</w:t></w:r></w:p></w:body></w:document>");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The real MiniLM (uncased BERT WordPiece) tokenizer, read from the embedder jar on the classpath. */
  static HuggingFaceSpanTokenizer miniLmTokenizer() {
    String resource = "/all-minilm-l6-v2-tokenizer.json";
    try (InputStream in = TestDocuments.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath (langchain4j MiniLM jar missing?)");
      }
      return HuggingFaceSpanTokenizer.open(in, "classpath:" + resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void entry(ZipOutputStream zip, String name, String content) throws IOException {
    ZipEntry entry = new ZipEntry(name);
    entry.setTime(FIXED_DATE.getTimeInMillis());
    zip.putNextEntry(entry);
    zip.write(content.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  private static List<String> wrap(String paragraph, int width) {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : paragraph.split(" ")) {
      if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(word);
    }
    if (!line.isEmpty()) {
      lines.add(line.toString());
    }
    return lines;
  }

  private static Calendar fixedDate() {
    Calendar calendar = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
    calendar.clear();
    calendar.set(2026, Calendar.JANUARY, 1);
    return calendar;
  }
}
