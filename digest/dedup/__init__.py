"""Stage: exact and near-duplicate decisions against the whole corpus."""
