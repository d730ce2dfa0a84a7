"""Editor tools: the miss inbox, source edits, and the train/test/deploy pipeline."""
