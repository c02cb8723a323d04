package dev.docqa.events;

/**
 * An event that names no document of this deployment, and why.
 *
 * @param unsafeKey whether its key breaks the {@link dev.docqa.storage.ObjectKeys} rules (worth a warning), rather
 *     than belonging to another bucket or prefix
 */
public record IgnoredEvent(DocumentEvent event, String reason, boolean unsafeKey) {}
