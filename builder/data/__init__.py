"""Stage 4, records and scores → the downloads: the columns and rows of the CSV and JSON files (derived
from the record models), the per-year gzip files, the Frictionless data package and the SQLite file
updated in place.

In: records, findings, scores and standings. Out: files under content/downloads/data/.
"""
