/** docqa: document question answering over Lucene hybrid retrieval and an extractive BERT-family reader. */
package dev.docqa;
