"""Stage 1, file bytes → text: the format told by the file's magic bytes (text in any of its encodings,
web pages, MHT, Word, PDF with a text layer, scanned PDF by OCR), each table row one line of
tab-separated cells, pages separated by form feeds; under the limits one file may cost, in bounded
worker processes.

In: a source file's path or bytes. Out: read.text.SourceText (text, format, sha256, the readers' notes),
or read.text.ReportError naming the file and the reason.
"""
