"""Stage 2, text → record: lines of cells, the report's sections and what it says of itself, each table's
numbers placed in the template's rows and columns, each cell given its status (printed, blank, not
applicable, unread with a finding), and the blanks that the template's arithmetic determines inferred.

In: read.text.SourceText. Out: a record.models.Record and its findings.
"""
