"""Stage: condense a story into a lede and key points by speaker."""
