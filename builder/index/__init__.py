"""Stage 3, records → the transparency index: the indicators, weights and deadlines (one definition that
scores and the methodology page are made from), ranks within comparable groups, review flags, the
registry of published reports, coverage and timeliness, the git history of corrections, and the
findings in plain Chinese.

In: records and their findings, reports/agencies.yaml, reports/registry/. Out: scores, standings,
coverage entries, wording.
"""
