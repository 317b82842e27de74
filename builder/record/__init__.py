"""The contract: the national template (its tables, rows, labels; both editions), the record that holds one
report (pydantic models, the one definition: JSON Schema, YAML, CSV, SQLite and JSON are derived from it),
the template's arithmetic (勾稽关系) as equations, the folding of text and names, and records on disk.

In: YAML record files, or a Record that extraction made. Out: Record and Finding objects, record files,
and the Outcome of one report (its record and findings, or why it could not be read).
"""
