"""Stage: group articles of different outlets about one event into stories."""
