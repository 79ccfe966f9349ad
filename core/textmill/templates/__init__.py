"""Templates of `textmill new-plugin`: ``{{key}}`` placeholders, filled by textmill.scaffold."""
