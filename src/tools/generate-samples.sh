#!/usr/bin/env bash
# Regenerates the generated samples (gazetteer, PDF, DOCX, SQuAD sample) with SampleDocuments (fixed seed).
# SamplesTest fails when the committed files and this generator disagree.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec src/tools/run-test-main.sh dev.docqa.ingestion.SampleDocuments samples/documents
