package dev.docqa.index;

/** Hands out point-in-time views of a passage index; each caller closes the view it acquired. */
@FunctionalInterface
public interface ViewSource {

  /**
   * A view of the index as it is now.
   *
   * @throws dev.docqa.DocqaException when the index cannot be read
   */
  IndexView acquire();
}
